public import Foundation
import Synchronization

/// Conversions between UTC instants and theatre-local dates and times, through Foundation's
/// time-zone database so that daylight saving time is right (and absent where it is: Arizona,
/// Hawaii, Puerto Rico).
///
/// An unknown zone is an error, never a silent UTC: a server builds its `LocalTime` with every
/// zone its catalogue names (`init(preloading:)`), so a bad zone stops it at start-up rather than
/// printing wrong times for one theatre. `TimeZone`s are cached because building one from an IANA
/// name is costly and every theatre shares a few dozen; UTC offsets are cached by the hour.
public final class LocalTime: Sendable {
    private struct HourInZone: Hashable {
        var zone: String
        var hour: Int64
    }

    private let zones = Mutex<[String: TimeZone]>([:])
    // UTC offsets change only on the hour (every US zone's DST rule), and asking ICU for one is
    // slow next to a dictionary lookup; showtime answers ask for one per showtime.
    private let offsets = Mutex<[HourInZone: Int]>([:])

    /// Conversions that look zones up on first use.
    public init() {}

    /// Conversions with `zoneNames` looked up now; throws naming the first zone that is unknown.
    public init(preloading zoneNames: some Sequence<String>) throws(BoxOfficeError) {
        for name in zoneNames { _ = try timeZone(named: name) }
    }

    /// The zone with this IANA name; INTERNAL when the system's time-zone database does not know it.
    public func timeZone(named name: String) throws(BoxOfficeError) -> TimeZone {
        if let zone = zones.withLock({ $0[name] }) { return zone }
        guard let zone = TimeZone(identifier: name) else {
            throw .internalError("unknown time zone \"\(name)\": the catalogue names a zone this system's time-zone database lacks")
        }
        zones.withLock { $0[name] = zone }
        return zone
    }

    /// Seconds east of UTC in zone `name` at `unixSeconds`.
    public func offset(in name: String, at unixSeconds: Int64) throws(BoxOfficeError) -> Int {
        let key = HourInZone(zone: name, hour: unixSeconds >= 0 ? unixSeconds / 3600 : (unixSeconds - 3599) / 3600)
        if let offset = offsets.withLock({ $0[key] }) { return offset }
        let offset = try timeZone(named: name).secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
        offsets.withLock { table in
            if table.count > 100_000 { table.removeAll(keepingCapacity: true) }
            table[key] = offset
        }
        return offset
    }

    /// The calendar date at `instant` in the zone `name`.
    public func localDate(at instant: Date, in name: String) throws(BoxOfficeError) -> LocalDate {
        let unixSeconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        let localSeconds = unixSeconds + Int64(try offset(in: name, at: unixSeconds))
        return LocalDate(daysSinceEpoch: Int((Double(localSeconds) / 86_400).rounded(.down)))
    }

    /// RFC 3339 with the zone's offset at that instant, e.g. "2026-07-04T19:00:00-07:00".
    public func rfc3339(unixSeconds: Int64, in name: String) throws(BoxOfficeError) -> String {
        let offset = try self.offset(in: name, at: unixSeconds)
        let local = unixSeconds + Int64(offset)
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secondsOfDay = Int(local - Int64(days) * 86_400)
        let date = LocalDate(daysSinceEpoch: days)
        let sign = offset < 0 ? "-" : "+"
        let offsetMinutes = abs(offset) / 60
        return "\(date)T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))"
            + "\(sign)\(two(offsetMinutes / 60)):\(two(offsetMinutes % 60))"
    }

    /// Unix seconds (UTC) of `minutesAfterMidnight` on `date` in the zone `name`.
    public func unixSeconds(on date: LocalDate, minutesAfterMidnight: Int, in name: String) throws(BoxOfficeError) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try timeZone(named: name)
        let components = DateComponents(year: date.year, month: date.month, day: date.day,
                                        hour: minutesAfterMidnight / 60, minute: minutesAfterMidnight % 60)
        guard let instant = calendar.date(from: components) else {
            throw .internalError("no instant for \(date) \(minutesAfterMidnight) min in \(name)")
        }
        return Int64(instant.timeIntervalSince1970.rounded())
    }

    /// The local date and minutes after midnight of a unix instant in the zone `name`.
    public func local(_ unixSeconds: Int64, in name: String) throws(BoxOfficeError) -> (date: LocalDate, minutesAfterMidnight: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try timeZone(named: name)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute],
                                        from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
        return (LocalDate(year: c.year!, month: c.month!, day: c.day!), c.hour! * 60 + c.minute!)
    }

    private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
