import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// The opening-night crush: every user races for the seats of one showtime the moment it opens.
/// Each user holds the best two standard seats, or when those are gone the best two premium ones,
/// and buys them at once; a user told both are gone (ALREADY_EXISTS) stops. Wheelchair places and
/// their companion seats are left for those who need them. Afterwards the showtime must have sold exactly what the buyers saw
/// confirmed, never more than its capacity, and no seat twice.
struct HotShowWorkload: Sendable {
    struct Outcome: Sendable {
        var confirmed: [(code: String, seats: [String], token: String)] = []
        var result = WorkerResult()
    }

    let showtime: Boxoffice_V1_Showtime
    let tokens: [String]

    /// Signs up `users` buyers (spread over the clients) and picks the showtime nearest to 300 seats
    /// near New York that has sold nothing yet, on the catalogue's last day: in the server's future
    /// whatever its clock says.
    static func prepare(clients: [BoxOfficeClient], users: Int) async throws -> HotShowWorkload {
        let lastDay = try await clients[0].getInfo().catalogue.lastDate
        let shows = try await clients[0].searchShowtimes(.with {
            $0.near = .with { $0.zip = "10001" }
            $0.date = lastDay
            $0.pageSize = 100
        })
        guard let showtime = shows.showtimes.filter({ $0.seatsLeft == $0.capacity })
            .min(by: { abs(Int($0.capacity) - 300) < abs(Int($1.capacity) - 300) })
        else { throw BoxOfficeClientSetupError(message: "no untouched showtime near 10001 on \(lastDay)") }
        let run = UInt64(Date().timeIntervalSince1970 * 1000)
        let tokens = try await withThrowingTaskGroup(of: [String].self) { group in
            for (lane, client) in clients.enumerated() {
                group.addTask {
                    var tokens: [String] = []
                    for user in stride(from: lane, to: users, by: clients.count) {
                        tokens.append(try await client.signUp(.with {
                            $0.email = "hot-\(run)-\(user)@example.com"; $0.name = "Fan \(user)"; $0.password = "opening night \(run)"
                        }).token)
                    }
                    return tokens
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        return HotShowWorkload(showtime: showtime, tokens: tokens)
    }

    /// Every user at once: hold two seats, buy them.
    func run(clients: [BoxOfficeClient]) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            for (index, token) in tokens.enumerated() {
                let client = clients[index % clients.count]
                group.addTask {
                    var outcome = Outcome()
                    let began = ContinuousClock.now
                    var hold = Boxoffice_V1_Response()
                    for kind in [Boxoffice_V1_SeatKind.standard, .premium] {
                        hold = try await client.send(.holdSeats(.with {
                            $0.showtimeID = showtime.id
                            $0.bestAvailable = .with { $0.count = 2; $0.kind = kind }
                        }), options: .init(authToken: token))
                        if hold.status.code != .alreadyExists { break }
                    }
                    outcome.result.record("HoldSeats", since: began, status: hold.status.code)
                    guard case .holdSeats(let held) = hold.result else { return outcome }
                    let paying = ContinuousClock.now
                    let purchase = try await client.send(.purchase(PurchaseWorkload.purchase(held.holdID)), options: .init(idempotencyKey: held.holdID, authToken: token))
                    outcome.result.record("Purchase", since: paying, status: purchase.status.code)
                    if case .purchase(let booking) = purchase.result {
                        outcome.confirmed.append((booking.code, booking.tickets.map(\.seat), token))
                        outcome.result.record("buyer (hold + purchase)", since: began, status: .ok)
                    }
                    return outcome
                }
            }
            var total = Outcome()
            for try await part in group {
                total.confirmed += part.confirmed
                total.result.merge(part.result)
            }
            return total
        }
    }
}
