import BoxOfficeCore
import BoxOfficeStore
import Logging
import PostgresNIO

/// One batch of the seat allocator's requests, written as a handful of array statements whatever
/// the number of requests in it: each kind of change is one prepared statement over arrays
/// (`unnest`), so forty requests cost the same dozen round trips as one. Each statement returns
/// the keys of the rows it changed, and a request whose rows are missing is the one refused, so one
/// conflicting request still fails alone (`SeatLedgerFailure` names it; the allocator writes the
/// batch again without it).
///
/// The kinds run in a fixed order, not in the requests' order. That is the order in which they can
/// depend on each other: an intent precedes nothing of its own batch (its charge waits for its
/// commit); holds ended and bookings cancelled free seats before new holds claim them; a purchase
/// moves the claims of a hold committed in an earlier batch (its buyer had to be told the hold's id).
struct PostgresSeatBatch {
    struct Hold {
        var request: Int
        var id: String
        var userID: Int64
        var showtimeID: Int64
        var seats: [Int]
        var expiresAt: Int64
        var now: Int64
    }

    struct Purchase {
        var request: Int
        var holdID: String
        var seatCount: Int
        var booking: BookingRecord
        var key: IdempotencyUse?
        var intentID: String?
        var now: Int64
    }

    private(set) var intents: [(request: Int, intent: PaymentIntent)] = []
    private(set) var endings: [(request: Int, holdID: String, state: HoldState)] = []
    private(set) var cancels: [(request: Int, code: String, at: Int64, refundedCents: Int64)] = []
    private(set) var holds: [Hold] = []
    private(set) var purchases: [Purchase] = []

    /// Sorts the requests' changes by kind. A request that collides with an earlier one of the same
    /// batch (two holds on one seat, one hold ended or bought twice, one booking cancelled twice,
    /// one idempotency key used twice) is refused here, before any statement: one array statement
    /// cannot say which of two rows touching the same key was wrong.
    init(_ requests: [[SeatChange]]) throws(SeatLedgerFailure) {
        var claimed = Set<SeatKey>()
        var ended = Set<String>()
        var bought = Set<String>()
        var cancelled = Set<String>()
        var keys = Set<KeyUse>()
        for (request, changes) in requests.enumerated() {
            for change in changes {
                switch change {
                case .recordIntent(let intent):
                    intents.append((request, intent))
                case .endHolds(let ids, let state):
                    for id in ids {
                        guard ended.insert(id).inserted else { throw Self.collision(request, "hold \(id) ends twice in one batch") }
                        endings.append((request, id, state))
                    }
                case .cancel(let code, let at, let refundedCents):
                    guard cancelled.insert(code).inserted else { throw Self.collision(request, "booking \(code) is cancelled twice in one batch") }
                    cancels.append((request, code, at, refundedCents))
                case .hold(let id, let userID, let showtimeID, let seats, let expiresAt, let now):
                    let taken = seats.filter { !claimed.insert(SeatKey(showtimeID: showtimeID, seat: $0)).inserted }
                    guard taken.isEmpty else {
                        throw SeatLedgerFailure(request: request, cause: SeatClaimLoss.taken(holdID: id, refused: taken.count, of: seats.count))
                    }
                    holds.append(Hold(request: request, id: id, userID: userID, showtimeID: showtimeID, seats: seats,
                                      expiresAt: expiresAt, now: now))
                case .purchase(let holdID, let seatCount, let booking, let key, let intentID, let now):
                    guard bought.insert(holdID).inserted else { throw Self.collision(request, "hold \(holdID) is bought twice in one batch") }
                    if let key, !keys.insert(KeyUse(userID: key.userID, key: key.key)).inserted {
                        throw Self.collision(request, "idempotency key \(key.key) books twice in one batch")
                    }
                    purchases.append(Purchase(request: request, holdID: holdID, seatCount: seatCount, booking: booking, key: key,
                                              intentID: intentID, now: now))
                }
            }
        }
    }

    private struct SeatKey: Hashable {
        var showtimeID: Int64
        var seat: Int
    }

    private struct KeyUse: Hashable {
        var userID: Int64
        var key: String
    }

    private static func collision(_ request: Int, _ message: String) -> SeatLedgerFailure {
        SeatLedgerFailure(request: request, cause: BoxOfficeError.internalError(message))
    }

    // MARK: Writing

    /// Whether the batch must wait for a synchronous standby before it commits: it confirms a
    /// booking, a cancellation (and its refund) or a payment intent, which must survive the
    /// primary's loss. Holds and their endings need not: a hold lost in a failover sells nothing
    /// twice, its purchase then fails cleanly (the hold is not found: hold again), and a lost release or
    /// expiry only keeps seats until the hold's own expiry.
    var needsStandby: Bool { !intents.isEmpty || !cancels.isEmpty || !purchases.isEmpty }

    /// Runs the batch's statements on `connection`, inside the caller's transaction.
    func write(on connection: PostgresConnection, logger: Logger) async throws {
        if !needsStandby {
            // Only this transaction's commit; with no standby configured it changes nothing.
            try await connection.query("SET LOCAL synchronous_commit = local", logger: logger)
        }
        if !intents.isEmpty { try await writeIntents(on: connection, logger: logger) }
        if !endings.isEmpty { try await writeEndings(on: connection, logger: logger) }
        if !cancels.isEmpty { try await writeCancels(on: connection, logger: logger) }
        if !holds.isEmpty { try await writeHolds(on: connection, logger: logger) }
        if !purchases.isEmpty { try await writePurchases(on: connection, logger: logger) }
    }

    private func writeIntents(on connection: PostgresConnection, logger: Logger) async throws {
        let all = intents.map(\.intent)
        let bookings = all.map(\.booking)
        let written = try await connection.keys(InsertIntents(values:
            all.map(\.id), all.map(\.userID), all.map(\.holdID), bookings.map(\.showtimeID), bookings.map(\.code),
            bookings.map(\.subtotalCents), bookings.map(\.feesCents), bookings.map(\.taxCents), bookings.map(\.totalCents),
            bookings.map(\.cardBrand), bookings.map(\.cardLastFour), bookings.map { IntentTickets.encode($0.tickets) },
            all.map { $0.key?.key ?? "" }, all.map { $0.key?.requestDigest ?? "" }, all.map(\.createdAt), all.map(\.settleAfter)
        ), logger: logger)
        if let refused = Self.first(of: intents, keyedBy: \.intent.id, short: written) {
            // A conflict on the user's key is the expected one; a random id or code colliding is not.
            throw SeatLedgerFailure(request: refused.request, cause: refused.intent.key != nil
                ? PaymentIntentKeyInUse.error(refused.intent)
                : BoxOfficeError.internalError("payment intent \(refused.intent.id) collides with another"))
        }
    }

    private func writeEndings(on connection: PostgresConnection, logger: Logger) async throws {
        let ids = endings.map(\.holdID)
        let ended = try await connection.keys(EndHolds(values: ids, endings.map(\.state.rawValue)), logger: logger)
        if let refused = Self.first(of: endings, keyedBy: \.holdID, short: ended) {
            throw SeatLedgerFailure(request: refused.request,
                                    cause: BoxOfficeError.internalError("hold \(refused.holdID) to end is not live in the store"))
        }
        try await connection.run(FreeHoldClaims(values: ids), logger: logger)
    }

    private func writeCancels(on connection: PostgresConnection, logger: Logger) async throws {
        let codes = cancels.map(\.code)
        let cancelled = try await connection.keys(CancelBookings(values: codes, cancels.map(\.at), cancels.map(\.refundedCents)),
                                                  logger: logger)
        if let refused = Self.first(of: cancels, keyedBy: \.code, short: cancelled) {
            throw SeatLedgerFailure(request: refused.request,
                                    cause: BoxOfficeError.internalError("booking \(refused.code) is not confirmed in the store"))
        }
        try await connection.run(FreeBookingClaims(values: codes), logger: logger)
    }

    private func writeHolds(on connection: PostgresConnection, logger: Logger) async throws {
        let written = try await connection.keys(InsertHolds(values:
            holds.map(\.id), holds.map(\.userID), holds.map(\.showtimeID), holds.map { $0.seats.map(String.init).joined(separator: ",") },
            holds.map(\.expiresAt)
        ), logger: logger)
        if let refused = Self.first(of: holds, keyedBy: \.id, short: written) {
            throw SeatLedgerFailure(request: refused.request, cause: SeatClaimLoss.holdExists(holdID: refused.id))
        }
        // One statement for every seat of every hold. A seat whose claim had expired at its hold's
        // instant is taken over in it; one claimed by a live hold or a booking is not, and its
        // hold comes back short.
        let seats = holds.flatMap { hold in hold.seats.map { (hold, $0) } }
        let claimed = try await connection.keys(ClaimSeats(values:
            seats.map(\.0.showtimeID), seats.map { Int32($0.1) }, seats.map(\.0.id), seats.map(\.0.expiresAt), seats.map(\.0.now)
        ), logger: logger)
        if let refused = Self.first(of: holds, keyedBy: \.id, expecting: \.seats.count, short: claimed) {
            let got = claimed.count { $0 == refused.id }
            throw SeatLedgerFailure(request: refused.request,
                                    cause: SeatClaimLoss.taken(holdID: refused.id, refused: refused.seats.count - got, of: refused.seats.count))
        }
    }

    private func writePurchases(on connection: PostgresConnection, logger: Logger) async throws {
        let settling = purchases.filter { $0.intentID != nil }
        if !settling.isEmpty {
            let settled = try await connection.keys(SettleIntents(values: settling.map { $0.intentID! }), logger: logger)
            if let refused = Self.first(of: settling, keyedBy: { $0.intentID! }, short: settled) {
                throw SeatLedgerFailure(request: refused.request, cause: PaymentIntentSettled(intentID: refused.intentID!))
            }
        }
        let bookings = purchases.map(\.booking)
        let booked = try await connection.keys(InsertBookings(values:
            bookings.map(\.code), bookings.map(\.userID), bookings.map(\.showtimeID), bookings.map(\.subtotalCents),
            bookings.map(\.feesCents), bookings.map(\.taxCents), bookings.map(\.totalCents), bookings.map(\.cardBrand),
            bookings.map(\.cardLastFour), bookings.map(\.processorReference), bookings.map(\.createdAt)
        ), logger: logger)
        if let refused = Self.first(of: purchases, keyedBy: \.booking.code, short: booked) {
            throw SeatLedgerFailure(request: refused.request,
                                    cause: BoxOfficeError.internalError("confirmation code \(refused.booking.code) is already used"))
        }
        let tickets = bookings.flatMap { booking in booking.tickets.map { (booking.code, $0) } }
        try await connection.run(InsertTickets(values:
            tickets.map(\.0), tickets.map { Int32($0.1.seatIndex) }, tickets.map(\.1.seatLabel), tickets.map(\.1.type.rawValue),
            tickets.map(\.1.priceCents)
        ), logger: logger)
        let keyed = purchases.filter { $0.key != nil }
        if !keyed.isEmpty {
            let keys = keyed.map { $0.key! }
            try await connection.run(RecordKeys(values:
                keys.map(\.userID), keys.map(\.key), keys.map(\.requestDigest), keyed.map(\.booking.code), keys.map(\.usedAt)
            ), logger: logger)
        }
        // A claim moves only while its hold is live at the purchase's instant: a hold that expired
        // and lost seats to another comes back short.
        let moved = try await connection.keys(MoveClaimsToBookings(values:
            purchases.map(\.holdID), bookings.map(\.code), purchases.map(\.now)
        ), logger: logger)
        if let refused = Self.first(of: purchases, keyedBy: \.holdID, expecting: \.seatCount, short: moved) {
            let got = moved.count { $0 == refused.holdID }
            throw SeatLedgerFailure(request: refused.request,
                                    cause: SeatClaimLoss.error(holdID: refused.holdID, claimed: got, of: refused.seatCount))
        }
        let purchased = try await connection.keys(PurchaseHolds(values: purchases.map(\.holdID)), logger: logger)
        if let refused = Self.first(of: purchases, keyedBy: \.holdID, short: purchased) {
            throw SeatLedgerFailure(request: refused.request,
                                    cause: BoxOfficeError.internalError("hold \(refused.holdID) is not live in the store"))
        }
    }

    /// The first item (in request order) that `returned` has fewer than `expecting` keys for.
    private static func first<Item>(of items: [Item], keyedBy key: (Item) -> String, expecting: (Item) -> Int = { _ in 1 },
                                    short returned: [String]) -> Item? {
        var counts: [String: Int] = [:]
        for key in returned { counts[key, default: 0] += 1 }
        return items.first { counts[key($0), default: 0] < expecting($0) }
    }
}

// MARK: The statements

private struct InsertIntents: PostgresKeysStatement {
    let bindings: PostgresBindings
    // Empty key and digest text stand for none: postgres-nio binds no arrays with NULLs.
    static let sql = """
        INSERT INTO payment_intents (id, user_id, hold_id, showtime_id, booking_code, subtotal_cents, fees_cents, tax_cents,
                                     total_cents, card_brand, card_last4, tickets, idempotency_key, request_digest,
                                     created_at, settle_after)
        SELECT id, user_id, hold_id, showtime_id, booking_code, subtotal_cents, fees_cents, tax_cents, total_cents, card_brand,
               card_last4, tickets, nullif(idempotency_key, ''), nullif(request_digest, ''), created_at, settle_after
        FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::text[], $6::int8[], $7::int8[], $8::int8[], $9::int8[],
                    $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int8[], $16::int8[])
          AS i(id, user_id, hold_id, showtime_id, booking_code, subtotal_cents, fees_cents, tax_cents, total_cents, card_brand,
               card_last4, tickets, idempotency_key, request_digest, created_at, settle_after)
        ON CONFLICT DO NOTHING
        RETURNING id
        """
}

private struct EndHolds: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = """
        UPDATE holds SET state = e.state FROM unnest($1::text[], $2::text[]) AS e(id, state)
        WHERE holds.id = e.id AND holds.state = 'live'
        RETURNING holds.id
        """
}

private struct FreeHoldClaims: PostgresCommandStatement {
    let bindings: PostgresBindings
    static let sql = "DELETE FROM seat_claims WHERE hold_id = ANY($1::text[])"
}

private struct CancelBookings: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = """
        UPDATE bookings SET state = 'cancelled', cancelled_at = c.at, refunded_cents = c.refunded
        FROM unnest($1::text[], $2::int8[], $3::int8[]) AS c(code, at, refunded)
        WHERE bookings.code = c.code AND bookings.state = 'confirmed'
        RETURNING bookings.code
        """
}

private struct FreeBookingClaims: PostgresCommandStatement {
    let bindings: PostgresBindings
    static let sql = "DELETE FROM seat_claims WHERE booking_code = ANY($1::text[])"
}

private struct InsertHolds: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = """
        INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state)
        SELECT id, user_id, showtime_id, seats, expires_at, 'live'
        FROM unnest($1::text[], $2::int8[], $3::int8[], $4::text[], $5::int8[]) AS h(id, user_id, showtime_id, seats, expires_at)
        ON CONFLICT DO NOTHING
        RETURNING id
        """
}

/// Each seat row carries its hold's instant: a claim is taken over only if it had expired at the
/// instant the allocator decided that hold, as when each hold was its own statement.
private struct ClaimSeats: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = """
        WITH wanted AS (
            SELECT * FROM unnest($1::int8[], $2::int4[], $3::text[], $4::int8[], $5::int8[])
              AS w(showtime_id, seat_index, hold_id, expires_at, decided_at))
        INSERT INTO seat_claims (showtime_id, seat_index, hold_id, expires_at)
        SELECT showtime_id, seat_index, hold_id, expires_at FROM wanted
        ON CONFLICT (showtime_id, seat_index) DO UPDATE SET hold_id = excluded.hold_id, expires_at = excluded.expires_at
        WHERE seat_claims.booking_code IS NULL
          AND seat_claims.expires_at <= (SELECT w.decided_at FROM wanted w WHERE w.hold_id = excluded.hold_id LIMIT 1)
        RETURNING hold_id
        """
}

private struct SettleIntents: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = "DELETE FROM payment_intents WHERE id = ANY($1::text[]) RETURNING id"
}

private struct InsertBookings: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = """
        INSERT INTO bookings (code, user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents,
                              card_brand, card_last4, processor_ref, created_at)
        SELECT code, user_id, showtime_id, 'confirmed', subtotal_cents, fees_cents, tax_cents, total_cents, card_brand, card_last4,
               processor_ref, created_at
        FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::text[], $9::text[],
                    $10::text[], $11::int8[])
          AS b(code, user_id, showtime_id, subtotal_cents, fees_cents, tax_cents, total_cents, card_brand, card_last4,
               processor_ref, created_at)
        ON CONFLICT DO NOTHING
        RETURNING code
        """
}

private struct InsertTickets: PostgresCommandStatement {
    let bindings: PostgresBindings
    static let sql = """
        INSERT INTO tickets (booking_code, seat_index, seat_label, ticket_type, price_cents)
        SELECT * FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::int8[])
        """
}

private struct RecordKeys: PostgresCommandStatement {
    let bindings: PostgresBindings
    static let sql = """
        INSERT INTO idempotency_keys (user_id, key, request_digest, booking_code, created_at)
        SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::int8[])
        ON CONFLICT (user_id, key) DO UPDATE SET request_digest = excluded.request_digest,
            booking_code = excluded.booking_code, created_at = excluded.created_at
        """
}

private struct MoveClaimsToBookings: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = """
        UPDATE seat_claims c SET hold_id = NULL, expires_at = NULL, booking_code = p.code
        FROM unnest($1::text[], $2::text[], $3::int8[]) AS p(hold_id, code, decided_at)
        WHERE c.hold_id = p.hold_id AND c.expires_at > p.decided_at
        RETURNING p.hold_id
        """
}

private struct PurchaseHolds: PostgresKeysStatement {
    let bindings: PostgresBindings
    static let sql = "UPDATE holds SET state = 'purchased' WHERE id = ANY($1::text[]) AND state = 'live' RETURNING id"
}
