import BoxOfficeClient
import BoxOfficeProto
import Foundation

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
