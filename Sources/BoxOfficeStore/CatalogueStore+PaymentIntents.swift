import BoxOfficeCore
import GRDB

extension CatalogueStore {
    /// Writes a new payment intent; ABORTED while the same user's same idempotency key has one.
    public func recordIntent(_ intent: PaymentIntent) throws {
        try dbPool.write { db in try PaymentIntentRows.insert(intent, in: db) }
    }

    /// The unsettled intent of a user's purchase under an idempotency key.
    public func intent(userID: Int64, key: String) throws -> PaymentIntent? {
        try dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM payment_intents WHERE user_id = ? AND idempotency_key = ?", arguments: [userID, key])
                .map(PaymentIntentRows.intent(row:))
        }
    }

    /// Intents a sweeper may settle at `now` (unix ms), oldest first.
    public func intents(settleableAt now: Int64, limit: Int) throws -> [PaymentIntent] {
        try dbPool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM payment_intents WHERE settle_after <= ? ORDER BY settle_after, id LIMIT ?",
                             arguments: [now, limit]).map(PaymentIntentRows.intent(row:))
        }
    }

    /// Deletes an intent whose charge never happened; false when it was already settled.
    public func dropIntent(id: String) throws -> Bool {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM payment_intents WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    /// Deletes an intent and owes its charge's refund in one transaction; false when already settled.
    public func refundIntent(id: String, owing refund: OwedRefund) throws -> Bool {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM payment_intents WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: """
                INSERT OR IGNORE INTO owed_refunds (charge_ref, amount_cents, user_id, reason, owed_since) VALUES (?, ?, ?, ?, ?)
                """, arguments: [refund.chargeReference, refund.amountCents, refund.userID, refund.reason, refund.owedSince])
            return true
        }
    }
}

/// The payment_intents rows, for the store and for the purchase transaction that settles one.
enum PaymentIntentRows {
    /// Writes the intent; ABORTED (key in use) while the user's key has another one.
    static func insert(_ intent: PaymentIntent, in db: Database) throws {
        do {
            try insertRow(intent, in: db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            && (error.message ?? "").contains("idempotency_key") {
            throw PaymentIntentKeyInUse.error(intent)
        }
    }

    private static func insertRow(_ intent: PaymentIntent, in db: Database) throws {
        let booking = intent.booking
        try db.cachedStatement(sql: """
            INSERT INTO payment_intents (id, user_id, hold_id, showtime_id, booking_code, subtotal_cents, fees_cents, tax_cents,
                                         total_cents, card_brand, card_last4, tickets, idempotency_key, request_digest,
                                         created_at, settle_after)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [intent.id, intent.userID, intent.holdID, booking.showtimeID, booking.code, booking.subtotalCents,
                             booking.feesCents, booking.taxCents, booking.totalCents, booking.cardBrand, booking.cardLastFour,
                             IntentTickets.encode(booking.tickets), intent.key?.key, intent.key?.requestDigest,
                             intent.createdAt, intent.settleAfter])
    }

    /// Deletes the intent a purchase settles; `PaymentIntentSettled` when a sweeper got there first.
    static func settle(_ intentID: String, in db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM payment_intents WHERE id = ?").execute(arguments: [intentID])
        guard db.changesCount == 1 else { throw PaymentIntentSettled(intentID: intentID) }
    }

    static func intent(row: Row) throws -> PaymentIntent {
        let key: String? = row["idempotency_key"]
        let createdAt: Int64 = row["created_at"]
        let booking = BookingRecord(
            code: row["booking_code"], userID: row["user_id"], showtimeID: row["showtime_id"],
            subtotalCents: row["subtotal_cents"], feesCents: row["fees_cents"], taxCents: row["tax_cents"], totalCents: row["total_cents"],
            cardBrand: row["card_brand"], cardLastFour: row["card_last4"], processorReference: "", createdAt: createdAt,
            tickets: try IntentTickets.decode(row["tickets"]))
        return PaymentIntent(
            id: row["id"], userID: row["user_id"], holdID: row["hold_id"], booking: booking,
            key: key.map { IdempotencyUse(key: $0, userID: row["user_id"], requestDigest: row["request_digest"], usedAt: createdAt) },
            createdAt: createdAt, settleAfter: row["settle_after"])
    }
}
