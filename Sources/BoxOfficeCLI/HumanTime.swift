import Foundation

/// The one way `boxoffice` writes times for people: the theatre's local time with its zone's
/// abbreviation ("Wed Dec 2, 7:30 PM CST"), and for expiries the time left ("in 4:59").
///
/// Every function takes its instants explicitly (Unix milliseconds), so output is the same on every
/// machine and tests need no clock.
enum HumanTime {
    /// "Wed Dec 2, 7:30 PM CST": the instant `ms` in the IANA zone `zone` (a showtime's or theatre's
    /// `time_zone`); nil, empty or unknown zones fall back to this machine's zone.
    static func local(ms: Int64, zone: String?) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE MMM d, h:mm a zzz"
        formatter.timeZone = timeZone(zone)
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
    }

    /// "in 4:59" (m:ss), "in 1:04:05" (h:mm:ss from an hour on), or "expired" once `untilMs` is not
    /// after `nowMs`. Seconds are whole seconds left, rounded down.
    static func timeLeft(untilMs: Int64, nowMs: Int64) -> String {
        guard untilMs > nowMs else { return "expired" }
        let seconds = (untilMs - nowMs) / 1000
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        return hours > 0
            ? "in \(hours):\(twoDigits(minutes)):\(twoDigits(rest))"
            : "in \(minutes):\(twoDigits(rest))"
    }

    /// "Wed Dec 2, 7:34 PM CST (in 4:59)": an expiry with the time left.
    static func expiry(ms: Int64, zone: String?, nowMs: Int64) -> String {
        "\(local(ms: ms, zone: zone)) (\(timeLeft(untilMs: ms, nowMs: nowMs)))"
    }

    /// The zone named `zone`, else this machine's.
    static func timeZone(_ zone: String?) -> TimeZone {
        guard let zone, !zone.isEmpty, let named = TimeZone(identifier: zone) else { return .current }
        return named
    }

    /// The current instant in Unix milliseconds, for callers that show a time left. The
    /// environment's BOXOFFICE_NOW_MS, when set, stands in for the clock: tests run a server on a
    /// test clock and measure "in 4:59" from the same instant.
    static var nowMs: Int64 {
        if let fixed = ProcessInfo.processInfo.environment["BOXOFFICE_NOW_MS"].flatMap({ Int64($0) }) { return fixed }
        return Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
