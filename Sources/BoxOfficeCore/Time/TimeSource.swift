public import Foundation

/// Where BoxOffice reads the time: one injected value with two clocks, because they answer
/// different questions.
///
/// - The wall clock says *when*: instants that cross the wire or are stored (a hold's expiry, a
///   show's start, a token's expiry, "today" in a theatre's zone). It can be stepped by NTP.
/// - The monotonic clock says *how long*: rate-limit buckets, bot scores, deadlines and timeouts.
///   It never steps, so a clock correction cannot refill every bucket or clear every block.
///
/// Tests inject a manual source and move both clocks together instead of sleeping.
public protocol TimeSource: Sendable {
    /// The wall clock's now.
    var now: Date { get }
    /// Time since an arbitrary origin fixed for the life of the process, on a clock that never steps.
    var monotonicNow: Duration { get }
}

extension TimeSource {
    /// The wall clock's now in milliseconds since the Unix epoch, rounded down: the unit of stored instants.
    public var nowMilliseconds: Int64 { Milliseconds.sinceEpoch(now) }

    /// The monotonic clock's now in whole milliseconds since its origin.
    public var monotonicMilliseconds: Int64 { Milliseconds.of(monotonicNow) }
}

/// The system's clocks: `Date()` for the wall and `ContinuousClock` for intervals.
public struct SystemTimeSource: TimeSource {
    /// The monotonic origin, taken once per process so that every reader shares it.
    private static let origin = ContinuousClock.now

    /// The system's clocks.
    public init() {}

    public var now: Date { Date() }
    public var monotonicNow: Duration { ContinuousClock.now - Self.origin }
}

/// The one place BoxOffice converts between durations, instants and integer milliseconds.
public enum Milliseconds {
    /// Whole milliseconds in `duration`, rounded toward zero.
    public static func of(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds in `duration`, rounded toward zero.
    public static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    /// Milliseconds since the Unix epoch at `instant`, rounded down.
    public static func sinceEpoch(_ instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The instant `milliseconds` after the Unix epoch.
    public static func date(sinceEpoch milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
