import BoxOfficeCore
import BoxOfficePostgres
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

/// The invariant check on PostgreSQL against a real PostgreSQL: rows written with SQL behind any
/// store's back, clean and then deliberately broken; and the same rows in a SQLite file, where
/// `SeatInvariants` must say word for word what `PostgresSeatInvariants` says.
@Suite("PostgreSQL seat invariants", .enabled(if: TestPostgres.url != nil, "needs BOXOFFICE_TEST_POSTGRES_URL"), .timeLimit(.minutes(3)))
struct PostgresSeatInvariantsTests {
    /// Far past any instant the rows use: every live hold below that expired before it is stale.
    static let staleBefore: Int64 = 1_000_000

    /// A booking sold and claimed, a cancelled one whose ticket names the same seat, a live hold
    /// claiming a seat until the far future, a hold that expired and was ended: all as it should be.
    static func cleanRows(holdClaim: (_ showtime: Int64, _ seat: Int, _ hold: String, _ expiresAt: Int64) -> String) -> [String] {
        [
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (900001, 'checks@example.com', 'Checks', 'h', 1)",
            booking("CLEAN0001", showtime: 1),
            ticket("CLEAN0001", seat: 0, label: "A1"),
            ticket("CLEAN0001", seat: 1, label: "A2"),
            "INSERT INTO seat_claims (showtime_id, seat_index, booking_code) VALUES (1, 0, 'CLEAN0001'), (1, 1, 'CLEAN0001')",
            booking("CANCEL001", showtime: 1, cancelledAt: 5),
            ticket("CANCEL001", seat: 0, label: "A1"),
            hold("hold-live", showtime: 1, seats: "5", expiresAt: 9_000_000_000_000),
            holdClaim(1, 5, "hold-live", 9_000_000_000_000),
            hold("hold-ended", showtime: 1, seats: "6", expiresAt: 500, state: "expired"),
        ]
    }

    /// On top of the clean rows: a second confirmed booking of seat A1, a live hold that expired
    /// long ago still claiming seat 9, and showtime 2 claimed one seat beyond its capacity by a
    /// booking with no tickets.
    static func brokenRows(capacityOfShowtime2 capacity: Int,
                           holdClaim: (_ showtime: Int64, _ seat: Int, _ hold: String, _ expiresAt: Int64) -> String) -> [String] {
        [
            booking("DOUBLE001", showtime: 1),
            ticket("DOUBLE001", seat: 0, label: "A1"),
            hold("hold-stale", showtime: 1, seats: "9", expiresAt: 500),
            holdClaim(1, 9, "hold-stale", 500),
            booking("CROWD0001", showtime: 2),
            "INSERT INTO seat_claims (showtime_id, seat_index, booking_code) VALUES "
                + (0...capacity).map { "(2, \($0), 'CROWD0001')" }.joined(separator: ", "),
        ]
    }

    static func booking(_ code: String, showtime: Int64, cancelledAt: Int64? = nil) -> String {
        """
        INSERT INTO bookings (code, user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents,
                              card_brand, card_last4, processor_ref, created_at, cancelled_at)
        VALUES ('\(code)', 900001, \(showtime), '\(cancelledAt == nil ? "confirmed" : "cancelled")', 3000, 300, 0, 3300,
                'Visa', '4242', 'ref-\(code)', 1, \(cancelledAt.map(String.init) ?? "NULL"))
        """
    }

    static func ticket(_ code: String, seat: Int, label: String) -> String {
        "INSERT INTO tickets (booking_code, seat_index, seat_label, ticket_type, price_cents) VALUES ('\(code)', \(seat), '\(label)', 'adult', 1500)"
    }

    static func hold(_ id: String, showtime: Int64, seats: String, expiresAt: Int64, state: String = "live") -> String {
        "INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state) VALUES ('\(id)', 900001, \(showtime), '\(seats)', \(expiresAt), '\(state)')"
    }

    /// A hold's claim carries the hold's expiry on PostgreSQL; SQLite's has no such column.
    static func postgresHoldClaim(_ showtime: Int64, _ seat: Int, _ hold: String, _ expiresAt: Int64) -> String {
        "INSERT INTO seat_claims (showtime_id, seat_index, hold_id, expires_at) VALUES (\(showtime), \(seat), '\(hold)', \(expiresAt))"
    }

    static func sqliteHoldClaim(_ showtime: Int64, _ seat: Int, _ hold: String, _ expiresAt: Int64) -> String {
        "INSERT INTO seat_claims (showtime_id, seat_index, hold_id) VALUES (\(showtime), \(seat), '\(hold)')"
    }

    static func execute(_ statements: [String], in store: PostgresStore) async throws {
        for statement in statements {
            for try await _ in try await store.client.query(PostgresQuery(unsafeSQL: statement)) {}
        }
    }

    static func capacity(ofShowtime showtime: Int64, in store: PostgresStore) async throws -> Int {
        for try await capacity in try await store.client.query(
            "SELECT sc.capacity FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = \(showtime)").decode(Int32.self) {
            return Int(capacity)
        }
        throw BoxOfficeError.notFound("showtime \(showtime) is not in the test catalogue")
    }

    @Test func aCleanDatabaseBreaksNoPromise() async throws {
        try await TestPostgres.withDatabase { store, url in
            try await Self.execute(Self.cleanRows(holdClaim: Self.postgresHoldClaim), in: store)
            let everything = SeatInvariants.Scope(confirmedCodes: ["CLEAN0001"], staleHoldsBefore: Self.staleBefore)
            #expect(try await PostgresSeatInvariants.check(databaseAt: url, scope: everything) == [])
            #expect(try await PostgresSeatInvariants.check(through: store.client, scope: .init(showtimes: [1, 2])) == [])
        }
    }

    @Test func aSeatInTwoBookingsAMissingCodeAndEveryOtherBreakAreNamed() async throws {
        try await TestPostgres.withDatabase { store, url in
            let capacity = try await Self.capacity(ofShowtime: 2, in: store)
            try await Self.execute(Self.cleanRows(holdClaim: Self.postgresHoldClaim)
                                   + Self.brokenRows(capacityOfShowtime2: capacity, holdClaim: Self.postgresHoldClaim), in: store)
            let scope = SeatInvariants.Scope(confirmedCodes: ["CLEAN0001", "NEVERMADE"], staleHoldsBefore: Self.staleBefore)
            let failures = try await PostgresSeatInvariants.check(databaseAt: url, scope: scope)
            #expect(failures == [
                "showtime 1 seat A1 is in bookings CLEAN0001,DOUBLE001 (database)",
                "confirmed booking NEVERMADE is stored 0 times (database)",
                "showtime 1: 3 tickets but 2 seats claimed by bookings (database)",
                "showtime 2 has \(capacity + 1) claimed seats, more than its \(capacity) (database)",
                "showtime 2: 0 tickets but \(capacity + 1) seats claimed by bookings (database)",
                "showtime 1: seats 9 (indices) still claimed by holds that expired long ago",
            ])
            // A scope of one showtime counts only that one; the whole-database rules still apply.
            let one = try await PostgresSeatInvariants.check(through: store.client, scope: .init(showtimes: [1]))
            #expect(one == ["showtime 1 seat A1 is in bookings CLEAN0001,DOUBLE001 (database)",
                            "showtime 1: 3 tickets but 2 seats claimed by bookings (database)"])

            // The same rows in a SQLite file of the same catalogue: the SQLite check says the same.
            let directory = try TestCatalogue.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (_, path) = try TestCatalogue.makeStore(in: directory)
            try await DatabaseQueue(path: path).write { db in
                for statement in Self.cleanRows(holdClaim: Self.sqliteHoldClaim)
                    + Self.brokenRows(capacityOfShowtime2: capacity, holdClaim: Self.sqliteHoldClaim) {
                    try db.execute(sql: statement)
                }
            }
            #expect(try SeatInvariants.check(databaseAt: path, scope: scope) == failures)
        }
    }

    @Test func aDatabaseThatIsNotThereIsUnavailableInWords() async throws {
        var url = try #require(TestPostgres.url)
        url.database = "no_such_database_\(UInt32.random(in: 0 ... .max))"
        do {
            _ = try await PostgresSeatInvariants.check(databaseAt: url, scope: .init())
            Issue.record("a missing database was checked")
        } catch let error as BoxOfficeError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("cannot check the invariants in \(url)"), "\(error.message)")
            #expect(error.message.contains("does not exist"), "\(error.message)")
        }
    }
}
