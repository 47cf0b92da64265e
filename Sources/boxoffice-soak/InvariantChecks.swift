import BoxOfficeClient
import BoxOfficeProto
import Foundation
import GRDB

/// After a run: what the server says must agree with what the buyers saw. Each failure names the
/// seats or bookings involved.
enum InvariantChecks {
    /// Through the API: every booking a buyer saw confirmed exists exactly as confirmed; no seat is in
    /// two of them; the seat map's sold + held + available is the capacity, and sold covers them all.
    static func check(showtime: Boxoffice_V1_Showtime, confirmed: [(code: String, seats: [String], token: String)],
                      client: BoxOfficeClient) async throws -> [String] {
        var failures: [String] = []
        var owners: [String: String] = [:]
        for booking in confirmed {
            for seat in booking.seats {
                if let other = owners[seat] { failures.append("seat \(seat) is in bookings \(other) and \(booking.code)") }
                owners[seat] = booking.code
            }
            let stored = try await client.send(.getBooking(.with { $0.code = booking.code }), options: .init(authToken: booking.token))
            guard case .getBooking(let found) = stored.result else {
                failures.append("booking \(booking.code) was confirmed but GetBooking answers \(stored.status.code)")
                continue
            }
            if found.state != .confirmed || found.tickets.map(\.seat) != booking.seats {
                failures.append("booking \(booking.code) changed: \(found.state), seats \(found.tickets.map(\.seat))")
            }
        }
        let map = try await client.seatMap(.with { $0.showtimeID = showtime.id })
        if Int(map.sold + map.held + map.available) != Int(showtime.capacity) {
            failures.append("showtime \(showtime.id): sold \(map.sold) + held \(map.held) + available \(map.available) is not its capacity \(showtime.capacity)")
        }
        let soldSeats = Set(map.screen.rows.flatMap(\.seats).filter { $0.state == .sold }.map(\.label))
        let bought = Set(owners.keys)
        if !bought.isSubset(of: soldSeats) {
            failures.append("seats bought but not shown sold: \(bought.subtracting(soldSeats).sorted().joined(separator: ","))")
        }
        if soldSeats.count > bought.count {
            failures.append("seats sold to nobody the run saw confirmed: \(soldSeats.subtracting(bought).sorted().joined(separator: ","))")
        }
        return failures
    }
}

extension InvariantChecks {
    /// In the SQLite file itself (`--database`), read-only while the server runs: no seat of the
    /// showtime in two confirmed bookings; each confirmed code stored exactly once and confirmed;
    /// taken seats within capacity and every ticket still claiming its seat; no hold expired more
    /// than the reaper's few seconds ago still claiming a seat.
    static func checkDatabase(path: String, showtimeID: Int64, confirmedCodes: [String]) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            var failures: [String] = []
            let doubled = try Row.fetchAll(db, sql: """
                SELECT t.seat_label, group_concat(b.code) FROM tickets t JOIN bookings b ON b.code = t.booking_code
                WHERE b.showtime_id = ? AND b.state = 'confirmed' GROUP BY t.seat_index HAVING count(*) > 1
                """, arguments: [showtimeID])
            for row in doubled {
                failures.append("seat \(row[0] as String) is in bookings \(row[1] as String) (database)")
            }
            for code in confirmedCodes {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM bookings WHERE code = ? AND state = 'confirmed'",
                                             arguments: [code]) ?? 0
                if count != 1 { failures.append("confirmed booking \(code) is stored \(count) times (database)") }
            }
            let capacity = try Int.fetchOne(db, sql: """
                SELECT sc.capacity FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = ?
                """, arguments: [showtimeID]) ?? 0
            let claimed = try Int.fetchOne(db, sql: "SELECT count(*) FROM seat_claims WHERE showtime_id = ?", arguments: [showtimeID]) ?? 0
            if claimed > capacity { failures.append("showtime \(showtimeID) has \(claimed) claimed seats, more than its \(capacity)") }
            let tickets = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM tickets t JOIN bookings b ON b.code = t.booking_code WHERE b.showtime_id = ? AND b.state = 'confirmed'
                """, arguments: [showtimeID]) ?? 0
            let bookedClaims = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM seat_claims WHERE showtime_id = ? AND booking_code IS NOT NULL
                """, arguments: [showtimeID]) ?? 0
            if tickets != bookedClaims {
                failures.append("showtime \(showtimeID): \(tickets) tickets but \(bookedClaims) seats claimed by bookings")
            }
            let staleBefore = Int64(Date().timeIntervalSince1970 * 1000) - 10_000
            let stale = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM seat_claims c JOIN holds h ON h.id = c.hold_id WHERE h.state = 'live' AND h.expires_at < ?
                """, arguments: [staleBefore]) ?? 0
            if stale > 0 { failures.append("\(stale) seats are still claimed by holds that expired over 10 s ago") }
            return failures
        }
    }
}
