import BoxOfficeCore
public import BoxOfficeStore
import Logging
import PostgresNIO

// The seat allocator's ledger: what a showtime's seats are when the allocator first meets it, and
// the batched transactions that make its decisions durable. Each statement checks the rows it
// changed (RETURNING), so a database that disagrees with the allocator fails the batch.
extension PostgresStore {
    public func seats(ofShowtimes showtimeIDs: [Int64]) async throws -> [Int64: StoredShowtimeSeats] {
        guard !showtimeIDs.isEmpty else { return [:] }
        var found: [Int64: (startsAt: Int64, layout: SeatLayout)] = [:]
        for try await (id, startsAt, layout) in try await run("""
            SELECT s.id, s.starts_at, sc.layout FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = ANY(\(showtimeIDs))
            """, logger: logger).decode((Int64, Int64, String).self) {
            found[id] = (startsAt, try SeatLayout(encoded: layout))
        }
        var holds: [Int64: [String: StoredShowtimeSeats.StoredHold]] = [:]
        var bookings: [Int64: [String: [Int]]] = [:]
        let claims = try await run("""
            SELECT c.showtime_id, c.seat_index, c.hold_id, h.user_id, h.expires_at, h.seats, c.booking_code
            FROM seat_claims c LEFT JOIN holds h ON h.id = c.hold_id AND h.state = 'live'
            LEFT JOIN bookings b ON b.code = c.booking_code AND b.state = 'confirmed'
            WHERE c.showtime_id = ANY(\(Array(found.keys))) AND (h.id IS NOT NULL OR b.code IS NOT NULL)
            """, logger: logger)
        for try await (showtimeID, seat, holdID, userID, expiresAt, seatsText, code) in claims
            .decode((Int64, Int32, String?, Int64?, Int64?, String?, String?).self) {
            if let holdID, let userID, let expiresAt {
                if holds[showtimeID, default: [:]][holdID] == nil {
                    // The hold row lists its seats in the order they were asked for; the claims are the truth.
                    let order = (seatsText ?? "").split(separator: ",").compactMap { Int($0) }
                    holds[showtimeID, default: [:]][holdID] = .init(id: holdID, userID: userID, seatIndices: [], expiresAt: expiresAt, order: order)
                }
                holds[showtimeID]![holdID]!.seatIndices.append(Int(seat))
            } else if let code {
                bookings[showtimeID, default: [:]][code, default: []].append(Int(seat))
            }
        }
        return found.reduce(into: [:]) { result, entry in
            result[entry.key] = StoredShowtimeSeats(startsAt: entry.value.startsAt, layout: entry.value.layout,
                                                    holds: Array((holds[entry.key] ?? [:]).values), bookings: bookings[entry.key] ?? [:])
        }
    }

    public func hold(id: String) async throws -> StoredHoldStatus? {
        for try await (showtimeID, userID, stateText) in try await run(
            "SELECT showtime_id, user_id, state FROM holds WHERE id = \(id)", logger: logger).decode((Int64, Int64, String).self) {
            guard let state = HoldState(rawValue: stateText) else {
                throw BoxOfficeError.internalError("hold \(id) has an unknown state \"\(stateText)\"")
            }
            return StoredHoldStatus(showtimeID: showtimeID, userID: userID, state: state)
        }
        return nil
    }

    public func bookingOwner(code: String) async throws -> (showtimeID: Int64, userID: Int64)? {
        for try await (showtimeID, userID) in try await run(
            "SELECT showtime_id, user_id FROM bookings WHERE code = \(code)", logger: logger).decode((Int64, Int64).self) {
            return (showtimeID, userID)
        }
        return nil
    }

    public func showtimesWithExpiredHolds(now: Int64, limit: Int) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await run("""
            SELECT DISTINCT showtime_id FROM holds WHERE state = 'live' AND expires_at <= \(now) LIMIT \(Int64(limit))
            """, logger: logger).decode(Int64.self) { ids.append(id) }
        return ids
    }

    public func showtimesWithLiveHolds(userID: Int64, now: Int64) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await run("""
            SELECT DISTINCT showtime_id FROM holds WHERE user_id = \(userID) AND state = 'live' AND expires_at > \(now)
            """, logger: logger).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// One transaction for the whole batch. When one request's change fails, the transaction rolls
    /// back and `SeatLedgerFailure` names that request, so the allocator retries the others alone.
    public func apply(_ requests: [[SeatChange]]) async throws {
        try await transaction { connection in
            for (index, changes) in requests.enumerated() {
                do {
                    for change in changes { try await apply(change, on: connection) }
                } catch {
                    throw SeatLedgerFailure(request: index, cause: error)
                }
            }
        }
    }

    private func apply(_ change: SeatChange, on connection: PostgresConnection) async throws {
        switch change {
        case .hold(let id, let userID, let showtimeID, let seats, let expiresAt, let now):
            try await connection.query("""
                INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state)
                VALUES (\(id), \(userID), \(showtimeID), \(seats.map(String.init).joined(separator: ",")), \(expiresAt), 'live')
                """, logger: logger)
            // One statement for every seat of the hold. A seat whose claim expired is taken over in
            // it; one claimed by a live hold or a booking is not, and comes back missing.
            let claimed = try await count(connection.query("""
                INSERT INTO seat_claims (showtime_id, seat_index, hold_id, expires_at)
                SELECT \(showtimeID), seat, \(id), \(expiresAt) FROM unnest(\(seats.map { Int32($0) })::int4[]) AS seat
                ON CONFLICT (showtime_id, seat_index) DO UPDATE SET hold_id = excluded.hold_id, expires_at = excluded.expires_at
                WHERE seat_claims.booking_code IS NULL AND seat_claims.expires_at <= \(now)
                RETURNING 1
                """, logger: logger))
            guard claimed == seats.count else { throw SeatClaimLoss.taken(holdID: id, refused: seats.count - claimed, of: seats.count) }
        case .endHolds(let ids, let state):
            guard !ids.isEmpty else { return }
            let ended = try await count(connection.query("""
                UPDATE holds SET state = \(state.rawValue) WHERE id = ANY(\(ids)) AND state = 'live' RETURNING 1
                """, logger: logger))
            guard ended == ids.count else {
                throw BoxOfficeError.internalError("\(ids.count - ended) of \(ids.count) holds to end are not live in the store")
            }
            try await connection.query("DELETE FROM seat_claims WHERE hold_id = ANY(\(ids))", logger: logger)
        case .purchase(let holdID, let seatCount, let booking, let key, let intentID, let now):
            if let intentID {
                let settled = try await count(connection.query(
                    "DELETE FROM payment_intents WHERE id = \(intentID) RETURNING 1", logger: logger))
                guard settled == 1 else { throw PaymentIntentSettled(intentID: intentID) }
            }
            try await insert(booking, on: connection)
            if let key {
                try await connection.query("""
                    INSERT INTO idempotency_keys (user_id, key, request_digest, booking_code, created_at)
                    VALUES (\(key.userID), \(key.key), \(key.requestDigest), \(booking.code), \(key.usedAt))
                    ON CONFLICT (user_id, key) DO UPDATE SET request_digest = excluded.request_digest,
                        booking_code = excluded.booking_code, created_at = excluded.created_at
                    """, logger: logger)
            }
            let moved = try await count(connection.query("""
                UPDATE seat_claims SET hold_id = NULL, expires_at = NULL, booking_code = \(booking.code)
                WHERE hold_id = \(holdID) AND expires_at > \(now) RETURNING 1
                """, logger: logger))
            guard moved == seatCount else { throw SeatClaimLoss.error(holdID: holdID, claimed: moved, of: seatCount) }
            let bought = try await count(connection.query(
                "UPDATE holds SET state = 'purchased' WHERE id = \(holdID) AND state = 'live' RETURNING 1", logger: logger))
            guard bought == 1 else { throw BoxOfficeError.internalError("hold \(holdID) is not live in the store") }
        case .cancel(let code, let at, let refundedCents):
            let cancelled = try await count(connection.query("""
                UPDATE bookings SET state = 'cancelled', cancelled_at = \(at), refunded_cents = \(refundedCents)
                WHERE code = \(code) AND state = 'confirmed' RETURNING 1
                """, logger: logger))
            guard cancelled == 1 else { throw BoxOfficeError.internalError("booking \(code) is not confirmed in the store") }
            try await connection.query("DELETE FROM seat_claims WHERE booking_code = \(code)", logger: logger)
        case .recordIntent(let intent):
            try await insert(intent, on: connection)
        }
    }

    private func insert(_ booking: BookingRecord, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO bookings (code, user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents,
                                  card_brand, card_last4, processor_ref, created_at)
            VALUES (\(booking.code), \(booking.userID), \(booking.showtimeID), 'confirmed', \(booking.subtotalCents), \(booking.feesCents),
                    \(booking.taxCents), \(booking.totalCents), \(booking.cardBrand), \(booking.cardLastFour), \(booking.processorReference),
                    \(booking.createdAt))
            """, logger: logger)
        let tickets = booking.tickets
        try await connection.query("""
            INSERT INTO tickets (booking_code, seat_index, seat_label, ticket_type, price_cents)
            SELECT \(booking.code), * FROM unnest(\(tickets.map { Int32($0.seatIndex) })::int4[], \(tickets.map(\.seatLabel))::text[],
                                                  \(tickets.map(\.type.rawValue))::text[], \(tickets.map(\.priceCents))::int8[])
            """, logger: logger)
    }

    private func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }
}
