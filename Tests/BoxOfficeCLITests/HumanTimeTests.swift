import BoxOfficeCore
import Foundation
import Testing
@testable import BoxOfficeCLI

@Suite("human times")
struct HumanTimeTests {
    @Test func theTheatresLocalTimeWithItsZone() {
        // 7:30 PM in each zone, the instants written in UTC.
        #expect(HumanTime.local(ms: utcMs(2026, 12, 3, 1, 30), zone: "America/Chicago") == "Wed Dec 2, 7:30 PM CST")
        #expect(HumanTime.local(ms: utcMs(2026, 7, 1, 23, 30), zone: "America/New_York") == "Wed Jul 1, 7:30 PM EDT")
        #expect(HumanTime.local(ms: utcMs(2026, 12, 3, 4, 30), zone: "America/Anchorage") == "Wed Dec 2, 7:30 PM AKST")
        #expect(HumanTime.local(ms: utcMs(2026, 12, 3, 5, 30), zone: "Pacific/Honolulu") == "Wed Dec 2, 7:30 PM HST")
        #expect(HumanTime.local(ms: utcMs(2026, 7, 2, 2, 30), zone: "America/Phoenix") == "Wed Jul 1, 7:30 PM MST")
        #expect(HumanTime.local(ms: utcMs(2026, 7, 1, 16, 5), zone: "America/Los_Angeles") == "Wed Jul 1, 9:05 AM PDT")
    }

    @Test func noZoneIsThisMachinesZone() {
        let instant = utcMs(2026, 12, 3, 1, 30)
        let here = HumanTime.local(ms: instant, zone: TimeZone.current.identifier)
        #expect(HumanTime.local(ms: instant, zone: nil) == here)
        #expect(HumanTime.local(ms: instant, zone: "") == here)
    }

    @Test func timeLeftCountsDownToExpired() {
        let now = utcMs(2026, 7, 1, 16, 0)
        #expect(HumanTime.timeLeft(untilMs: now + 299_000, nowMs: now) == "in 4:59")
        #expect(HumanTime.timeLeft(untilMs: now + 299_999, nowMs: now) == "in 4:59")
        #expect(HumanTime.timeLeft(untilMs: now + 300_000, nowMs: now) == "in 5:00")
        #expect(HumanTime.timeLeft(untilMs: now + 9_000, nowMs: now) == "in 0:09")
        #expect(HumanTime.timeLeft(untilMs: now + 3_599_000, nowMs: now) == "in 59:59")
        #expect(HumanTime.timeLeft(untilMs: now + 3_600_000, nowMs: now) == "in 1:00:00")
        #expect(HumanTime.timeLeft(untilMs: now + 3_723_000, nowMs: now) == "in 1:02:03")
        #expect(HumanTime.timeLeft(untilMs: now, nowMs: now) == "expired")
        #expect(HumanTime.timeLeft(untilMs: now - 1, nowMs: now) == "expired")
        #expect(HumanTime.expiry(ms: utcMs(2026, 12, 3, 1, 34), zone: "America/Chicago", nowMs: utcMs(2026, 12, 3, 1, 29) + 1000)
            == "Wed Dec 2, 7:34 PM CST (in 4:59)")
    }
}
