import BoxOfficeCore
public import BoxOfficeStore
import PostgresNIO

// Payment intents on PostgreSQL: the same rows and rules as SQLite's (CatalogueStore+PaymentIntents).
extension PostgresStore {
    /// The same statement as an intent in a seat ledger batch, in a transaction of its own.
    public func recordIntent(_ intent: PaymentIntent) async throws {
        do {
            try await apply([[.recordIntent(intent)]])
        } catch let failure as SeatLedgerFailure {
            throw failure.cause
        }
    }

    public func intent(userID: Int64, key: String) async throws -> PaymentIntent? {
        try await all(try await run("""
            SELECT * FROM payment_intents WHERE user_id = \(userID) AND idempotency_key = \(key)
            """, logger: logger), PaymentIntent.init).first
    }

    public func intents(settleableAt now: Int64, limit: Int) async throws -> [PaymentIntent] {
        try await all(try await run("""
            SELECT * FROM payment_intents WHERE settle_after <= \(now) ORDER BY settle_after, id LIMIT \(Int64(limit))
            """, logger: logger), PaymentIntent.init)
    }

    public func dropIntent(id: String) async throws -> Bool {
        var dropped = false
        for try await _ in try await run("DELETE FROM payment_intents WHERE id = \(id) RETURNING 1", logger: logger) { dropped = true }
        return dropped
    }

    public func refundIntent(id: String, owing refund: OwedRefund) async throws -> Bool {
        try await transaction { connection in
            var settled = false
            for try await _ in try await connection.query("DELETE FROM payment_intents WHERE id = \(id) RETURNING 1", logger: logger) {
                settled = true
            }
            guard settled else { return false }
            try await connection.query("""
                INSERT INTO owed_refunds (charge_ref, amount_cents, user_id, reason, owed_since)
                VALUES (\(refund.chargeReference), \(refund.amountCents), \(refund.userID), \(refund.reason), \(refund.owedSince))
                ON CONFLICT (charge_ref) DO NOTHING
                """, logger: logger)
            return true
        }
    }
}

extension PaymentIntent {
    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        let userID: Int64 = try r.value("user_id")
        let createdAt: Int64 = try r.value("created_at")
        let key: String? = try r.value("idempotency_key")
        let booking = BookingRecord(
            code: try r.value("booking_code"), userID: userID, showtimeID: try r.value("showtime_id"),
            subtotalCents: try r.value("subtotal_cents"), feesCents: try r.value("fees_cents"), taxCents: try r.value("tax_cents"),
            totalCents: try r.value("total_cents"), cardBrand: try r.value("card_brand"), cardLastFour: try r.value("card_last4"),
            processorReference: "", createdAt: createdAt, tickets: try IntentTickets.decode(try r.value("tickets")))
        self.init(id: try r.value("id"), userID: userID, holdID: try r.value("hold_id"), booking: booking,
                  key: try key.map { IdempotencyUse(key: $0, userID: userID, requestDigest: try r.value("request_digest"), usedAt: createdAt) },
                  createdAt: createdAt, settleAfter: try r.value("settle_after"))
    }
}
