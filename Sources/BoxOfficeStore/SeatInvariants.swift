import GRDB

/// The promises a ticketing store keeps, checked in the database itself: no seat in two confirmed
/// bookings or two claims; each confirmed booking stored exactly once and confirmed; in each
/// showtime, claims within capacity and every ticket still claiming its seat; no hold long expired
/// still claiming a seat. One function, used by the crash tests and by the soak tool's
/// `--database` check.
public enum SeatInvariants {
    /// What to check beyond the whole-database rules.
    public struct Scope: Sendable {
        /// Showtimes whose claims are compared with capacity and tickets; nil checks every showtime.
        public var showtimes: Set<Int64>?
        /// Booking codes some client saw confirmed: each must be stored once, confirmed.
        public var confirmedCodes: [String]
        /// Unix ms: a live hold that expired before this instant must no longer claim seats (the
        /// reaper ends holds within seconds); nil skips the check.
        public var staleHoldsBefore: Int64?

        public init(showtimes: Set<Int64>? = nil, confirmedCodes: [String] = [], staleHoldsBefore: Int64? = nil) {
            self.showtimes = showtimes
            self.confirmedCodes = confirmedCodes
            self.staleHoldsBefore = staleHoldsBefore
        }
    }

    /// Each broken promise in words, the same from this check and from PostgreSQL's
    /// (`PostgresSeatInvariants`), so that a report reads alike whichever store the server used.
    public enum Broken {
        public static func seatInTwoBookings(showtime: Int64, seat: String, codes: String) -> String {
            "showtime \(showtime) seat \(seat) is in bookings \(codes) (database)"
        }

        public static func confirmedBookingStored(code: String, times: Int) -> String {
            "confirmed booking \(code) is stored \(times) times (database)"
        }

        public static func claimsOverCapacity(showtime: Int64, claimed: Int, capacity: Int) -> String {
            "showtime \(showtime) has \(claimed) claimed seats, more than its \(capacity) (database)"
        }

        public static func ticketsUnlikeClaims(showtime: Int64, tickets: Int, bookedClaims: Int) -> String {
            "showtime \(showtime): \(tickets) tickets but \(bookedClaims) seats claimed by bookings (database)"
        }

        /// `seats`: the seat indices, comma-separated.
        public static func staleHoldsClaim(showtime: Int64, seats: String) -> String {
            "showtime \(showtime): seats \(seats) (indices) still claimed by holds that expired long ago"
        }
    }

    /// Opens the file at `path` read-only (safe while a server writes it) and checks it.
    public static func check(databaseAt path: String, scope: Scope) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration).read { try check(in: $0, scope: scope) }
    }

    /// Each broken promise, naming the seats, bookings or showtimes involved; empty when all hold.
    static func check(in db: Database, scope: Scope) throws -> [String] {
        var failures: [String] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT b.showtime_id, t.seat_label, group_concat(b.code) AS codes FROM tickets t JOIN bookings b ON b.code = t.booking_code
            WHERE b.state = 'confirmed' GROUP BY b.showtime_id, t.seat_index HAVING count(*) > 1
            """) {
            failures.append(Broken.seatInTwoBookings(showtime: row["showtime_id"], seat: row["seat_label"], codes: row["codes"]))
        }
        for code in scope.confirmedCodes {
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM bookings WHERE code = ? AND state = 'confirmed'",
                                         arguments: [code]) ?? 0
            if count != 1 { failures.append(Broken.confirmedBookingStored(code: code, times: count)) }
        }
        let showtimes = try scope.showtimes.map { $0.sorted() }
            ?? Int64.fetchAll(db, sql: "SELECT DISTINCT showtime_id FROM seat_claims ORDER BY 1")
        for showtime in showtimes {
            let capacity = try Int.fetchOne(db, sql: """
                SELECT sc.capacity FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = ?
                """, arguments: [showtime]) ?? 0
            let claimed = try Int.fetchOne(db, sql: "SELECT count(*) FROM seat_claims WHERE showtime_id = ?", arguments: [showtime]) ?? 0
            if claimed > capacity { failures.append(Broken.claimsOverCapacity(showtime: showtime, claimed: claimed, capacity: capacity)) }
            let tickets = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM tickets t JOIN bookings b ON b.code = t.booking_code WHERE b.showtime_id = ? AND b.state = 'confirmed'
                """, arguments: [showtime]) ?? 0
            let bookedClaims = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM seat_claims WHERE showtime_id = ? AND booking_code IS NOT NULL
                """, arguments: [showtime]) ?? 0
            if tickets != bookedClaims {
                failures.append(Broken.ticketsUnlikeClaims(showtime: showtime, tickets: tickets, bookedClaims: bookedClaims))
            }
        }
        if let staleBefore = scope.staleHoldsBefore {
            for row in try Row.fetchAll(db, sql: """
                SELECT c.showtime_id, group_concat(c.seat_index) AS seats FROM seat_claims c JOIN holds h ON h.id = c.hold_id
                WHERE h.state = 'live' AND h.expires_at < ? GROUP BY c.showtime_id
                """, arguments: [staleBefore]) {
                failures.append(Broken.staleHoldsClaim(showtime: row["showtime_id"], seats: row["seats"]))
            }
        }
        return failures
    }
}
