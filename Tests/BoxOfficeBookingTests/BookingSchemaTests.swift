@testable import BoxOfficeStore
import GRDB
import Testing

@Suite(.timeLimit(.minutes(2)))
struct BookingSchemaTests {
    @Test func migrationCreatesTheBookingTables() throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let tables = try fixture.store.dbPool.read { db in
            try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        for table in ["users", "holds", "seat_claims", "bookings", "tickets", "idempotency_keys"] {
            #expect(tables.contains(table), "missing \(table)")
        }
    }

    @Test func aSeatCanBeClaimedOnlyOnce() throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        try fixture.store.dbPool.write { db in
            for id in ["h1", "h2"] {
                try db.execute(sql: "INSERT INTO holds (id, user_id, showtime_id, seats, expires_at) VALUES (?, 1, ?, '0', 0)",
                               arguments: [id, showtime.id])
            }
            try db.execute(sql: "INSERT INTO seat_claims (showtime_id, seat_index, hold_id) VALUES (?, 0, 'h1')", arguments: [showtime.id])
        }
        #expect(throws: DatabaseError.self) {
            try fixture.store.dbPool.write { db in
                try db.execute(sql: "INSERT INTO seat_claims (showtime_id, seat_index, hold_id) VALUES (?, 0, 'h2')", arguments: [showtime.id])
            }
        }
    }

    @Test func emailsAreUniqueWhateverTheirCase() throws {
        let fixture = try BookingFixture(users: 1)
        defer { fixture.remove() }
        #expect(throws: DatabaseError.self) {
            try fixture.store.dbPool.write { db in
                try db.execute(sql: "INSERT INTO users (email, name, password_hash, created_at) VALUES ('USER1@example.com', 'x', 'x', 0)")
            }
        }
    }

    /// Bookings must survive a power cut. GRDB's DatabasePool runs `PRAGMA synchronous = NORMAL` on
    /// its writer after `prepareDatabase`, so CatalogueStore sets FULL on the writer once it is open.
    @Test func theWriterCommitsWithSynchronousFull() async throws {
        let fixture = try BookingFixture(users: 1)
        defer { fixture.remove() }
        let writer = try await fixture.store.dbPool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(writer == 2, "synchronous on the writer is \(writer ?? -1), not 2 (FULL)")
    }
}
