import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeTesting
import Foundation
import Testing

/// What waits for a synchronous standby and what does not, on a PostgreSQL of the test's own
/// (`scripts/postgres.sh`) whose `synchronous_standby_names` names a standby that never comes: a
/// hold commits at once (local durability is enough for it), a purchase waits for the standby and
/// is answered only once the wait ends.
@Suite("Commits and the synchronous standby", .enabled(if: TestPostgres.url != nil, "needs BOXOFFICE_TEST_POSTGRES_URL"),
       .timeLimit(.minutes(2)))
struct SynchronousStandbyTests {
    /// One value from `psql` as the server's own role.
    private static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await ChildProcess.run("/usr/lib/postgresql/15/bin/psql", [url, "-XAtqc", sql])
        try #require(result.status == 0, "psql: \(result.errors)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sets `synchronous_standby_names` (nil resets it) the way an operator would, in the server's
    /// auto.conf and a SIGHUP to its postmaster (the role is not a superuser), then waits until a
    /// new session sees the value.
    private static func requireStandby(_ names: String?, data: String, url: String) async throws {
        let auto = data + "/postgresql.auto.conf"
        var lines = try String(contentsOfFile: auto, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("synchronous_standby_names") }
        if let names { lines.append("synchronous_standby_names = '\(names)'") }
        try (lines.joined(separator: "\n") + "\n").write(toFile: auto, atomically: false, encoding: .utf8)
        let postmaster = try #require(Int32(try String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? ""))
        kill(postmaster, SIGHUP)
        // The postmaster rereads its files on its own time: waited for as an event.
        while try await psql(url, "SHOW synchronous_standby_names") != (names ?? "") {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aHoldCommitsWithoutTheStandbyAndAPurchaseWaitsForIt() async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let postgres = try await ScratchPostgres.up(in: directory.appendingPathComponent("pg").path)
        defer { postgres.stopNow() }
        let url = postgres.url
        let key = directory.appendingPathComponent("signing.key")
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: key)
        let server = try ServerProcess.start(database: url, arguments: [
            "--trusted", "127.0.0.1", "--secret-file", key.path, "--password-hash-rounds", "1000",
        ])
        defer { server.send(SIGKILL) }

        let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: server.port)
        let showtime = try #require(try await FutureShowtimes.nearNewYork(client).first)
        client.authToken = try await client.signUp(.with { $0.email = "sync@example.com"; $0.name = "S"; $0.password = "long enough" }).token

        try await Self.requireStandby("ANY 1 (absent_standby)", data: postgres.dataDirectory, url: url)
        // A hold needs no standby: answered now (were it waiting, the suite's time limit would end it).
        let held = try await client.call(.holdSeats(.with { $0.showtimeID = showtime; $0.bestAvailable = .with { $0.count = 2 } }))
        guard case .holdSeats(let hold) = held else { Issue.record("no hold in \(held)"); return }

        // A purchase waits for the standby: its commit is seen waiting in PostgreSQL, unanswered.
        let purchase = Task {
            try await client.send(.purchase(.with {
                $0.holdID = hold.holdID
                $0.card = .with { $0.number = "4242424242424242"; $0.expMonth = 12; $0.expYear = 2039; $0.cvc = "123"; $0.zip = "10001" }
            }), options: .init(deadline: .seconds(90), idempotencyKey: "sync-1"))
        }
        while try await Self.psql(url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") == "0" {
            try await Task.sleep(for: .milliseconds(20))
        }

        // The standby requirement lifted, the waiting commit completes and the buyer is answered.
        try await Self.requireStandby(nil, data: postgres.dataDirectory, url: url)
        let answer = try await purchase.value
        #expect(answer.status.code == .ok, "\(answer.status)")
        guard case .purchase(let booking) = answer.result else { return }
        #expect(try await Self.psql(url, "SELECT state FROM bookings WHERE code = '\(booking.code)'") == "confirmed")
        await client.close()
    }
}
