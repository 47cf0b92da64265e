public import BoxOfficeServer
public import Foundation
import Synchronization

/// A wall clock that tests move forward by hand instead of sleeping.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = TestCatalogue.now) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }
    public var wallClock: WallClock { WallClock { [self] in now } }

    public func advance(seconds: TimeInterval) { current.withLock { $0 += seconds } }
}
