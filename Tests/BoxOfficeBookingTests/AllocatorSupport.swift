import BoxOfficeCore
import BoxOfficeBooking
import BoxOfficeStore
import Foundation
import GRDB
import Synchronization

extension BookingFixture {
    /// The claimed seats of a showtime as the store has them: seat index to hold id or booking code.
    func claims(of showtimeID: Int64) throws -> [Int: String] {
        try store.dbPool.read { db in
            var claims: [Int: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT seat_index, coalesce(hold_id, booking_code) FROM seat_claims WHERE showtime_id = ?",
                                        arguments: [showtimeID]) {
                claims[row[0]] = row[1]
            }
            return claims
        }
    }

    /// A hold's state column.
    func holdState(_ id: String) throws -> String? {
        try store.dbPool.read { try String.fetchOne($0, sql: "SELECT state FROM holds WHERE id = ?", arguments: [id]) }
    }
}

/// The purchase writer a payments handler would pass: a booking row and one adult ticket a seat.
func testBookingWriter(code: String) -> @Sendable (Database, HeldSeats) throws -> Void {
    { db, held in
        try db.execute(sql: """
            INSERT INTO bookings (code, user_id, showtime_id, subtotal_cents, fees_cents, tax_cents, total_cents,
                                  card_brand, card_last4, processor_ref, created_at)
            VALUES (?, ?, ?, ?, 0, 0, ?, 'visa', '4242', 'sim-1', 0)
            """, arguments: [code, held.userID, held.showtimeID, 1000 * held.seats.count, 1000 * held.seats.count])
        for seat in held.seats {
            try db.execute(sql: "INSERT INTO tickets (booking_code, seat_index, seat_label, ticket_type, price_cents) VALUES (?, ?, ?, 'adult', 1000)",
                           arguments: [code, seat.index, seat.label])
        }
    }
}

/// Counts committed transactions that wrote holds: an outside check of the allocator's group commit.
final class HoldCommitCounter: TransactionObserver, Sendable {
    private let count = Mutex(0)
    var commits: Int { count.withLock { $0 } }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "holds" }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

/// The error code a call threw, or nil when it did not throw a BoxOfficeError.
func errorCode(_ body: () async throws -> Void) async -> BoxOfficeError.Code? {
    do {
        try await body()
        return .ok
    } catch let error as BoxOfficeError {
        return error.code
    } catch {
        return nil
    }
}
