public import BoxOfficeCore
import Foundation

/// Local wall-clock time to UTC instants, through Foundation's time-zone database so that daylight
/// saving time is right (and absent where it is: Arizona, Hawaii, Puerto Rico).
public enum LocalTime {
    /// Unix seconds (UTC) of `minutesAfterMidnight` on `date` in the IANA zone `timeZone`.
    public static func unixSeconds(on date: LocalDate, minutesAfterMidnight: Int, timeZone: String) throws -> Int64 {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw BoxOfficeError.internalError("unknown time zone \"\(timeZone)\"")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: date.year, month: date.month, day: date.day,
                                        hour: minutesAfterMidnight / 60, minute: minutesAfterMidnight % 60)
        guard let instant = calendar.date(from: components) else {
            throw BoxOfficeError.internalError("no instant for \(date) \(minutesAfterMidnight) min in \(timeZone)")
        }
        return Int64(instant.timeIntervalSince1970.rounded())
    }

    /// The local date and minutes after midnight of a unix instant in an IANA zone.
    public static func local(_ unixSeconds: Int64, timeZone: String) throws -> (date: LocalDate, minutesAfterMidnight: Int) {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw BoxOfficeError.internalError("unknown time zone \"\(timeZone)\"")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute],
                                        from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
        return (LocalDate(year: c.year!, month: c.month!, day: c.day!), c.hour! * 60 + c.minute!)
    }
}
