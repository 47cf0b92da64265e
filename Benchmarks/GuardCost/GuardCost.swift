import Benchmark
import BoxOfficeGuard

/// The guard's cost per call, in process and single-threaded: the bot guard's admission (its block
/// check and the call's timing) and the rate limiter's bucket, what `CallGuard.admit` does for every
/// call, for calls spread uniformly over many clients (so each lookup misses the CPU caches as on a
/// busy server); and the limiter's churn, when every call is a new client past the table's bound.
///
/// One iteration is 1,000 calls (`scalingFactor: .kilo`): wall clock is per call, throughput is calls/s.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    for clients in [1_000, 100_000, 1_000_000] {
        let run = Box<GuardRun>()
        Benchmark("guard admission, \(clients.grouped) clients") { benchmark in
            let guardRun = run.value!
            for _ in benchmark.scaledIterations {
                blackHole(guardRun.call())
            }
        } setup: {
            run.value = GuardRun(clients: clients)
        } teardown: {
            if let guardRun = run.value { print(guardRun.summary) }
            run.value = nil
        }
    }

    // 2,000,000 new clients into a table already holding its bound of 1,000,000: every measured
    // call is a lookup miss, an eviction and an insert, as when a flood of fresh addresses arrives.
    let churn = Box<ChurnRun>()
    Benchmark(
        "limiter churn, 2,000,000 new clients into 1,000,000 tracked",
        configuration: .init(maxDuration: .seconds(10), maxIterations: 2_000 - 1)  // +1 warm-up: 2,000,000 calls
    ) { benchmark in
        let churnRun = churn.value!
        for _ in benchmark.scaledIterations {
            blackHole(churnRun.call())
        }
    } setup: {
        churn.value = ChurnRun(tracked: 1_000_000)
    } teardown: {
        if let churnRun = churn.value { print(churnRun.summary) }
        churn.value = nil
    }
}

/// A benchmark's state, made in its setup (not when the benchmarks are listed) and read by its teardown.
final class Box<Value> {
    var value: Value?
}

/// A fixed start: the guard's time is plain monotonic milliseconds.
private let start: Int64 = 1_000

/// Calls from `clients` clients already seen once, picked at random; a thousand calls a millisecond.
final class GuardRun {
    let clients: Int
    let limiter: RateLimiter
    let bots: BotGuard
    var random = UInt64(0x9E37_79B9_7F4A_7C15)
    var calls = 0
    var refused = 0

    init(clients: Int) {
        self.clients = clients
        var policy = RateLimitPolicy.defaults
        policy[.search] = RateLimit(count: 1_000_000, per: 1, burst: 1_000_000)  // measure the work, not refusals
        limiter = RateLimiter(policy: policy, maxClients: 1_000_000)
        bots = BotGuard(policy: BotPolicy(), maxClients: 1_000_000, startMilliseconds: start)
        // Every client seen once first, so the run measures lookups, not first-time inserts.
        for id in 0..<clients {
            _ = bots.admit(.user(Int64(id)), nowMilliseconds: start)
            _ = limiter.admit(.user(Int64(id)), .search, nowMilliseconds: start)
        }
    }

    /// One call through the guard; true when it was admitted.
    @inline(__always)
    func call() -> Bool {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let client = ClientKey.user(Int64(random >> 33) % Int64(clients))
        let now = start + 1 + Int64(calls / 1000)
        calls += 1
        // What CallGuard.admit does for every call.
        if bots.admit(client, nowMilliseconds: now) != nil || limiter.admit(client, .search, nowMilliseconds: now) != .allowed {
            refused += 1
            return false
        }
        return true
    }

    var summary: String {
        "GuardCost: \(clients.grouped) clients: \(calls.grouped) calls, \(refused.grouped) refused; "
            + "tables hold \(limiter.trackedClients.grouped) limiter and \(bots.trackedClients.grouped) bot-guard clients, "
            + "\(limiter.footprintBytes / max(1, limiter.trackedClients)) and \(bots.footprintBytes / max(1, bots.trackedClients)) bytes each"
    }
}

/// New IPv4 clients only, into a limiter whose table is already full.
final class ChurnRun {
    let tracked: Int
    let limiter: RateLimiter
    var next: UInt32
    var calls = 0

    init(tracked: Int) {
        self.tracked = tracked
        limiter = RateLimiter(policy: .defaults, maxClients: tracked)
        for id in 0..<tracked { _ = limiter.admit(.ipv4(UInt32(id)), .search, nowMilliseconds: start) }
        next = UInt32(tracked)
    }

    @inline(__always)
    func call() -> RateLimiter.Decision {
        let decision = limiter.admit(.ipv4(next), .search, nowMilliseconds: start + 1 + Int64(calls / 1000))
        next &+= 1
        calls += 1
        return decision
    }

    var summary: String {
        "GuardCost: limiter churn: \(calls.grouped) new clients into \(tracked.grouped) tracked "
            + "(lookup miss, eviction, insert); \(limiter.trackedClients.grouped) tracked at the end"
    }
}

extension Int {
    /// 1,000,000.
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return self < 0 ? "-" + out : out
    }
}
