/// What a run does.
public enum Scenario: String, CaseIterable, Sendable {
    /// Anonymous visitors: theatres near a metro, a theatre's showtimes, a seat map.
    case browse
    /// Signed-in buyers through the funnel: search, showtimes, seat map, hold, then 70 % buy and
    /// 30 % release or abandon.
    case buy
    /// Durable bookings only: hold two seats of an open showtime and buy them at once.
    case purchase
    /// Every user races for the seats of one showtime at once: the opening-night crush.
    case hotShow = "hot-show"
    /// Half the connections people browsing (60 %) and buying (40 %), thinking between calls; half
    /// scrapers, hold sweepers and metronomes.
    case bots
    /// A day at the box office: people browsing and buying, one connection each of the three bots.
    case mixed
    /// Baseline: a bare NIO server in this process answering the same frames at once.
    case echo

    /// One line each, for `--help`.
    public static var help: String {
        """
        browse: anonymous searches, showtimes and seat maps. \
        buy: signed-in users through the funnel (search, showtimes, seat map, hold, then 70% purchase, 15% release, 15% abandon). \
        purchase: durable bookings only (hold two seats and buy them). \
        hot-show: --users buyers race for one ~300-seat showtime at once. \
        bots: people browsing and buying (thinking between calls) on half the connections, scrapers, hold sweepers and metronomes on the rest. \
        mixed: people browsing and buying, with one connection each of the three bots. \
        echo: baseline, a bare NIO server in this process answering the same frames (no --server). \
        (The in-process baselines, storage and guard cost, are in the Benchmarks package.)
        """
    }

    /// Scenarios whose users sign in.
    var signsIn: Bool { [.buy, .purchase, .hotShow, .bots, .mixed].contains(self) }

    /// Scenarios that sell seats, whose invariants are checked after the run.
    var sellsSeats: Bool { [.buy, .purchase, .hotShow, .bots, .mixed].contains(self) }

    /// Whose connection `connection` of `connections` is: in `bots` half are bots, in `mixed` the
    /// last three (of at least four), else everyone is a person.
    func role(ofConnection connection: Int, of connections: Int) -> Role {
        let bots: [Role] = [.scraper, .holdSweeper, .metronome]
        switch self {
        case .bots where connection % 2 == 1:
            return bots[(connection / 2) % bots.count]
        case .mixed where connections >= 4 && connection >= connections - bots.count:
            return bots[connections - 1 - connection]
        default:
            return .human
        }
    }
}
