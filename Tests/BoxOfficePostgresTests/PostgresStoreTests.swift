import BoxOfficeCore
@testable import BoxOfficePostgres
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL store against a real PostgreSQL (BOXOFFICE_TEST_POSTGRES_URL; `scripts/test.sh`
/// starts one): the same answers as the SQLite store over the same catalogue, the seat claims'
/// primary key, migrations, and the errors a misconfigured start meets.
@Suite("PostgreSQL store", .enabled(if: TestPostgres.url != nil, "needs BOXOFFICE_TEST_POSTGRES_URL"), .timeLimit(.minutes(3)))
struct PostgresStoreTests {
    private let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The SQLite store over the same demo catalogue, to compare answers with.
    private func sqlite() throws -> (SQLiteStore, URL) {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        let (database, _) = try TestCatalogue.makeStore(in: directory)
        return (SQLiteStore(database: database, pool: BlockingPool(.singleton)), directory)
    }

    @Test func catalogueAnswersMatchTheSQLiteStore() async throws {
        let (reference, directory) = try sqlite()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await TestPostgres.withDatabase { store, _ in
            #expect(try await store.summary() == reference.summary())
            for query in [LocationQuery.zip("10001"), .cityState(city: "chicago", state: "IL"),
                          .coordinate(Coordinate(latitude: 34.05, longitude: -118.25))] {
                #expect(try await store.resolve(query) == reference.resolve(query), "\(query)")
            }
            let chicago = try await reference.resolve(.zip("60601")).coordinate
            let near = try await store.theatres(near: chicago, radiusMiles: 25, playing: nil, on: nil)
            #expect(!near.isEmpty)
            #expect(near == (try await reference.theatres(near: chicago, radiusMiles: 25, playing: nil, on: nil)))
            let ids = near.map(\.theatre.id)
            #expect(try await store.showtimes(theatreIDs: ids, movieID: nil, on: TestCatalogue.startDate)
                    == reference.showtimes(theatreIDs: ids, movieID: nil, on: TestCatalogue.startDate))
            #expect(try await store.screens(theatreID: ids[0]) == reference.screens(theatreID: ids[0]))
            #expect(try await Set(store.timeZoneNames()) == Set(reference.timeZoneNames()))
            #expect(try await store.movies(title: nil, playingAt: nil, on: nil) == reference.movies(title: nil, playingAt: nil, on: nil))
            // Titles: the same movies for prefixes and typos (the ranking within may differ).
            for title in ["avngr", "star wa", "jurasic", "the"] {
                let here = try await store.movies(title: title, playingAt: nil, on: nil).map(\.id)
                let there = try await reference.movies(title: title, playingAt: nil, on: nil).map(\.id)
                #expect(Set(here) == Set(there), "\(title)")
                // SQLite ranks equal matches by bm25, this store by title length: a word every
                // title shares ("the") may order them differently, a distinctive one may not.
                if title != "the" { #expect(here.first == there.first, "\(title): best match") }
            }
        }
    }

    @Test func badPlacesAreRefusedAsOnSQLite() async throws {
        try await TestPostgres.withDatabase { store, _ in
            await #expect(throws: BoxOfficeError.invalidArgument("no US ZIP code 00000")) { try await store.resolve(.zip("00000")) }
            await #expect(throws: BoxOfficeError.self) { try await store.resolve(.coordinate(Coordinate(latitude: 51.5, longitude: -0.12))) }
            await #expect(throws: BoxOfficeError.self) { try await store.resolve(.cityState(city: "Atlantis", state: "NY")) }
        }
    }

    @Test func accountsAreOnePerEmailWhateverItsCase() async throws {
        try await TestPostgres.withDatabase { store, _ in
            let id = try await store.createUser(email: "Kay@Example.com", name: "Kay", passwordHash: "hash", createdAtMilliseconds: 1)
            await #expect(throws: BoxOfficeError(.alreadyExists, "an account with the email kay@example.com already exists: sign in instead")) {
                _ = try await store.createUser(email: "kay@example.com", name: "Kay", passwordHash: "hash", createdAtMilliseconds: 2)
            }
            #expect(try await store.user(email: "KAY@example.com")?.id == id)
            #expect(try await store.user(id: id)?.name == "Kay")
            try await store.revokeToken(id: "nonce-1", userID: id, expiresAt: 50, now: 10)
            let revoked = try await store.revokedTokens(since: 0, now: 20)
            #expect(revoked.map(\.id) == ["nonce-1"] && revoked.map(\.expiresAt) == [50])
            // Stamped by the database server's clock, so nodes whose clocks differ read the same.
            let stamped = try #require(revoked.first?.revokedAt)
            #expect(abs(stamped - Int64(Date().timeIntervalSince1970 * 1000)) < 60_000)
            #expect(try await store.revokedTokens(since: stamped + 1, now: 20).isEmpty)
            #expect(try await store.revokedTokens(since: 0, now: 50).isEmpty, "forgotten once it would have expired")
            let refund = OwedRefund(chargeReference: "sim_ch_9", amountCents: 500, userID: id, reason: "test", owedSince: 3)
            try await store.oweRefund(refund)
            try await store.oweRefund(refund)
            #expect(try await store.owedRefunds(limit: 10) == [refund])
            try await store.settleRefund(chargeReference: "sim_ch_9")
            #expect(try await store.owedRefunds(limit: 10).isEmpty)
        }
    }

    /// The store's connections killed from outside, as a database restart kills them: the store
    /// reconnects by itself, and a call that meets a dead connection is UNAVAILABLE with a
    /// retry-after, never INTERNAL. (A database that stays down makes calls wait in the pool until
    /// their deadline: not yet answered sooner.)
    @Test func killedConnectionsAreReplacedAndAnyCallTheyFailIsUnavailable() async throws {
        try await TestPostgres.withDatabase { store, url in
            #expect(try await store.theatre(id: 1) != nil)
            try await TestPostgres.terminateConnections(to: url)
            var answered = false
            for _ in 0..<100 where !answered {
                do {
                    answered = try await store.theatre(id: 1) != nil
                } catch let error as BoxOfficeError {
                    #expect(error.code == .unavailable, "\(error)")
                    #expect(error.retryAfterMilliseconds > 0)
                    // Waiting on another process (the pool reconnecting), not on time: polled.
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(answered, "the store did not reconnect")
            // A write in the middle of a transaction is refused the same way, and nothing half-done stays.
            try await TestPostgres.terminateConnections(to: url)
            do {
                try await store.revokeToken(id: "after-restart", userID: 1, expiresAt: .max, now: 0)
            } catch let error as BoxOfficeError {
                #expect(error.code == .unavailable, "\(error)")
            } catch {
                // A foreign key refuses user 1 when the write did reach the database: that is not a lost connection.
                #expect(PostgresFailure.describe(error).contains("foreign key"), "\(PostgresFailure.describe(error))")
            }
        }
    }

    /// A database that accepts no writes (a standby, or the primary a failover tool is fencing):
    /// writes are UNAVAILABLE with a retry-after that says so, never INTERNAL; reads go on; once
    /// it accepts writes again, so does the store.
    @Test func aReadOnlyDatabaseMakesWritesUnavailableAndReadsGoOn() async throws {
        try await TestPostgres.withDatabase { store, url in
            try await TestPostgres.setReadOnly(url, true)
            var refused: BoxOfficeError?
            for attempt in 0..<100 where refused == nil {
                do {
                    _ = try await store.createUser(email: "ro\(attempt)@example.com", name: "r", passwordHash: "x", createdAtMilliseconds: 0)
                    Issue.record("a read-only database took a write")
                    return
                } catch let error as BoxOfficeError where error.message.contains("accepts no writes") {
                    refused = error
                } catch let error as BoxOfficeError {
                    // The sessions just ended: the pool reconnecting first (waited for as an event).
                    #expect(error.code == .unavailable, "\(error)")
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(refused?.code == .unavailable)
            #expect((refused?.retryAfterMilliseconds ?? 0) > 0)
            #expect(try await store.theatre(id: 1) != nil, "reads still answer")

            try await TestPostgres.setReadOnly(url, false)
            var created: Int64?
            for attempt in 0..<100 where created == nil {
                do {
                    created = try await store.createUser(email: "rw\(attempt)@example.com", name: "w", passwordHash: "x", createdAtMilliseconds: 0)
                } catch let error as BoxOfficeError {
                    #expect(error.code == .unavailable, "\(error)")
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(created != nil, "writes came back")
        }
    }

    @Test func migrationsRunOnceAndANewerSchemaIsRefused() async throws {
        try await TestPostgres.withDatabase { store, _ in
            // The template was migrated; running again changes nothing.
            try await store.prepare()
            try await store.client.query("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
            await #expect(throws: BoxOfficeError.self) { try await store.prepare() }
            do {
                try await store.prepare()
            } catch let error as BoxOfficeError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message.contains("schema is at version 99, newer than this boxofficed knows (\(PostgresSchema.newestVersion))"))
            }
        }
    }

    @Test func aMigrationsStatementsAreSplitOutsideFunctionBodiesOnly() {
        let statements = PostgresSchema.statements(of: PostgresSchema.v1)
        #expect(statements.count > 20)
        #expect(statements.allSatisfy { $0.hasSuffix(";") })
        let function = statements.first { $0.hasPrefix("CREATE FUNCTION") }
        #expect(function?.contains("RETURN NULL;") == true, "the function body stays in one statement")
        #expect(function?.hasSuffix("END $$;") == true)
    }

    @Test(arguments: [
        ("postgres://host/db", "names no user"),
        ("postgres://u@host", "names no database"),
        ("postgres://u@host:99999/db", "port"),
        ("mysql://u@host/db", "is not a PostgreSQL URL"),
    ])
    func badURLsSayWhatIsMissing(_ text: String, _ message: String) {
        #expect(throws: BoxOfficeError.self) { try PostgresURL(parsing: text) }
        do { _ = try PostgresURL(parsing: text) } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func aURLsPasswordNeverShows() throws {
        let url = try PostgresURL(parsing: "postgres://boxoffice:s3cret@127.0.0.1:5433/tickets")
        #expect(url.description == "postgres://boxoffice@127.0.0.1:5433/tickets")
        #expect(url.password == "s3cret" && url.port == 5433 && url.database == "tickets")
        do { _ = try PostgresURL(parsing: "postgres://u:s3cret@host:0/") } catch {
            #expect(!error.message.contains("s3cret"))
        }
    }

    @Test func aWrongPasswordIsSaidInWords() async throws {
        var url = try #require(TestPostgres.url)
        try await url.probe(logger: logger)
        url.password = "wrong"
        await #expect(throws: BoxOfficeError(.unavailable, "password authentication failed for user \"\(url.user)\" (SQLSTATE 28P01)")) {
            try await url.probe(logger: logger)
        }
        url.port = 1
        do {
            try await url.probe(logger: logger)
            Issue.record("a closed port answered")
        } catch let error as BoxOfficeError {
            #expect(error.code == .unavailable)
            #expect(error.message.lowercased().contains("refused"), "\(error.message)")
        }
    }
}
