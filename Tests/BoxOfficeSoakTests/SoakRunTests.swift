import BoxOfficeClient
@testable import BoxOfficeSoak
import BoxOfficeTesting
import Foundation
import GRDB
import Testing

/// The soak engine against a real `boxofficed` (its demo catalogue and the real clock) with the
/// guard on, as an operator would run it before an opening night; and against its own baselines.
@Suite("Soak runs", .serialized, .timeLimit(.minutes(5)))
struct SoakRunTests {
    /// One guarded server for the suite's runs against BoxOffice.
    static func withServer(arguments: [String] = [], _ body: (ServerAddress, String) async throws -> Void) async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("soak.sqlite").path
        let server = try ServerProcess.start(database: database, arguments: ["--password-hash-rounds", "1000"] + arguments)
        defer { server.send(SIGTERM) }
        try await body(ServerAddress(host: "127.0.0.1", port: server.port), database)
        server.send(SIGTERM)
        _ = await server.waitForExit()
    }

    static func options(_ server: ServerAddress, database: String? = nil) -> SoakOptions {
        var options = SoakOptions(server: server)
        options.users = 24
        options.connections = 8
        options.duration = 3
        options.warmup = 1
        options.database = database.map { .sqlite(path: $0) }
        options.liveLines = false
        return options
    }

    @Test func botsAreRefusedPeopleAreNotAndTheSeatsAddUp() async throws {
        // The guard's thresholds lowered so that a bot shows itself within a few calls however
        // slowly a loaded test machine answers: a scraper at its fourth seat map a second, a
        // sweeper at its second 10-seat hold. People stay far below both.
        let thresholds = ["--rate-limit", "seat-map=3/s,3", "--bot-sweep-holds", "2"]
        try await Self.withServer(arguments: thresholds) { server, database in
            var options = Self.options(server, database: database)
            options.duration = 8
            let report = try await Soak.run(.bots, options: options)
            let roles = Dictionary(uniqueKeysWithValues: report.figures.roles.map { ($0.role, $0) })
            #expect((roles[.human]?.calls ?? 0) > 0)
            #expect(report.humansRefusedShare == 0, "\(report.text)")
            // Scrapers meet the seat-map limit and sweepers the sweeping sign within seconds.
            #expect((roles[.scraper]?.rateLimited ?? 0) + (roles[.scraper]?.blocked ?? 0) > 0, "\(report.text)")
            #expect((roles[.holdSweeper]?.blocked ?? 0) > 0, "\(report.text)")
            #expect((report.botsRefusedShare ?? 0) > 0, "\(report.text)")
            #expect(report.invariantsBroken.isEmpty, "\(report.invariantsBroken)")
            #expect(report.invariantsChecked.contains("checked in the database too"))
            #expect(report.text.contains("bot calls refused: "))

            // The report for scripts says the same.
            let decoded = try JSONDecoder().decode(SoakReport.self, from: try report.json())
            #expect(decoded.figures.calls == report.figures.calls)
            #expect(decoded.figures.roles.count == report.figures.roles.count)
        }
    }

    @Test func theBuyFunnelSellsSeatsOnceAndTheChecksCatchAPlantedDoubleSale() async throws {
        try await Self.withServer { server, database in
            var options = Self.options(server, database: database)
            options.users = 16
            options.duration = 6  // time for a few visits to end in a purchase however loaded the machine
            let report = try await Soak.run(.buy, options: options)
            #expect((report.figures.outcomes["purchased"] ?? 0) > 0, "\(report.text)")
            #expect((report.figures.outcomes["held"] ?? 0) >= (report.figures.outcomes["purchased"] ?? 0))
            #expect(report.figures.byCall.map(\.call).contains("HoldSeats"))
            #expect(report.invariantsBroken.isEmpty, "\(report.invariantsBroken)")

            // Plant a double sale behind the server's back: a copy of a sold booking, under another
            // code, with a ticket for the first booking's first seat.
            let pair = try await DatabaseQueue(path: database).write { db -> (String, String, Int64)? in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT b.code, t.seat_index, t.seat_label, b.showtime_id FROM bookings b
                    JOIN tickets t ON t.booking_code = b.code WHERE b.state = 'confirmed' LIMIT 1
                    """) else { return nil }
                let code: String = row[0]
                try db.execute(sql: "CREATE TEMP TABLE planted AS SELECT * FROM bookings WHERE code = ?", arguments: [code])
                try db.execute(sql: "UPDATE planted SET code = 'PLANTED01'")
                try db.execute(sql: "INSERT INTO bookings SELECT * FROM planted")
                try db.execute(sql: "INSERT INTO tickets VALUES ('PLANTED01', ?, ?, 'adult', 1500)",
                               arguments: [row[1] as Int, row[2] as String])
                return (code, row[2], row[3])
            }
            let (code, seat, showtime) = try #require(pair, "the run sold nothing")
            var checks = InvariantChecks()
            try checks.checkDatabase(path: database, touched: [showtime], confirmedCodes: [code])
            #expect(checks.broken.contains { $0.contains("seat \(seat) is in bookings") && $0.contains(code) }, "\(checks.broken)")

            // And a booking the tool "saw" that the server never made is named through the API.
            var api = InvariantChecks()
            let client = try await server.connect()
            let token = try await client.signUp(.with { $0.email = "checker@example.com"; $0.name = "Checker"; $0.password = "long enough" }).token
            await client.close()
            try await api.checkThroughAPI(confirmed: [ConfirmedBooking(code: "ZZZZZZZZZ", showtimeID: showtime, seats: ["A1"], token: token)],
                                          touched: [], server: server)
            #expect(api.broken.contains { $0.contains("ZZZZZZZZZ") }, "\(api.broken)")
        }
    }

    @Test func everyHotShowBuyerIsAnsweredAndNoSeatIsSoldTwice() async throws {
        try await Self.withServer { server, database in
            var options = Self.options(server, database: database)
            options.users = 200
            let report = try await Soak.run(.hotShow, options: options)
            #expect(report.notes.contains { $0.contains("200 of 200 buyers answered") }, "\(report.text)")
            #expect(report.invariantsBroken.isEmpty, "\(report.invariantsBroken)")
            #expect(report.invariantsChecked.first == "every buyer answered")
        }
    }

    @Test func anOpenLoopKeepsItsArrivalRate() async throws {
        var options = SoakOptions(server: ServerAddress(host: "127.0.0.1", port: 1))
        options.pacing = .open(rate: 400)
        options.duration = 2
        options.warmup = 0.5
        options.liveLines = false
        let report = try await Soak.run(.echo, options: options)
        // Poisson arrivals at 400/s for 2 s: about 800 calls, whatever the server's speed.
        #expect((600...1_000).contains(report.figures.calls), "\(report.text)")
        #expect(report.settings["loop"] == "open at 400 arrivals/s")
        #expect(report.figures.errors.isEmpty)
    }

    @Test func aCallBudgetEndsTheRun() async throws {
        var options = SoakOptions(server: ServerAddress(host: "127.0.0.1", port: 1))
        options.calls = 500
        options.warmup = 0
        options.liveLines = false
        let report = try await Soak.run(.echo, options: options)
        // Calls already sent when the budget runs out are answered and counted: at most one per user more.
        #expect((500...(500 + options.users)).contains(report.figures.calls), "\(report.text)")
    }

    @Test func serverAddressesParse() {
        #expect(ServerAddress("127.0.0.1:7070")?.port == 7070)
        #expect(ServerAddress("example.com:80")?.host == "example.com")
        #expect(ServerAddress("nope") == nil)
        #expect(ServerAddress(":80") == nil)
        #expect(ServerAddress("host:99999") == nil)
    }
}
