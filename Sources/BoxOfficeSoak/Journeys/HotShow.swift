import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// The opening-night crush: every user races for the seats of one showtime the moment it opens.
/// Each user holds the best two standard seats, or when those are gone the best two premium ones,
/// and buys them at once; a user told both are gone (ALREADY_EXISTS) stops. Wheelchair places and
/// their companion seats are left for those who need them.
enum HotShow {
    /// The showtime nearest to 300 seats near New York that has sold nothing yet, on `lastDay`
    /// (the run's sale date: the catalogue's last day, in the server's future whatever its clock says).
    static func pickShowtime(client: BoxOfficeConnection, lastDay: String) async throws -> Boxoffice_V1_Showtime {
        let shows = try await client.searchShowtimes(.with {
            $0.near = .with { $0.zip = "10001" }
            $0.date = lastDay
            $0.pageSize = 100
        })
        guard let showtime = shows.showtimes.filter({ $0.seatsLeft == $0.capacity })
            .min(by: { abs(Int($0.capacity) - 300) < abs(Int($1.capacity) - 300) })
        else { throw SoakSetupError("no untouched showtime near 10001 on \(lastDay)") }
        return showtime
    }

    /// One buyer's race: hold two seats, buy them. True when the server answered the hold (with
    /// seats or with "taken"), false when the buyer got no answer at all.
    static func race(_ user: inout VirtualUser, showtime: Int64) async throws -> Bool {
        var hold = Boxoffice_V1_Response()
        for kind in [Boxoffice_V1_SeatKind.standard, .premium] {
            hold = try await user.send(.holdSeats(.with {
                $0.showtimeID = showtime
                $0.bestAvailable = .with { $0.count = 2; $0.kind = kind }
            }), idempotencyKey: user.newKey())
            if hold.status.code != .alreadyExists { break }
        }
        if case .holdSeats(let held) = hold.result {
            user.count(.held)
            user.touch(showtime: showtime)
            try await PeopleJourneys.purchase(held, showtime: showtime, &user)
        }
        return ![.unavailable, .deadlineExceeded, .cancelled].contains(hold.status.code)
    }
}
