@testable import BoxOfficeSoak
import BoxOfficeProto
import Testing

/// The recorder's arithmetic: percentiles over every answer, refusals counted by role.
struct RecorderTests {
    @Test func percentilesCoverEveryAnswerRefusalsIncluded() {
        let recorder = Recorder()
        // 1 ms to 1000 ms, one answer each; every tenth a refusal.
        for milliseconds in 1...1_000 {
            let status: Boxoffice_V1_StatusCode = milliseconds % 10 == 0 ? .resourceExhausted : .ok
            recorder.record("GetSeatMap", role: .human, microseconds: UInt64(milliseconds * 1_000), status: status)
        }
        let figures = recorder.summary(seconds: 2)
        let seatMaps = try! #require(figures.byCall.first)
        #expect(seatMaps.calls == 1_000)
        #expect(seatMaps.ok == 900)
        #expect(seatMaps.perSecond == 500)
        #expect(seatMaps.errors == ["RESOURCE_EXHAUSTED": 100])
        // HdrHistogram keeps three significant digits.
        #expect(abs(seatMaps.latency.p50 - 500) <= 1)
        #expect(abs(seatMaps.latency.p99 - 990) <= 1)
        #expect(abs(seatMaps.latency.p999 - 999) <= 1)
        #expect(abs(seatMaps.latency.max - 1_000) <= 1)
        #expect(figures.roles == [SoakReport.RoleFigures(role: .human, calls: 1_000, rateLimited: 100, blocked: 0)])
    }

    @Test func botAndPeopleSharesAreSeparate() {
        let recorder = Recorder()
        for _ in 0..<3 { recorder.record("GetSeatMap", role: .scraper, microseconds: 100, status: .permissionDenied) }
        recorder.record("GetSeatMap", role: .scraper, microseconds: 100, status: .ok)
        for _ in 0..<4 { recorder.record("SearchTheatres", role: .human, microseconds: 100, status: .ok) }
        let report = SoakReport(scenario: "bots", settings: [:], figures: recorder.summary(seconds: 1))
        #expect(report.botsRefusedShare == 0.75)
        #expect(report.humansRefusedShare == 0)
        #expect(report.failures.isEmpty)
        #expect(report.text.contains("bot calls refused: 75.00 %; human calls wrongly refused: 0.00 %"))
    }

    @Test func theWarmUpIsForgottenButItsBookingsAreChecked() {
        let recorder = Recorder()
        recorder.record("HoldSeats", role: .human, microseconds: 100, status: .ok)
        recorder.confirm(ConfirmedBooking(code: "ABCDEFGH1", showtimeID: 7, seats: ["A1"], token: "t"))
        recorder.count(.purchased)
        recorder.startMeasuring()
        let figures = recorder.summary(seconds: 1)
        #expect(figures.calls == 0)
        #expect(figures.outcomes["purchased"] == 0)
        #expect(recorder.confirmed.map(\.code) == ["ABCDEFGH1"])
        #expect(recorder.touched == [7])
    }
}
