public import Foundation

/// The time of day, injected so tests can fix "today" and later move hold expiry without sleeping.
public struct WallClock: Sendable {
    private let readNow: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.readNow = now
    }

    /// The system clock.
    public static let system = WallClock { Date() }

    public var now: Date { readNow() }

    /// Milliseconds since the Unix epoch.
    public var nowMilliseconds: Int64 { Int64((now.timeIntervalSince1970 * 1000).rounded(.down)) }
}
