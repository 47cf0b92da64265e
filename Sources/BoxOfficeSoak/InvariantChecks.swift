import BoxOfficeClient
import BoxOfficeProto
import Foundation
import BoxOfficeCore
import BoxOfficePostgres
import BoxOfficeStore

/// After a run, what the server says must agree with what the users saw. Each broken invariant
/// names the seats, bookings or showtimes involved.
struct InvariantChecks {
    var checked: [String] = []
    var broken: [String] = []

    /// Through the API: no seat in two confirmed bookings; every booking the run saw confirmed is
    /// found, confirmed, with the same seats; every showtime touched has sold + held + available
    /// equal to its seats, with every confirmed seat sold. With `freshShowtime` (a showtime only
    /// this run sold), sold is exactly what the run saw confirmed, and no hold is left in it: every
    /// buyer of a hot show buys what they held, so a hold still there is one whose answer was lost
    /// and whose retry held other seats (its seats unsellable until it expires).
    mutating func checkThroughAPI(confirmed: [ConfirmedBooking], touched: Set<Int64>, server: ServerAddress,
                                  freshShowtime: Int64? = nil) async throws {
        checked.append("no seat in two bookings, \(confirmed.count) confirmed bookings found as confirmed, "
                       + "sold + held + free = capacity in \(touched.count) showtimes"
                       + (freshShowtime == nil ? "" : ", no hold left behind"))
        var seatOwners: [Int64: [String: String]] = [:]
        for booking in confirmed {
            for seat in booking.seats {
                if let other = seatOwners[booking.showtimeID]?[seat] {
                    broken.append("showtime \(booking.showtimeID) seat \(seat) is in bookings \(other) and \(booking.code)")
                }
                seatOwners[booking.showtimeID, default: [:]][seat] = booking.code
            }
        }
        let owners = seatOwners
        broken += try await Self.concurrently(confirmed, server: server) { client, booking in
            let stored = try await client.sendPatiently(.getBooking(.with { $0.code = booking.code }), token: booking.token)
            guard case .getBooking(let found) = stored.result else {
                return ["booking \(booking.code) was confirmed but GetBooking answers \(stored.status.code): \(stored.status.message)"]
            }
            if found.state != .confirmed || found.tickets.map(\.seat) != booking.seats {
                return ["booking \(booking.code) changed: \(found.state), seats \(found.tickets.map(\.seat)) not \(booking.seats)"]
            }
            return []
        }
        broken += try await Self.concurrently(touched.sorted(), server: server) { client, showtime in
            let answer = try await client.sendPatiently(.getSeatMap(.with { $0.showtimeID = showtime }))
            guard case .getSeatMap(let map) = answer.result else {
                return ["showtime \(showtime): GetSeatMap answers \(answer.status.code): \(answer.status.message)"]
            }
            var failures: [String] = []
            let seats = map.screen.rows.flatMap(\.seats)
            if Int(map.sold + map.held + map.available) != seats.count {
                failures.append("showtime \(showtime): sold \(map.sold) + held \(map.held) + available \(map.available) is not its \(seats.count) seats")
            }
            let sold = Set(seats.filter { $0.state == .sold }.map(\.label))
            let bought = Set((owners[showtime] ?? [:]).keys)
            if !bought.isSubset(of: sold) {
                failures.append("showtime \(showtime): seats bought but not shown sold: \(bought.subtracting(sold).sorted().joined(separator: ","))")
            }
            if showtime == freshShowtime, sold.count > bought.count {
                failures.append("showtime \(showtime): seats sold to nobody the run saw confirmed: \(sold.subtracting(bought).sorted().joined(separator: ","))")
            }
            if showtime == freshShowtime, map.held > 0 {
                let held = seats.filter { $0.state == .held }.map(\.label)
                failures.append("showtime \(showtime): \(held.count) seats still held after every buyer bought what they held: \(held.joined(separator: ","))")
            }
            return failures
        }
    }

    /// Runs `check` over `items` on 8 connections at a time, each used for at most 20 items and
    /// from its own address, so a guarded server's per-address limits and scraping sign stay quiet.
    private static func concurrently<Item: Sendable>(
        _ items: [Item], server: ServerAddress, check: @escaping @Sendable (BoxOfficeConnection, Item) async throws -> [String]
    ) async throws -> [String] {
        try await server.onFreshConnections(items, perConnection: 20, width: 8) { client, chunk in
            var failures: [String] = []
            for item in chunk { failures += try await check(client, item) }
            return failures
        }
    }

    /// In the server's database itself (`--database`), its SQLite file or its PostgreSQL database,
    /// read-only while the server runs, by the store's own invariant check.
    mutating func checkDatabase(_ database: ServerDatabase, touched: Set<Int64>, confirmedCodes: [String]) async throws {
        switch database {
        case .sqlite(let path):
            try checkDatabase(path: path, touched: touched, confirmedCodes: confirmedCodes)
        case .postgres(let url):
            checked.append("checked in the database too")
            broken += try await PostgresSeatInvariants.check(databaseAt: url, scope: Self.databaseScope(touched, confirmedCodes))
        }
    }

    /// In the SQLite file itself, read-only while the server runs, by the store's own invariant check.
    mutating func checkDatabase(path: String, touched: Set<Int64>, confirmedCodes: [String]) throws {
        checked.append("checked in the database too")
        broken += try SeatInvariants.check(databaseAt: path, scope: Self.databaseScope(touched, confirmedCodes))
    }

    /// The showtimes the run touched and the bookings it saw confirmed; a hold expired more than the
    /// reaper's few seconds ago must not claim a seat.
    private static func databaseScope(_ touched: Set<Int64>, _ confirmedCodes: [String]) -> SeatInvariants.Scope {
        .init(showtimes: touched, confirmedCodes: confirmedCodes, staleHoldsBefore: Milliseconds.sinceEpoch(Date()) - 10_000)
    }
}
