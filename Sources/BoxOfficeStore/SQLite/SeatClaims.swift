import BoxOfficeCore
import GRDB

/// The seat_claims and holds statements of the seat allocator. Each runs inside a transaction the
/// allocator opens for a whole batch of requests; each checks the rows it changed, so a store that
/// disagrees with the allocator's memory fails the batch instead of being papered over.
enum SeatClaims {
    /// The showtime's start, layout, live holds and confirmed bookings, or nil when there is no such showtime.
    static func load(showtimeID: Int64, in db: Database) throws -> StoredShowtimeSeats? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT s.starts_at, sc.layout FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = ?
            """), arguments: [showtimeID])
        else { return nil }
        var holds: [String: StoredShowtimeSeats.StoredHold] = [:]
        var bookings: [String: [Int]] = [:]
        let claims = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT c.seat_index, c.hold_id, h.user_id, h.expires_at, h.seats AS hold_seats, c.booking_code
            FROM seat_claims c LEFT JOIN holds h ON h.id = c.hold_id AND h.state = 'live'
            LEFT JOIN bookings b ON b.code = c.booking_code AND b.state = 'confirmed'
            WHERE c.showtime_id = ? AND (h.id IS NOT NULL OR b.code IS NOT NULL)
            """), arguments: [showtimeID])
        while let claim = try claims.next() {
            let seat: Int = claim["seat_index"]
            if let holdID: String = claim["hold_id"] {
                if holds[holdID] == nil {
                    // The hold row lists its seats in the order they were asked for; the claims are the truth.
                    let order = (claim["hold_seats"] as String).split(separator: ",").compactMap { Int($0) }
                    holds[holdID] = .init(id: holdID, userID: claim["user_id"], seatIndices: [], expiresAt: claim["expires_at"], order: order)
                }
                holds[holdID]!.seatIndices.append(seat)
            } else if let code: String = claim["booking_code"] {
                bookings[code, default: []].append(seat)
            }
        }
        return StoredShowtimeSeats(startsAt: row["starts_at"], layout: try SeatLayout(encoded: row["layout"]),
                                   holds: Array(holds.values), bookings: bookings)
    }

    /// Showtimes with a live hold expired at `now` (unix ms), from the expiry index; at most `limit`.
    static func showtimesWithExpiredHolds(now: Int64, limit: Int, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT showtime_id FROM holds WHERE state = 'live' AND expires_at <= ? LIMIT ?
            """, arguments: [now, limit])
    }

    /// The showtimes of `userID`'s holds that are live at `now` (unix ms), from the user's live-hold index.
    static func showtimesWithLiveHolds(userID: Int64, now: Int64, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT showtime_id FROM holds WHERE user_id = ? AND state = 'live' AND expires_at > ?
            """, arguments: [userID, now])
    }

    /// A hold's showtime, owner and state, whatever its state.
    static func storedHold(_ holdID: String, in db: Database) throws -> StoredHoldStatus? {
        guard let row = try Row.fetchOne(db, sql: "SELECT showtime_id, user_id, state FROM holds WHERE id = ?", arguments: [holdID]) else {
            return nil
        }
        let stateText: String = row["state"]
        guard let state = HoldState(rawValue: stateText) else {
            throw BoxOfficeError.internalError("hold \(holdID) has an unknown state \"\(stateText)\"")
        }
        return StoredHoldStatus(showtimeID: row["showtime_id"], userID: row["user_id"], state: state)
    }

    /// The showtime and owner of a booking.
    static func bookingOwner(_ code: String, in db: Database) throws -> (showtimeID: Int64, userID: Int64)? {
        try Row.fetchOne(db, sql: "SELECT showtime_id, user_id FROM bookings WHERE code = ?", arguments: [code])
            .map { (showtimeID: $0["showtime_id"], userID: $0["user_id"]) }
    }

    /// Writes a new live hold and claims its seats until `expiresAt`, taking over any seat whose
    /// claim belongs to a hold expired at `now`; fails if a seat is claimed by a live hold or a booking.
    static func insertHold(id: String, userID: Int64, showtimeID: Int64, seats: [Int], expiresAt: Int64, now: Int64,
                           in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state) VALUES (?, ?, ?, ?, ?, 'live')
            ON CONFLICT (id) DO NOTHING
            """).execute(arguments: [id, userID, showtimeID, seats.map(String.init).joined(separator: ","), expiresAt])
        guard db.changesCount == 1 else { throw SeatClaimLoss.holdExists(holdID: id) }
        // An upsert whose WHERE refuses changes no row: the seat is someone's for now.
        let claim = try db.cachedStatement(sql: """
            INSERT INTO seat_claims (showtime_id, seat_index, hold_id, expires_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (showtime_id, seat_index) DO UPDATE SET hold_id = excluded.hold_id, expires_at = excluded.expires_at
            WHERE seat_claims.booking_code IS NULL AND seat_claims.expires_at <= ?
            """)
        var refused = 0
        for seat in seats {
            try claim.execute(arguments: [showtimeID, seat, id, expiresAt, now])
            if db.changesCount != 1 { refused += 1 }
        }
        guard refused == 0 else { throw SeatClaimLoss.taken(holdID: id, refused: refused, of: seats.count) }
    }

    /// Ends live holds (`state` is released or expired) and frees their seats.
    static func endHolds(_ ids: [String], state: HoldState, in db: Database) throws {
        let end = try db.cachedStatement(sql: "UPDATE holds SET state = ? WHERE id = ? AND state = 'live'")
        let free = try db.cachedStatement(sql: "DELETE FROM seat_claims WHERE hold_id = ?")
        for id in ids {
            try end.execute(arguments: [state.rawValue, id])
            try expect(db.changesCount == 1, "hold \(id) is not live in the store")
            try free.execute(arguments: [id])
        }
    }

    /// Moves the claims of a hold live at `now` to a booking (whose row must already be written) and
    /// marks the hold purchased. A claim another hold took over after this one expired is not moved.
    static func purchaseHold(_ holdID: String, bookingCode: String, seatCount: Int, now: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            UPDATE seat_claims SET hold_id = NULL, expires_at = NULL, booking_code = ? WHERE hold_id = ? AND expires_at > ?
            """).execute(arguments: [bookingCode, holdID, now])
        guard db.changesCount == seatCount else { throw SeatClaimLoss.error(holdID: holdID, claimed: db.changesCount, of: seatCount) }
        try db.cachedStatement(sql: "UPDATE holds SET state = 'purchased' WHERE id = ? AND state = 'live'").execute(arguments: [holdID])
        try expect(db.changesCount == 1, "hold \(holdID) is not live in the store")
    }

    /// Marks a confirmed booking cancelled at `now` (unix ms) and frees its seats.
    static func cancelBooking(_ code: String, now: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE bookings SET state = 'cancelled', cancelled_at = ? WHERE code = ? AND state = 'confirmed'")
            .execute(arguments: [now, code])
        try expect(db.changesCount == 1, "booking \(code) is not confirmed in the store")
        try db.cachedStatement(sql: "DELETE FROM seat_claims WHERE booking_code = ?").execute(arguments: [code])
    }

    /// Makes one allocator decision durable, inside the caller's transaction.
    static func apply(_ change: SeatChange, in db: Database) throws {
        switch change {
        case .hold(let id, let userID, let showtimeID, let seats, let expiresAt, let now):
            try insertHold(id: id, userID: userID, showtimeID: showtimeID, seats: seats, expiresAt: expiresAt, now: now, in: db)
        case .endHolds(let ids, let state):
            try endHolds(ids, state: state, in: db)
        case .purchase(let holdID, let seatCount, let booking, let key, let intentID, let now):
            if let intentID { try PaymentIntentRows.settle(intentID, in: db) }
            try BookingRows.insert(booking, in: db)
            if let key {
                try BookingRows.rememberKey(key.key, userID: key.userID, requestDigest: key.requestDigest, bookingCode: booking.code,
                                            now: key.usedAt, in: db)
            }
            try purchaseHold(holdID, bookingCode: booking.code, seatCount: seatCount, now: now, in: db)
        case .cancel(let code, let at, let refundedCents):
            try BookingRows.recordRefund(code: code, cents: refundedCents, in: db)
            try cancelBooking(code, now: at, in: db)
        case .recordIntent(let intent):
            try PaymentIntentRows.insert(intent, in: db)
        }
    }

    private static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw BoxOfficeError.internalError(message()) }
    }
}
