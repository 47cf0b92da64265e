/// When a housekeeping service does its next round: on a real timer in production, or when a test
/// says so (no test sleeps for a reaper).
public struct HousekeepingTicks: Sendable {
    /// Set for a timer; nil when the rounds are driven by `manual`.
    private let interval: Duration?
    /// Whether a timer's first round is at start rather than one interval after it.
    private let roundAtStart: Bool
    private let manual: ManualTicks?

    /// A round every `interval`, the first one `interval` after start, or at start with `startingNow`.
    public static func every(_ interval: Duration, startingNow: Bool = false) -> HousekeepingTicks {
        HousekeepingTicks(interval: interval, roundAtStart: startingNow, manual: nil)
    }

    /// Rounds driven by hand through `ticks` (for one service).
    public static func manual(_ ticks: ManualTicks) -> HousekeepingTicks { HousekeepingTicks(interval: nil, roundAtStart: false, manual: ticks) }

    /// Runs `round` at every tick until the ticks end or the task is cancelled.
    func forEachRound(_ round: () async -> Void) async {
        if let manual {
            for await done in manual.requests {
                await round()
                done.resume()
            }
        } else if let interval {
            if roundAtStart { await round() }
            while (try? await Task.sleep(for: interval)) != nil { await round() }
        }
    }
}

/// The schedule of every housekeeping service of a server.
public struct HousekeepingSchedule: Sendable {
    /// Ends expired holds in the store and tells the bot guard whose they were.
    public var holdReaper: HousekeepingTicks
    /// Forgets idempotency keys past their 24 hours.
    public var keyExpiry: HousekeepingTicks
    /// Tries again the refunds the processor did not take.
    public var refundRetry: HousekeepingTicks
    /// Settles the payment intents purchases left behind.
    public var paymentSweep: HousekeepingTicks
    /// Reads the tokens other servers on the same database signed out.
    public var revocationSync: HousekeepingTicks
    /// In a cluster: the node's heartbeat, its view of the live nodes, and its memory kept to its own showtimes.
    public var clusterHeartbeat: HousekeepingTicks

    public init(holdReaper: HousekeepingTicks, keyExpiry: HousekeepingTicks, refundRetry: HousekeepingTicks,
                paymentSweep: HousekeepingTicks = .every(.seconds(60), startingNow: true),
                revocationSync: HousekeepingTicks = .every(.seconds(1)),
                clusterHeartbeat: HousekeepingTicks = .every(.seconds(1))) {
        self.holdReaper = holdReaper
        self.keyExpiry = keyExpiry
        self.refundRetry = refundRetry
        self.paymentSweep = paymentSweep
        self.revocationSync = revocationSync
        self.clusterHeartbeat = clusterHeartbeat
    }

    /// Production's: the reaper every second, key expiry every minute, refund retries every 30
    /// seconds, the payment sweeper at start and every minute, other servers' sign-outs and the
    /// cluster heartbeat every second.
    public static var realTime: HousekeepingSchedule {
        HousekeepingSchedule(
            holdReaper: .every(.seconds(1)), keyExpiry: .every(.seconds(60)), refundRetry: .every(.seconds(30)),
            paymentSweep: .every(.seconds(60), startingNow: true), revocationSync: .every(.seconds(1)),
            clusterHeartbeat: .every(.seconds(1)))
    }
}

/// A test's hand on a housekeeping service: each `runRound()` makes it do one round and returns
/// once that round is over.
public final class ManualTicks: Sendable {
    fileprivate let requests: AsyncStream<CheckedContinuation<Void, Never>>
    private let continuation: AsyncStream<CheckedContinuation<Void, Never>>.Continuation

    public init() {
        (requests, continuation) = AsyncStream.makeStream(of: CheckedContinuation<Void, Never>.self)
    }

    /// Has the service do one round and waits for it to finish.
    public func runRound() async {
        await withCheckedContinuation { continuation.yield($0) }
    }
}
