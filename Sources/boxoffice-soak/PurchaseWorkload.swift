import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// Buyers who hold the best two seats of a showtime and buy them at once: every iteration is one
/// durable booking (two allocator transactions: the hold, then the purchase).
///
/// The buyers spread over a working set of showtimes opened (their seat maps read) before the run,
/// as at a box office where tonight's shows are already on sale: the run measures selling seats,
/// not a server's first look at thousands of showtimes.
struct PurchaseWorkload: Sendable {
    /// Accounts to buy with; lanes share them round-robin (sign-up is deliberately slow).
    static let accounts = 16
    /// Showtimes the buyers spread over: about 300,000 seats in the demo catalogue.
    static let workingSet = 2_000

    var tokens: [String]
    var showtimeIDs: [Int64]

    /// Signs up the buyers and finds showtimes that start at least 30 minutes from now.
    static func prepare(client: BoxOfficeClient) async throws -> PurchaseWorkload {
        let run = UInt64(Date().timeIntervalSince1970 * 1000)
        var tokens: [String] = []
        for index in 0..<accounts {
            tokens.append(try await client.signUp(.with {
                $0.email = "soak-\(run)-\(index)@example.com"
                $0.name = "Soak buyer \(index)"
                $0.password = "soak password \(run)"
            }).token)
        }
        let soon = Int64(Date().timeIntervalSince1970 * 1000) + 30 * 60 * 1000
        var showtimeIDs: [Int64] = []
        for zip in SearchWorkload.zips {
            let theatres = try? await client.searchTheatres(.with { $0.near = .with { $0.zip = zip }; $0.pageSize = 100 })
            for theatre in theatres?.theatres ?? [] {
                var token = ""
                repeat {
                    guard let page = try? await client.searchShowtimes(.with {
                        $0.theatreID = theatre.theatre.id; $0.pageSize = 100; $0.pageToken = token
                    }) else { break }
                    showtimeIDs += page.showtimes.filter { $0.startsAtMs > soon }.map(\.id)
                    token = page.nextPageToken
                } while !token.isEmpty
            }
        }
        showtimeIDs = Array(Array(Set(showtimeIDs)).sorted().prefix(workingSet))
        guard !showtimeIDs.isEmpty else {
            throw BoxOfficeClientSetupError(message: "the server has no showtimes starting in the next days near the workload's ZIP codes")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: showtimeIDs.count, by: 100) {
                let ids = showtimeIDs[chunk..<min(chunk + 100, showtimeIDs.count)]
                group.addTask { for id in ids { _ = try await client.seatMap(.with { $0.showtimeID = id }) } }
            }
            try await group.waitForAll()
        }
        return PurchaseWorkload(tokens: tokens, showtimeIDs: showtimeIDs)
    }

    /// One booking: hold two seats, then buy them with the approved test card.
    func book(client: BoxOfficeClient, lane: Int, round: Int, into result: inout WorkerResult) async throws {
        let token = tokens[lane % tokens.count]
        // Lanes sharing an account walk different showtimes, so one account never has two holds on one.
        let showtime = showtimeIDs[(lane + round * 7919) % showtimeIDs.count]
        let began = ContinuousClock.now
        let hold = try await client.send(.holdSeats(.with {
            $0.showtimeID = showtime
            $0.bestAvailable = .with { $0.count = 2 }
        }), options: .init(authToken: token))
        result.record("HoldSeats", since: began, status: hold.status.code)
        guard case .holdSeats(let held) = hold.result else { return }
        let paying = ContinuousClock.now
        let purchase = try await client.send(.purchase(Self.purchase(held.holdID)), options: .init(idempotencyKey: "\(lane)-\(round)-\(held.holdID)", authToken: token))
        result.record("Purchase", since: paying, status: purchase.status.code)
        if purchase.status.code == .ok { result.record("booking (hold + purchase)", since: began, status: .ok) }
    }
}

extension PurchaseWorkload {
    /// Buying `holdID` with the simulated processor's approved test card.
    static func purchase(_ holdID: String) -> Boxoffice_V1_PurchaseRequest {
        .with {
            $0.holdID = holdID
            $0.card = .with { $0.number = "4242424242424242"; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
        }
    }
}
