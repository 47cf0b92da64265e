public import BoxOfficeCore
public import Foundation
import Synchronization

/// Both of BoxOffice's clocks, moved forward by hand instead of sleeping: `advance` moves the wall
/// and the monotonic clock together, as real time would.
public final class ManualClock: TimeSource {
    private struct Readings {
        var wall: Date
        var monotonic: Duration
    }

    private let readings: Mutex<Readings>

    /// Clocks reading `start` on the wall and zero on the monotonic clock.
    public init(_ start: Date = TestCatalogue.now) { readings = Mutex(Readings(wall: start, monotonic: .zero)) }

    public var now: Date { readings.withLock { $0.wall } }
    public var monotonicNow: Duration { readings.withLock { $0.monotonic } }

    /// Moves both clocks `seconds` ahead.
    public func advance(seconds: TimeInterval) {
        readings.withLock {
            $0.wall += seconds
            $0.monotonic += .milliseconds(Int64((seconds * 1000).rounded()))
        }
    }

    /// Steps the wall clock alone, as NTP might: intervals measured on the monotonic clock do not move.
    public func stepWallClock(seconds: TimeInterval) {
        readings.withLock { $0.wall += seconds }
    }
}

/// A time source whose wall clock stands still at one instant, for tests that need "today" fixed.
public struct FixedTimeSource: TimeSource {
    public let now: Date
    public var monotonicNow: Duration { SystemTimeSource().monotonicNow }

    /// Wall-clock time fixed at `now`; the monotonic clock is the system's.
    public init(_ now: Date) { self.now = now }
}
