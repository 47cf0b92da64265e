import BoxOfficeGuard
import BoxOfficeCore
import Testing

@Suite("Bot guard heuristics", .timeLimit(.minutes(2)))
struct BotGuardTests {
    let start: Int64 = 1_782_921_600_000

    func guardian(_ edit: (inout BotPolicy) -> Void = { _ in }) -> BotGuard {
        var policy = BotPolicy()
        edit(&policy)
        return BotGuard(policy: policy, maxClients: 10_000, startMilliseconds: start)
    }

    @Test func scrapingManySeatMapsInAMinuteBlocksForTheCooldown() throws {
        let guardian = guardian()
        let bot = ClientKey.user(1)
        var block: BotGuard.Block?
        var now = start
        for showtime in 1...40 where block == nil {
            now += 700
            block = guardian.observe(.seatMap(showtimeID: Int64(showtime)), for: bot, nowMilliseconds: now)
        }
        let found = try #require(block)
        #expect(found.reasons.contains(.scraping))
        #expect(guardian.block(of: bot, nowMilliseconds: now) != nil)
        // Served again once the cool-down is over, not a millisecond before.
        let end = now + Int64(found.retryAfterMilliseconds)
        #expect(guardian.block(of: bot, nowMilliseconds: end - 1) != nil)
        #expect(guardian.block(of: bot, nowMilliseconds: end) == nil)
    }

    @Test func sweepingMaximumHoldsBlocks() {
        let guardian = guardian()
        let bot = ClientKey.user(2)
        #expect(guardian.observe(.hold(isMaximum: true), for: bot, nowMilliseconds: start) == nil)
        #expect(guardian.observe(.hold(isMaximum: true), for: bot, nowMilliseconds: start + 60_000) == nil)
        let block = guardian.observe(.hold(isMaximum: true), for: bot, nowMilliseconds: start + 120_000)
        #expect(block?.reasons == [.holdSweep])
    }

    @Test func manyAccountsSigningInFromOneAddressBlocksTheAddress() {
        let guardian = guardian()
        let address = ClientKey.ipv4(0xC0A8_0001)
        var block: BotGuard.Block?
        for account in 1...12 where block == nil {
            block = guardian.observe(.signIn(userID: Int64(account)), for: address, nowMilliseconds: start + Int64(account) * 20_000)
        }
        #expect(block?.reasons.contains(.accountSpread) == true)
        // The same account signing in again and again is one account, not many.
        let other = ClientKey.ipv4(0xC0A8_0002)
        for minute in 0..<20 {
            #expect(guardian.observe(.signIn(userID: 99), for: other, nowMilliseconds: start + Int64(minute) * 30_000) == nil)
        }
    }

    @Test func abandonedHoldsOrAMetronomeAloneAreNotEnoughButTogetherBlock() {
        let guardian = guardian()
        let abandoner = ClientKey.user(3), metronome = ClientKey.user(4), both = ClientKey.user(5)
        // Six holds, all left to expire.
        for hold in 0..<6 {
            let at = start + Int64(hold) * 10_000
            #expect(guardian.observe(.hold(isMaximum: false), for: abandoner, nowMilliseconds: at) == nil)
            #expect(guardian.holdExpired(for: abandoner, nowMilliseconds: at + 300_000) == nil)
        }
        #expect(guardian.signs(of: abandoner, nowMilliseconds: start + 400_000) == [.holdAbandon])
        // A call every 2 s exactly, 30 times.
        for call in 0..<30 {
            #expect(guardian.admit(metronome, nowMilliseconds: start + Int64(call) * 2_000) == nil)
        }
        #expect(guardian.signs(of: metronome, nowMilliseconds: start + 60_000) == [.metronome])
        // Both patterns from one client.
        var block: BotGuard.Block?
        for hold in 0..<6 {
            _ = guardian.observe(.hold(isMaximum: false), for: both, nowMilliseconds: start + Int64(hold) * 2_000)
            block = block ?? guardian.holdExpired(for: both, nowMilliseconds: start + Int64(hold) * 2_000 + 1)
        }
        for call in 6..<40 where block == nil {
            block = guardian.admit(both, nowMilliseconds: start + Int64(call) * 2_000)
        }
        #expect(Set(block?.reasons ?? []) == [.holdAbandon, .metronome])
    }

    /// A person: irregular think time, a few searches and seat maps, one hold, one purchase.
    @Test func aHumanPatternStaysQuiet() {
        let guardian = guardian()
        var random = SplitMix64(seed: 42)
        for person in 0..<200 {
            let human = ClientKey.user(Int64(1_000 + person))
            var now = start
            func think() { now += 2_000 + Int64(random.next() % 18_000) }
            // Every call is admitted (and timed); seat maps and the hold also show their evidence.
            var events: [BotGuard.Event?] = [nil, nil, nil]
            events += (0..<3).map { _ in .seatMap(showtimeID: Int64(random.next() % 500)) }
            events += [.hold(isMaximum: false), nil, nil]
            for event in events {
                think()
                #expect(guardian.admit(human, nowMilliseconds: now) == nil)
                if let event { #expect(guardian.observe(event, for: human, nowMilliseconds: now) == nil) }
            }
            #expect(guardian.signs(of: human, nowMilliseconds: now).isEmpty, "person \(person)")
        }
    }

    @Test func aSignFadesWithItsHalfLife() {
        let guardian = guardian { $0.scrapeWeight = 60 }
        let client = ClientKey.user(9)
        for showtime in 1...40 {
            // Irregular intervals, so only the scraping sign fires, not the metronome.
            let at = start + Int64(showtime) * 500 + Int64(showtime % 3) * 170
            _ = guardian.observe(.seatMap(showtimeID: Int64(showtime)), for: client, nowMilliseconds: at)
        }
        #expect(guardian.block(of: client, nowMilliseconds: start + 30_000) == nil)  // 60 < 100
        #expect(guardian.signs(of: client, nowMilliseconds: start + 30_000) == [.scraping])
        #expect(guardian.signs(of: client, nowMilliseconds: start + 30_000 + 10 * 3_600_000).isEmpty)
    }
}
