import BoxOfficeGuard
import Foundation
import Testing

@Suite("Rate limiter", .timeLimit(.minutes(2)))
struct RateLimiterTests {
    let start: Int64 = 1_782_921_600_000  // a fixed instant, in milliseconds

    func limiter(_ settings: [String] = [], maxClients: Int = 1_000) throws -> RateLimiter {
        var policy = RateLimitPolicy.defaults
        try policy.apply(settings)
        return RateLimiter(policy: policy, maxClients: maxClients)
    }

    @Test func aBurstIsServedThenRefillsAtTheRateAndTheRetryIsExact() throws {
        let limiter = try limiter()
        let client = ClientKey.user(7)
        for _ in 0..<40 { #expect(limiter.admit(client, .search, nowMilliseconds: start) == .allowed) }
        // 20/s: a token every 50 ms.
        #expect(limiter.admit(client, .search, nowMilliseconds: start) == .refused(retryAfterMilliseconds: 50))
        #expect(limiter.admit(client, .search, nowMilliseconds: start + 49) == .refused(retryAfterMilliseconds: 1))
        #expect(limiter.admit(client, .search, nowMilliseconds: start + 50) == .allowed)
        #expect(limiter.admit(client, .search, nowMilliseconds: start + 50) == .refused(retryAfterMilliseconds: 50))
        // Idle long enough, the whole burst is back and no more.
        let later = start + 10_000
        for _ in 0..<40 { #expect(limiter.admit(client, .search, nowMilliseconds: later) == .allowed) }
        #expect(limiter.admit(client, .search, nowMilliseconds: later) != .allowed)
    }

    /// 3 a second is a token every 333.33 ms: the retry must round up to 334, or a client that obeys
    /// it exactly is refused again (the rounding-down bug).
    @Test(arguments: [("search=3/s,1", 334), ("account=5/min,5", 12_000), ("hold=7/h,1", 514_286)])
    func waitingExactlyTheRetryIsServedAndAMillisecondLessIsNot(setting: String, expected: Int) throws {
        let limiter = try limiter([setting])
        let callClass = CallClass(name: String(setting.prefix { $0 != "=" }))!
        let client = ClientKey.ipv4(0x0A00_0001)
        var now = start
        while limiter.admit(client, callClass, nowMilliseconds: now) == .allowed {}
        for _ in 0..<5 {
            guard case .refused(let retry) = limiter.admit(client, callClass, nowMilliseconds: now) else {
                Issue.record("not refused")
                return
            }
            #expect(Int(retry) == expected)
            #expect(limiter.admit(client, callClass, nowMilliseconds: now + Int64(retry) - 1) != .allowed)
            now += Int64(retry)
            #expect(limiter.admit(client, callClass, nowMilliseconds: now) == .allowed)
        }
    }

    @Test func classesAndClientsHaveTheirOwnBuckets() throws {
        let limiter = try limiter()
        let alice = ClientKey.user(1), bob = ClientKey.user(2)
        for _ in 0..<3 { #expect(limiter.admit(alice, .hold, nowMilliseconds: start) == .allowed) }
        #expect(limiter.admit(alice, .hold, nowMilliseconds: start) == .refused(retryAfterMilliseconds: 1_000))
        #expect(limiter.admit(alice, .purchase, nowMilliseconds: start) == .allowed)
        #expect(limiter.admit(alice, .search, nowMilliseconds: start) == .allowed)
        #expect(limiter.admit(bob, .hold, nowMilliseconds: start) == .allowed)
        // An IPv6 client is its /64: another address in the same prefix shares the bucket.
        #expect(ClientKey.ipv6Prefix(0x2001_0DB8_0000_0001) != ClientKey.ipv6Prefix(0x2001_0DB8_0000_0002))
    }

    /// VmRSS of this process, from /proc.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    @Test func settingsParseAndBadOnesSayWhy() throws {
        var policy = RateLimitPolicy.defaults
        try policy.apply(["search = 100/s,200   # busy site", "", "# comment", "account=10/h,2"])
        #expect(policy[.search] == RateLimit(count: 100, per: 1, burst: 200))
        #expect(policy[.account] == RateLimit(count: 10, per: 3600, burst: 2))
        for bad in ["searches=1/s,1", "search=1/day,1", "search=0/s,1", "search=5/s", "search"] {
            #expect(throws: (any Error).self, "\(bad)") { try policy.apply([bad]) }
        }
    }

    /// Two million distinct clients, a millisecond apart, through a limiter bounded at one million:
    /// it tracks exactly a million, forgets the stale ones first (eviction is sampled least-recently-
    /// seen, so nearly all the oldest and nearly none of the newest), and its storage, the allocated
    /// capacity of the one array that holds everything, stays under 128 bytes a client.
    @Test func twoMillionClientsStayWithinTheBoundAndUnder128BytesEach() throws {
        let residentBefore = Self.residentBytes()
        let limiter = try limiter(maxClients: 1_000_000)
        for id in 0..<2_000_000 {
            _ = limiter.admit(.ipv4(UInt32(id)), .search, nowMilliseconds: start + Int64(id))
        }
        #expect(limiter.trackedClients == 1_000_000)
        let perClient = Double(limiter.footprintBytes) / 1_000_000
        let residentPerClient = Double(Self.residentBytes() - residentBefore) / 1_000_000
        print("rate limiter: \(String(format: "%.1f", perClient)) bytes per tracked client allocated; "
              + "resident memory grew \(String(format: "%.1f", residentPerClient)) bytes per client (other tests run alongside)")
        #expect(perClient <= 128)
        let oldestKept = (0..<10_000).filter { limiter.isTracking(.ipv4(UInt32($0))) }.count
        let newestKept = (1_990_000..<2_000_000).filter { limiter.isTracking(.ipv4(UInt32($0))) }.count
        #expect(oldestKept < 100, "\(oldestKept) of the 10,000 oldest clients are still tracked")
        #expect(newestKept > 9_900, "only \(newestKept) of the 10,000 newest clients are tracked")
        // A forgotten client starts again with a full burst; a tracked one keeps its bucket.
        let forgotten = try #require((0..<10_000).first { !limiter.isTracking(.ipv4(UInt32($0))) })
        let now = start + 2_000_000
        for _ in 0..<40 { #expect(limiter.admit(.ipv4(UInt32(forgotten)), .search, nowMilliseconds: now) == .allowed) }
        let newest = ClientKey.ipv4(1_999_999)
        for _ in 0..<39 { #expect(limiter.admit(newest, .search, nowMilliseconds: start + 1_999_999) == .allowed) }
        #expect(limiter.admit(newest, .search, nowMilliseconds: start + 1_999_999) != .allowed)
    }
}
