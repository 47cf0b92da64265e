import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeCore
import BoxOfficeWire
import Foundation

/// What bots do, one round at a time. Each is written to show the pattern the server's bot guard
/// looks for, at the speed a bot would go; none of them thinks.
enum BotJourneys {
    static func run(_ user: inout VirtualUser) async throws {
        switch user.role {
        case .human: return
        case .scraper: try await scrape(&user)
        case .holdSweeper: try await sweep(&user)
        case .metronome: try await tick(&user)
        }
    }

    /// A scraper: every seat map of every showtime of a metro's theatres, one after the other.
    static func scrape(_ user: inout VirtualUser) async throws {
        for showtime in try await showtimes(&user, date: "") {
            _ = try await user.send(.getSeatMap(.with { $0.showtimeID = showtime }))
        }
    }

    /// A hold sweeper: the largest hold allowed on one showtime after another, never paid for.
    static func sweep(_ user: inout VirtualUser) async throws {
        for showtime in try await showtimes(&user, date: user.saleDate) {
            let hold = try await user.send(.holdSeats(.with {
                $0.showtimeID = showtime
                $0.bestAvailable = .with { $0.count = UInt32(ProtocolLimits.maxSeatsPerHold) }
            }))
            if hold.status.code == .ok { user.touch(showtime: showtime) }
        }
    }

    /// A metronome: polls one theatre's showtimes and one seat map every 300 ms to the millisecond,
    /// waiting for tickets to drop.
    static func tick(_ user: inout VirtualUser) async throws {
        let zip = CatalogueSample.zips[user.index % CatalogueSample.zips.count]
        try await user.beat(every: .milliseconds(300))
        let theatres = try await user.send(.searchTheatres(.with { $0.near = .with { $0.zip = zip }; $0.pageSize = 1 }))
        guard case .searchTheatres(let found) = theatres.result, let theatre = found.theatres.first else { return }
        for _ in 0..<10 {
            try await user.beat(every: .milliseconds(300))
            let page = try await user.send(.searchShowtimes(.with { $0.theatreID = theatre.theatre.id; $0.pageSize = 1 }))
            guard case .searchShowtimes(let shows) = page.result, let show = shows.showtimes.first else { continue }
            try await user.beat(every: .milliseconds(300))
            _ = try await user.send(.getSeatMap(.with { $0.showtimeID = show.id }))
        }
    }

    /// The showtimes on `date` (empty: today) of the theatres near the bot's metro.
    private static func showtimes(_ user: inout VirtualUser, date: String) async throws -> [Int64] {
        let zip = user.random.pick(CatalogueSample.zips)
        let theatres = try await user.send(.searchTheatres(.with { $0.near = .with { $0.zip = zip }; $0.pageSize = 3 }))
        guard case .searchTheatres(let found) = theatres.result else { return [] }
        var ids: [Int64] = []
        for theatre in found.theatres {
            let page = try await user.send(.searchShowtimes(.with { $0.theatreID = theatre.theatre.id; $0.date = date; $0.pageSize = 50 }))
            guard case .searchShowtimes(let shows) = page.result else { continue }
            ids += shows.showtimes.map(\.id)
        }
        return ids
    }
}
