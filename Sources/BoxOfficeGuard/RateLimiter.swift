import BoxOfficeCore
import Synchronization

/// A token bucket per client and call class, kept as GCRA (the generic cell rate algorithm): one
/// "theoretical arrival time" per bucket instead of a token count and a timestamp, so a client's
/// six buckets take 48 bytes. Time is integer nanoseconds from the monotonic clock's milliseconds (a wall-clock step moves no bucket),
/// so `retry_after_ms` is computed in the same arithmetic that decides: rounded up, a client that
/// waits exactly that long is served (rounding it down is the classic limiter bug).
public final class RateLimiter: Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        case refused(retryAfterMilliseconds: UInt32)
    }

    /// Theoretical arrival time per call class, in nanoseconds on the monotonic clock (0: never seen).
    struct Buckets {
        var arrival: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)

        subscript(_ callClass: CallClass) -> Int64 {
            get {
                switch callClass {
                case .search: arrival.0
                case .seatMap: arrival.1
                case .hold: arrival.2
                case .purchase: arrival.3
                case .account: arrival.4
                case .review: arrival.5
                }
            }
            set {
                switch callClass {
                case .search: arrival.0 = newValue
                case .seatMap: arrival.1 = newValue
                case .hold: arrival.2 = newValue
                case .purchase: arrival.3 = newValue
                case .account: arrival.4 = newValue
                case .review: arrival.5 = newValue
                }
            }
        }
    }

    public let policy: RateLimitPolicy
    /// Per class: (interval between tokens, how far ahead of now the arrival time may run).
    private let shapes: [(interval: Int64, tolerance: Int64)]
    private let table: Mutex<BoundedClientTable<Buckets>>

    /// - Parameter maxClients: buckets kept; the least recently seen client is forgotten beyond it.
    public init(policy: RateLimitPolicy, maxClients: Int) {
        self.policy = policy
        self.shapes = CallClass.allCases.map { callClass in
            let limit = policy[callClass]
            let interval = limit.intervalNanoseconds
            return (interval, interval * Int64(limit.burst - 1))
        }
        self.table = Mutex(BoundedClientTable(capacity: maxClients, blank: Buckets()))
    }

    /// Takes a token from `key`'s bucket of `callClass` at `nowMilliseconds`, or says how long until one is there.
    public func admit(_ key: ClientKey, _ callClass: CallClass, nowMilliseconds: Int64) -> Decision {
        let now = nowMilliseconds &* 1_000_000
        let shape = shapes[callClass.rawValue]
        return table.withLock { table in
            table.withValue(for: key, at: UInt32(clamping: nowMilliseconds / 1000), makeValue: { Buckets() }) { buckets in
                let arrival = max(buckets[callClass], now)
                let allowedAt = arrival - shape.tolerance
                guard now >= allowedAt else {
                    let wait = allowedAt - now
                    return .refused(retryAfterMilliseconds: UInt32(clamping: (wait + 999_999) / 1_000_000))
                }
                buckets[callClass] = arrival + shape.interval
                return .allowed
            }
        }
    }

    /// Whether `key` has a bucket now (it was seen and not yet evicted).
    public func isTracking(_ key: ClientKey) -> Bool { table.withLock { $0.peek(key) != nil } }

    /// Clients tracked now.
    public var trackedClients: Int { table.withLock { $0.count } }

    /// Bytes the buckets and their index take now.
    public var footprintBytes: Int { table.withLock { $0.footprintBytes } }
}
