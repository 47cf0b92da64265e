import BoxOfficeCore
public import BoxOfficeStore
import Logging
import PostgresNIO

// Bookings, idempotency keys, refunds still owed, and reviews.
extension PostgresStore {
    // MARK: BookingReading

    public func booking(code: String, userID: Int64) async throws -> BookingRecord? {
        let rows = try await run("SELECT * FROM bookings WHERE code = \(code) AND user_id = \(userID)", logger: logger)
        guard let row = try await all(rows, { $0 }).first else { return nil }
        return try await booking(from: row)
    }

    public func bookings(userID: Int64, period: BookingPeriod, now: Int64, offset: Int, limit: Int) async throws
        -> (bookings: [BookingRecord], total: Int)
    {
        // A show has started once its start (unix seconds) is at or before now.
        let from = "FROM bookings b JOIN showtimes s ON s.id = b.showtime_id"
        let (count, page): (PostgresQuery, PostgresQuery) = switch period {
        case .all: (
            "SELECT count(*) FROM bookings b WHERE b.user_id = \(userID)",
            "SELECT b.* FROM bookings b WHERE b.user_id = \(userID) ORDER BY b.created_at DESC, b.code LIMIT \(Int64(limit)) OFFSET \(Int64(offset))")
        case .upcoming: (
            "SELECT count(*) \(unescaped: from) WHERE b.user_id = \(userID) AND s.starts_at * 1000 > \(now)",
            """
            SELECT b.* \(unescaped: from) WHERE b.user_id = \(userID) AND s.starts_at * 1000 > \(now)
            ORDER BY s.starts_at, b.created_at, b.code LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """)
        case .past: (
            "SELECT count(*) \(unescaped: from) WHERE b.user_id = \(userID) AND s.starts_at * 1000 <= \(now)",
            """
            SELECT b.* \(unescaped: from) WHERE b.user_id = \(userID) AND s.starts_at * 1000 <= \(now)
            ORDER BY s.starts_at DESC, b.created_at DESC, b.code LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """)
        }
        let total = try await first(try await run(count, logger: logger), as: Int64.self) ?? 0
        var records: [BookingRecord] = []
        for row in try await all(try await run(page, logger: logger), { $0 }) {
            records.append(try await booking(from: row))
        }
        return (records, Int(total))
    }

    public func idempotencyRecord(key: String, userID: Int64, since: Int64) async throws -> IdempotencyRecord? {
        let rows = try await run("""
            SELECT request_digest, booking_code FROM idempotency_keys
            WHERE user_id = \(userID) AND key = \(key) AND created_at >= \(since) AND booking_code IS NOT NULL
            """, logger: logger)
        for try await (digest, code) in rows.decode((String, String).self) {
            return IdempotencyRecord(requestDigest: digest, bookingCode: code)
        }
        return nil
    }

    public func forgetIdempotencyKeys(before: Int64) async throws -> Int {
        let rows = try await run("DELETE FROM idempotency_keys WHERE created_at < \(before) RETURNING 1", logger: logger)
        return try await all(rows, { _ in () }).count
    }

    private func booking(from row: PostgresRow) async throws -> BookingRecord {
        let r = row.makeRandomAccess()
        let code: String = try r.value("code")
        let tickets = try await all(try await run("""
            SELECT seat_index, seat_label, ticket_type, price_cents FROM tickets WHERE booking_code = \(code) ORDER BY seat_index
            """, logger: logger)) { ticket in
            let t = ticket.makeRandomAccess()
            return BookingRecord.Ticket(seatIndex: Int(try t.value("seat_index", as: Int32.self)), seatLabel: try t.value("seat_label"),
                                        type: TicketType(rawValue: try t.value("ticket_type")) ?? .adult, priceCents: try t.value("price_cents"))
        }
        return BookingRecord(
            code: code, userID: try r.value("user_id"), showtimeID: try r.value("showtime_id"),
            state: BookingRecord.State(rawValue: try r.value("state")) ?? .confirmed,
            subtotalCents: try r.value("subtotal_cents"), feesCents: try r.value("fees_cents"), taxCents: try r.value("tax_cents"),
            totalCents: try r.value("total_cents"), cardBrand: try r.value("card_brand"), cardLastFour: try r.value("card_last4"),
            processorReference: try r.value("processor_ref"), createdAt: try r.value("created_at"),
            cancelledAt: try r.value("cancelled_at", as: Int64?.self), refundedCents: try r.value("refunded_cents"), tickets: tickets)
    }

    // MARK: RefundLedger

    public func oweRefund(_ refund: OwedRefund) async throws {
        try await execute("""
            INSERT INTO owed_refunds (charge_ref, amount_cents, user_id, reason, owed_since)
            VALUES (\(refund.chargeReference), \(refund.amountCents), \(refund.userID), \(refund.reason), \(refund.owedSince))
            ON CONFLICT (charge_ref) DO NOTHING
            """)
    }

    public func owedRefunds(limit: Int) async throws -> [OwedRefund] {
        try await all(try await run(
            "SELECT * FROM owed_refunds ORDER BY owed_since, charge_ref LIMIT \(Int64(limit))", logger: logger), OwedRefund.init)
    }

    public func settleRefund(chargeReference: String) async throws {
        try await execute("DELETE FROM owed_refunds WHERE charge_ref = \(chargeReference)")
    }

    // MARK: ReviewStore

    public func hasConfirmedBooking(userID: Int64, movieID: Int64) async throws -> Bool {
        try await first(try await run("""
            SELECT EXISTS (SELECT 1 FROM bookings b JOIN showtimes s ON s.id = b.showtime_id
                           WHERE b.user_id = \(userID) AND b.state = 'confirmed' AND s.movie_id = \(movieID))
            """, logger: logger), as: Bool.self) ?? false
    }

    public func saveReview(userID: Int64, movieID: Int64, stars: Int, text: String, now: Int64) async throws -> ReviewRecord {
        try await execute("""
            INSERT INTO reviews (user_id, movie_id, stars, review, created_at, updated_at)
            VALUES (\(userID), \(movieID), \(Int32(stars)), \(text), \(now), \(now))
            ON CONFLICT (user_id, movie_id) DO UPDATE SET stars = excluded.stars, review = excluded.review,
                updated_at = greatest(excluded.updated_at, reviews.created_at)
            """)
        guard let saved = try await all(try await run(
            "\(unescaped: ReviewRecord.joinedSelect) WHERE r.user_id = \(userID) AND r.movie_id = \(movieID)", logger: logger), ReviewRecord.init).first
        else { throw BoxOfficeError.internalError("the review of movie \(movieID) by user \(userID) was not written") }
        return saved
    }

    public func deleteReview(userID: Int64, movieID: Int64) async throws -> Bool {
        try await !all(try await run(
            "DELETE FROM reviews WHERE user_id = \(userID) AND movie_id = \(movieID) RETURNING 1", logger: logger), { _ in () }).isEmpty
    }

    public func reviews(movieID: Int64, offset: Int, limit: Int) async throws -> (reviews: [ReviewRecord], total: Int) {
        let total = try await first(try await run("SELECT count(*) FROM reviews WHERE movie_id = \(movieID)", logger: logger),
                                    as: Int64.self) ?? 0
        let page = try await all(try await run("""
            \(unescaped: ReviewRecord.joinedSelect) WHERE r.movie_id = \(movieID) ORDER BY r.updated_at DESC, r.user_id DESC
            LIMIT \(Int64(limit)) OFFSET \(Int64(offset))
            """, logger: logger), ReviewRecord.init)
        return (page, Int(total))
    }

    public func ratingSummaries(movieIDs: [Int64]) async throws -> [Int64: RatingSummary] {
        guard !movieIDs.isEmpty else { return [:] }
        let rows = try await run("""
            SELECT movie_id, star_total, rating_count FROM movie_ratings WHERE movie_id = ANY(\(movieIDs)) AND rating_count > 0
            """, logger: logger)
        var found: [Int64: RatingSummary] = [:]
        for try await (id, total, count) in rows.decode((Int64, Int64, Int64).self) {
            found[id] = RatingSummary(averageStars: Double(total) / Double(count), count: Int(count))
        }
        return found
    }
}
