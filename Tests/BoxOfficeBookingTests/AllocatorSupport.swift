import BoxOfficeCore
import BoxOfficeBooking
@testable import BoxOfficeStore
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

/// The booking a purchase would write for `hold`: one adult ticket a seat at $10.
func testBooking(code: String, for hold: HoldResult, userID: Int64) -> BookingRecord {
    BookingRecord(
        code: code, userID: userID, showtimeID: hold.showtimeID,
        subtotalCents: 1000 * Int64(hold.seatIndices.count), feesCents: 0, taxCents: 0, totalCents: 1000 * Int64(hold.seatIndices.count),
        cardBrand: "Visa", cardLastFour: "4242", processorReference: "sim-\(code)", createdAt: 0,
        tickets: zip(hold.seatIndices, hold.seatLabels).map { .init(seatIndex: $0, seatLabel: $1, type: .adult, priceCents: 1000) })
}

extension BookingFixture {
    /// A confirmed booking row with no seats, written around the allocator, so that a purchase with its code fails in the store.
    func plantBooking(code: String, showtimeID: Int64) throws {
        try store.dbPool.write { db in
            try db.execute(sql: """
                INSERT INTO bookings (code, user_id, showtime_id, subtotal_cents, fees_cents, tax_cents, total_cents,
                                      card_brand, card_last4, processor_ref, created_at)
                VALUES (?, 4, ?, 0, 0, 0, 0, 'Visa', '4242', 'planted', 0)
                """, arguments: [code, showtimeID])
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
