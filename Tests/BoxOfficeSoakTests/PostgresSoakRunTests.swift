import BoxOfficeClient
import BoxOfficePostgres
import BoxOfficeProto
@testable import BoxOfficeSoak
import BoxOfficeTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// The soak engine and tool against a real `boxofficed` on a real PostgreSQL (a new database it
/// migrates and fills with its demo catalogue, on the real clock), guard on, the invariants checked
/// in that database by its URL: SoakRunTests' runs on the other store. A pass of its own in
/// scripts/test.sh, after the PostgreSQL suites: load beside other tests measures the machine.
@Suite("Soak runs on PostgreSQL", .serialized, .enabled(if: TestPostgres.url != nil, "needs BOXOFFICE_TEST_POSTGRES_URL"),
       .timeLimit(.minutes(5)))
struct PostgresSoakRunTests {
    private static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// One guarded server on a new PostgreSQL database for each run.
    static func withServer(_ body: (ServerAddress, PostgresURL) async throws -> Void) async throws {
        try await TestPostgres.withEmptyDatabase { url in
            let directory = try TestCatalogue.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            // With PostgreSQL the server wants its token key from outside: nodes share it.
            let secret = directory.appendingPathComponent("secret")
            try Data((0..<32).map { _ in UInt8.random(in: 0 ... .max) }).write(to: secret)
            let server = try ServerProcess.start(database: url.connectionString,
                                                 arguments: ["--secret-file", secret.path, "--password-hash-rounds", "1000"])
            defer { server.send(SIGTERM) }
            try await body(ServerAddress(host: "127.0.0.1", port: server.port), url)
            server.send(SIGTERM)
            _ = await server.waitForExit()
        }
    }

    static func options(_ server: ServerAddress, database: PostgresURL) -> SoakOptions {
        var options = SoakOptions(server: server)
        options.users = 16
        options.connections = 8
        options.duration = 6  // time for a few visits to end in a purchase however loaded the machine
        options.warmup = 1
        options.database = .postgres(database)
        options.liveLines = false
        return options
    }

    /// Runs `body` on one connection of the test's own to `url`'s database.
    static func withConnection<T: Sendable>(to url: PostgresURL, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        return try await body(connection)
    }

    @Test func theBuyFunnelSellsSeatsOnceAndTheChecksCatchAPlantedDoubleSale() async throws {
        try await Self.withServer { server, url in
            let report = try await Soak.run(.buy, options: Self.options(server, database: url))
            #expect((report.figures.outcomes["purchased"] ?? 0) > 0, "\(report.text)")
            #expect(report.invariantsBroken.isEmpty, "\(report.invariantsBroken)")
            #expect(report.invariantsChecked.contains("checked in the database too"))
            #expect(report.text.contains("invariants: all held"), "\(report.text)")

            // Plant a double sale behind the server's back: a copy of a sold booking, under another
            // code, with a ticket for the first booking's first seat.
            let sold = try await Self.withConnection(to: url) { connection -> (String, String, Int64)? in
                for try await (code, seat, label, showtime) in try await connection.query("""
                    SELECT b.code, t.seat_index, t.seat_label, b.showtime_id FROM bookings b
                    JOIN tickets t ON t.booking_code = b.code WHERE b.state = 'confirmed' ORDER BY b.code, t.seat_index LIMIT 1
                    """, logger: Self.logger).decode((String, Int32, String, Int64).self) {
                    for try await _ in try await connection.query("""
                        INSERT INTO bookings (code, user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents,
                                              card_brand, card_last4, processor_ref, created_at)
                        SELECT 'PLANTED01', user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents,
                               card_brand, card_last4, processor_ref, created_at FROM bookings WHERE code = \(code)
                        """, logger: Self.logger) {}
                    for try await _ in try await connection.query("""
                        INSERT INTO tickets VALUES ('PLANTED01', \(seat), \(label), 'adult', 1500)
                        """, logger: Self.logger) {}
                    return (code, label, showtime)
                }
                return nil
            }
            let (code, seat, showtime) = try #require(sold, "the run sold nothing")
            var checks = InvariantChecks()
            try await checks.checkDatabase(.postgres(url), touched: [showtime], confirmedCodes: [code, "NEVERMADE"])
            #expect(checks.broken.contains { $0.contains("seat \(seat) is in bookings") && $0.contains(code) && $0.contains("PLANTED01") },
                    "\(checks.broken)")
            #expect(checks.broken.contains("confirmed booking NEVERMADE is stored 0 times (database)"), "\(checks.broken)")
        }
    }

    /// The smoke CI runs, `mixed` with the guard on, through the tool's own command line with
    /// `--database` a PostgreSQL URL; a malformed one is refused before any run.
    @Test func theToolsMixedRunOnPostgresEndsWithEveryInvariantHeld() async throws {
        try await Self.withServer { server, url in
            let run = try await Self.soakTool(["--server", "\(server)", "--scenario", "mixed", "--users", "24", "--connections", "8",
                                               "--duration", "4", "--warmup", "1", "--database", url.connectionString, "--quiet"])
            #expect(run.status == 0, "\(run.output)\(run.errors)")
            #expect(run.output.contains("invariants: all held"), "\(run.output)")
            #expect(run.output.contains("checked in the database too"), "\(run.output)")
            #expect(!run.output.contains("INVARIANT BROKEN"))
            // The report and its errors never show the database's password.
            if let password = url.password { #expect(!(run.output + run.errors).contains(password)) }

            let wrongPort = url.connectionString.replacingOccurrences(of: ":\(url.port)/", with: ":99999/")
            let refused = try await Self.soakTool(["--server", "\(server)", "--scenario", "hot-show", "--database", wrongPort])
            #expect(![0, 1, 3].contains(refused.status), "a usage error, not a run: \(refused.status)")
            #expect(refused.errors.contains("--database: the PostgreSQL URL's port 99999 is not 1 to 65535"), "\(refused.errors)")
            #expect(!refused.output.contains("scenario hot-show"), "no run started")
        }
    }

    /// The opening-night crush on PostgreSQL: 3,000 buyers for one ~300-seat showtime at once.
    @Test func threeThousandBuyersGetExactlyTheSellableSeatsNoneTwice() async throws {
        try await Self.withServer { server, url in
            var options = Self.options(server, database: url)
            options.users = 3_000
            options.connections = 16
            let report = try await Soak.run(.hotShow, options: options)
            #expect(report.notes.contains { $0.contains("3000 of 3000 buyers answered") }, "\(report.text)")
            #expect(report.invariantsBroken.isEmpty, "\(report.invariantsBroken)")
            #expect(report.invariantsChecked.first == "every buyer answered")
            #expect(report.invariantsChecked.contains("checked in the database too"))
            #expect(report.failures.isEmpty, "no server failures: \(report.text)")

            // "showtime ID: N seats, 3000 buyers at once"
            let note = try #require(report.notes.first { $0.hasPrefix("showtime ") })
            let showtime = try #require(Int64(note.dropFirst("showtime ".count).prefix { $0.isNumber }))
            let client = try await server.connect()
            let map = try await client.seatMap(.with { $0.showtimeID = showtime })
            await client.close()
            let seats = map.screen.rows.flatMap(\.seats)
            // Buyers take two of a kind, standard then premium: every such seat sells but an odd
            // one out of each kind; wheelchair places and their companions are left alone.
            let sellable = [Boxoffice_V1_SeatKind.standard, .premium].map { kind in seats.filter { $0.kind == kind }.count }
            let expected = sellable.reduce(0) { $0 + $1 - $1 % 2 }
            #expect(expected > 0 && expected < seats.count)
            #expect(map.sold == expected, "\(map.sold) of \(seats.count) sold; \(sellable) standard and premium")
            #expect(map.held == 0, "every hold was bought")
            #expect(seats.allSatisfy { $0.state != .sold || [.standard, .premium].contains($0.kind) })
            #expect(report.notes.contains { $0.contains("\(expected) of \(seats.count) seats") }, "\(report.notes)")

            // In the database: each sold seat in one ticket of one confirmed booking, and claimed by it.
            let (tickets, distinctSeats, bookedClaims) = try await Self.withConnection(to: url) { connection in
                for try await counts in try await connection.query("""
                    SELECT (SELECT count(*) FROM tickets t JOIN bookings b ON b.code = t.booking_code
                            WHERE b.showtime_id = \(showtime) AND b.state = 'confirmed'),
                           (SELECT count(DISTINCT t.seat_index) FROM tickets t JOIN bookings b ON b.code = t.booking_code
                            WHERE b.showtime_id = \(showtime) AND b.state = 'confirmed'),
                           (SELECT count(*) FROM seat_claims WHERE showtime_id = \(showtime) AND booking_code IS NOT NULL)
                    """, logger: Self.logger).decode((Int64, Int64, Int64).self) { return counts }
                return (0, 0, 0)
            }
            #expect([tickets, distinctSeats, bookedClaims] == [Int64(expected), Int64(expected), Int64(expected)])
        }
    }

    /// `boxoffice-soak` from the build directory: its exit status, standard output and standard error.
    static func soakTool(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let result = try await ChildProcess.run(ServerProcess.buildDirectory.appendingPathComponent("boxoffice-soak").path, arguments)
        return (result.status, result.output, result.errors)
    }
}
