import BoxOfficeServer
import Foundation

/// The guard's cost per call, in process and single-threaded: the bot guard's block check, the
/// rate limiter's bucket, and the bot guard's bookkeeping of the answered call, for calls spread
/// over many clients (so each lookup misses the CPU caches as on a busy server).
enum GuardBenchmark {
    /// New clients only, past the table's bound: every call inserts one and evicts another, as when
    /// a flood of fresh addresses arrives.
    static func churn(clients: Int, tracked: Int) -> String {
        let limiter = RateLimiter(policy: .defaults, maxClients: tracked)
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let began = ContinuousClock.now
        for id in 0..<clients { _ = limiter.admit(.ipv4(UInt32(truncatingIfNeeded: id)), .search, nowMilliseconds: start + Int64(id / 1000)) }
        let elapsed = ContinuousClock.now - began
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return """
            limiter churn: \(clients) new clients into \(tracked) tracked: \(String(format: "%.0f", nanoseconds / Double(clients))) ns per call \
            (lookup miss, eviction, insert)
            """
    }

    static func run(calls: Int, clients: Int) -> String {
        var policy = RateLimitPolicy.defaults
        policy[.search] = RateLimit(count: 1_000_000, per: 1, burst: 1_000_000)  // measure the work, not refusals
        let start = Int64(Date().timeIntervalSince1970 * 1000)
        let limiter = RateLimiter(policy: policy, maxClients: 1_000_000)
        let bots = BotGuard(policy: BotPolicy(), maxClients: 1_000_000, startMilliseconds: start)
        // Every client seen once first, so the run measures lookups, not first-time inserts.
        for id in 0..<clients {
            _ = bots.admit(.user(Int64(id)), nowMilliseconds: start)
            _ = limiter.admit(.user(Int64(id)), .search, nowMilliseconds: start)
        }
        var refused = 0
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        let began = ContinuousClock.now
        for call in 0..<calls {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let client = ClientKey.user(Int64(random >> 33) % Int64(clients))
            let now = start + 1 + Int64(call / 1000)  // a thousand calls a millisecond
            // What CallGuard.admit does for every call.
            if bots.admit(client, nowMilliseconds: now) != nil { refused += 1; continue }
            if limiter.admit(client, .search, nowMilliseconds: now) != .allowed { refused += 1; continue }
        }
        let elapsed = ContinuousClock.now - began
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return """
            guard: \(calls) calls over \(clients) clients, single-threaded: \
            \(String(format: "%.0f", nanoseconds / Double(calls))) ns per call \
            (bot guard admission and timing + rate limiter); \(refused) refused
            """
    }
}
