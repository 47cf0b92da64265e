import BoxOfficeCore
import Foundation
import Synchronization

/// Conversions between UTC instants and theatre-local dates and times, with `TimeZone`s cached
/// because building one from an IANA name is costly and every theatre shares a few dozen.
final class LocalTime: Sendable {
    private struct HourInZone: Hashable {
        var zone: String
        var hour: Int64
    }

    private let zones = Mutex<[String: TimeZone]>([:])
    // UTC offsets change only on the hour (every US zone's DST rule), and asking ICU for one is
    // slow next to a dictionary lookup; showtime answers ask for one per showtime.
    private let offsets = Mutex<[HourInZone: Int]>([:])

    func timeZone(named name: String) -> TimeZone {
        if let zone = zones.withLock({ $0[name] }) { return zone }
        let zone = TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")!
        zones.withLock { $0[name] = zone }
        return zone
    }

    /// Seconds east of UTC in zone `name` at `unixSeconds`.
    func offset(in name: String, at unixSeconds: Int64) -> Int {
        let key = HourInZone(zone: name, hour: unixSeconds >= 0 ? unixSeconds / 3600 : (unixSeconds - 3599) / 3600)
        if let offset = offsets.withLock({ $0[key] }) { return offset }
        let offset = timeZone(named: name).secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
        offsets.withLock { table in
            if table.count > 100_000 { table.removeAll(keepingCapacity: true) }
            table[key] = offset
        }
        return offset
    }

    /// The calendar date at `instant` in the zone `name`.
    func localDate(at instant: Date, in name: String) -> LocalDate {
        let offset = self.offset(in: name, at: Int64(instant.timeIntervalSince1970.rounded(.down)))
        let localSeconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        return LocalDate(daysSinceEpoch: Int((Double(localSeconds) / 86_400).rounded(.down)))
    }

    /// RFC 3339 with the zone's offset at that instant, e.g. "2026-07-04T19:00:00-07:00".
    func rfc3339(unixSeconds: Int64, in name: String) -> String {
        let offset = self.offset(in: name, at: unixSeconds)
        let local = unixSeconds + Int64(offset)
        let days = Int((Double(local) / 86_400).rounded(.down))
        let secondsOfDay = Int(local - Int64(days) * 86_400)
        let date = LocalDate(daysSinceEpoch: days)
        let sign = offset < 0 ? "-" : "+"
        let offsetMinutes = abs(offset) / 60
        return "\(date)T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))"
            + "\(sign)\(two(offsetMinutes / 60)):\(two(offsetMinutes % 60))"
    }

    private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
