import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// What people do, one visit at a time; the driver repeats a user's journey until the run ends.
enum PeopleJourneys {
    /// Browsing: theatres near a metro ZIP code, one theatre's showtimes, one showtime's seat map.
    static func browse(_ user: inout VirtualUser) async throws {
        _ = try await pickShowtime(&user, date: "")
    }

    /// The funnel: search, showtimes, seat map, hold the best two seats, then buy (70 %), release
    /// the hold (15 %) or walk away and let it expire (15 %).
    static func buy(_ user: inout VirtualUser) async throws {
        guard let showtime = try await pickShowtime(&user, date: user.saleDate) else { return }
        let hold = try await user.send(.holdSeats(.with { $0.showtimeID = showtime; $0.bestAvailable = .with { $0.count = 2 } }),
                                       idempotencyKey: user.newKey())
        guard case .holdSeats(let held) = hold.result else { return }
        user.count(.held)
        user.touch(showtime: showtime)
        try await user.think()
        switch user.random.below(100) {
        case 0..<70:
            try await purchase(held, showtime: showtime, &user)
        case 70..<85:
            let release = try await user.send(.releaseHold(.with { $0.holdID = held.holdID }))
            if release.status.code == .ok { user.count(.released) }
        default:
            user.count(.abandoned)
        }
        try await user.think()
    }

    /// Durable bookings, nothing else: hold the best two seats of a showtime already open and buy
    /// them at once (two allocator transactions per booking).
    static func book(_ user: inout VirtualUser, showtimes: [Int64]) async throws {
        let showtime = user.random.pick(showtimes)
        let hold = try await user.send(.holdSeats(.with { $0.showtimeID = showtime; $0.bestAvailable = .with { $0.count = 2 } }),
                                       idempotencyKey: user.newKey())
        guard case .holdSeats(let held) = hold.result else { return }
        user.count(.held)
        user.touch(showtime: showtime)
        try await purchase(held, showtime: showtime, &user)
    }

    /// Buys `held` with the simulated processor's approved test card, its hold id as the idempotency key.
    static func purchase(_ held: Boxoffice_V1_Hold, showtime: Int64, _ user: inout VirtualUser) async throws {
        let answer = try await user.send(.purchase(approvedPurchase(held.holdID)), idempotencyKey: held.holdID)
        guard case .purchase(let booking) = answer.result, let token = user.token else { return }
        user.count(.purchased)
        user.confirm(ConfirmedBooking(code: booking.code, showtimeID: showtime, seats: booking.tickets.map(\.seat), token: token))
    }

    /// Buying `holdID` with the simulated processor's approved test card.
    static func approvedPurchase(_ holdID: String) -> Boxoffice_V1_PurchaseRequest {
        .with {
            $0.holdID = holdID
            $0.card = .with { $0.number = "4242424242424242"; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
        }
    }

    /// Theatres near a random metro ZIP, a random theatre's showtimes on `date` (empty: its today),
    /// a random showtime's seat map; the showtime, or nil when a step found nothing or was refused.
    private static func pickShowtime(_ user: inout VirtualUser, date: String) async throws -> Int64? {
        let zip = user.random.pick(CatalogueSample.zips)
        let theatres = try await user.send(.searchTheatres(.with { $0.near = .with { $0.zip = zip } }))
        try await user.think()
        guard case .searchTheatres(let found) = theatres.result, !found.theatres.isEmpty else { return nil }
        let theatreID = user.random.pick(found.theatres).theatre.id
        let showtimes = try await user.send(.searchShowtimes(.with { $0.theatreID = theatreID; $0.date = date }))
        try await user.think()
        guard case .searchShowtimes(let page) = showtimes.result else { return nil }
        let choices = date.isEmpty ? page.showtimes : page.showtimes.filter { $0.seatsLeft >= 2 }
        guard !choices.isEmpty else { return nil }
        let showtime = user.random.pick(choices).id
        let map = try await user.send(.getSeatMap(.with { $0.showtimeID = showtime }))
        try await user.think()
        return map.status.code == .ok ? showtime : nil
    }
}
