public import BoxOfficeCore
public import GRDB

/// The taken seats of one showtime as stored: the allocator's starting point when it first meets the showtime.
public struct StoredShowtimeSeats: Sendable {
    /// A live hold's row with the seats its claims hold.
    public struct StoredHold: Sendable {
        public var id: String
        public var userID: Int64
        public var seatIndices: [Int]
        public var expiresAt: Int64
    }

    /// Unix seconds.
    public var startsAt: Int64
    public var layout: SeatLayout
    /// Holds in state 'live', expired or not: their expiry is decided by the reader's clock.
    public var holds: [StoredHold]
    /// Confirmed bookings' seats by booking code.
    public var bookings: [String: [Int]]
}

/// The seat_claims and holds statements of the seat allocator. Each runs inside a transaction the
/// allocator opens for a whole batch of requests; each checks the rows it changed, so a store that
/// disagrees with the allocator's memory fails the batch instead of being papered over.
public enum SeatClaims {
    /// The showtime's start, layout, live holds and confirmed bookings, or nil when there is no such showtime.
    public static func load(showtimeID: Int64, in db: Database) throws -> StoredShowtimeSeats? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT s.starts_at, sc.layout FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = ?
            """, arguments: [showtimeID])
        else { return nil }
        var holds: [String: StoredShowtimeSeats.StoredHold] = [:]
        var bookings: [String: [Int]] = [:]
        let claims = try Row.fetchCursor(db, sql: """
            SELECT c.seat_index, c.hold_id, h.user_id, h.expires_at, c.booking_code
            FROM seat_claims c LEFT JOIN holds h ON h.id = c.hold_id AND h.state = 'live'
            LEFT JOIN bookings b ON b.code = c.booking_code AND b.state = 'confirmed'
            WHERE c.showtime_id = ? AND (h.id IS NOT NULL OR b.code IS NOT NULL)
            """, arguments: [showtimeID])
        while let claim = try claims.next() {
            let seat: Int = claim[0]
            if let holdID: String = claim[1] {
                holds[holdID, default: .init(id: holdID, userID: claim[2], seatIndices: [], expiresAt: claim[3])].seatIndices.append(seat)
            } else if let code: String = claim[4] {
                bookings[code, default: []].append(seat)
            }
        }
        return StoredShowtimeSeats(startsAt: row[0], layout: try SeatLayout(encoded: row[1]),
                                   holds: Array(holds.values), bookings: bookings)
    }

    /// Showtimes with a live hold expired at `now` (unix ms), from the expiry index; at most `limit`.
    public static func showtimesWithExpiredHolds(now: Int64, limit: Int, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT DISTINCT showtime_id FROM holds WHERE state = 'live' AND expires_at <= ? LIMIT ?
            """, arguments: [now, limit])
    }

    /// A hold's showtime, owner and state ('live', 'released', 'expired' or 'purchased'), whatever its state.
    public static func storedHold(_ holdID: String, in db: Database) throws -> (showtimeID: Int64, userID: Int64, state: String)? {
        try Row.fetchOne(db, sql: "SELECT showtime_id, user_id, state FROM holds WHERE id = ?", arguments: [holdID])
            .map { ($0[0], $0[1], $0[2]) }
    }

    /// The showtime and owner of a booking.
    public static func bookingOwner(_ code: String, in db: Database) throws -> (showtimeID: Int64, userID: Int64)? {
        try Row.fetchOne(db, sql: "SELECT showtime_id, user_id FROM bookings WHERE code = ?", arguments: [code])
            .map { ($0[0], $0[1]) }
    }

    /// Writes a new live hold and claims its seats; fails if any seat is already claimed.
    public static func insertHold(id: String, userID: Int64, showtimeID: Int64, seats: [Int], expiresAt: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state) VALUES (?, ?, ?, ?, ?, 'live')")
            .execute(arguments: [id, userID, showtimeID, seats.map(String.init).joined(separator: ","), expiresAt])
        let claim = try db.cachedStatement(sql: "INSERT INTO seat_claims (showtime_id, seat_index, hold_id) VALUES (?, ?, ?)")
        for seat in seats { try claim.execute(arguments: [showtimeID, seat, id]) }
    }

    /// Ends live holds (`state` is 'released' or 'expired') and frees their seats.
    public static func endHolds(_ ids: [String], state: String, in db: Database) throws {
        let end = try db.cachedStatement(sql: "UPDATE holds SET state = ? WHERE id = ? AND state = 'live'")
        let free = try db.cachedStatement(sql: "DELETE FROM seat_claims WHERE hold_id = ?")
        for id in ids {
            try end.execute(arguments: [state, id])
            try expect(db.changesCount == 1, "hold \(id) is not live in the store")
            try free.execute(arguments: [id])
        }
    }

    /// Moves a live hold's claims to a booking (whose row must already be written) and marks the hold purchased.
    public static func purchaseHold(_ holdID: String, bookingCode: String, seatCount: Int, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE seat_claims SET hold_id = NULL, booking_code = ? WHERE hold_id = ?").execute(arguments: [bookingCode, holdID])
        try expect(db.changesCount == seatCount, "hold \(holdID) claims \(db.changesCount) seats in the store, not \(seatCount)")
        try db.cachedStatement(sql: "UPDATE holds SET state = 'purchased' WHERE id = ? AND state = 'live'").execute(arguments: [holdID])
        try expect(db.changesCount == 1, "hold \(holdID) is not live in the store")
    }

    /// Marks a confirmed booking cancelled at `now` (unix ms) and frees its seats.
    public static func cancelBooking(_ code: String, now: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE bookings SET state = 'cancelled', cancelled_at = ? WHERE code = ? AND state = 'confirmed'")
            .execute(arguments: [now, code])
        try expect(db.changesCount == 1, "booking \(code) is not confirmed in the store")
        try db.cachedStatement(sql: "DELETE FROM seat_claims WHERE booking_code = ?").execute(arguments: [code])
    }

    private static func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw BoxOfficeError.internalError(message()) }
    }
}
