import BoxOfficeCore
public import BoxOfficeStore
import PostgresNIO

// Payment intents on PostgreSQL: the same rows and rules as SQLite's (CatalogueStore+PaymentIntents).
extension PostgresStore {
    public func recordIntent(_ intent: PaymentIntent) async throws {
        try await transaction { [self] connection in try await insert(intent, on: connection) }
    }

    /// Writes the intent on `connection` (alone, or in a seat ledger batch); ABORTED (key in use)
    /// while the user's key has another one.
    func insert(_ intent: PaymentIntent, on connection: PostgresConnection) async throws {
        let booking = intent.booking
        do {
            try await connection.query("""
                INSERT INTO payment_intents (id, user_id, hold_id, showtime_id, booking_code, subtotal_cents, fees_cents, tax_cents,
                                             total_cents, card_brand, card_last4, tickets, idempotency_key, request_digest,
                                             created_at, settle_after)
                VALUES (\(intent.id), \(intent.userID), \(intent.holdID), \(booking.showtimeID), \(booking.code), \(booking.subtotalCents),
                        \(booking.feesCents), \(booking.taxCents), \(booking.totalCents), \(booking.cardBrand), \(booking.cardLastFour),
                        \(IntentTickets.encode(booking.tickets)), \(intent.key?.key), \(intent.key?.requestDigest),
                        \(intent.createdAt), \(intent.settleAfter))
                """, logger: logger)
        } catch let error as PSQLError where error.sqlState == "23505" && error.serverInfo?[.constraintName] == "payment_intents_by_key" {
            throw PaymentIntentKeyInUse.error(intent)
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
