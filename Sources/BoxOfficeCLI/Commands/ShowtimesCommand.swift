import Foundation
import ArgumentParser
import BoxOfficeCore
import BoxOfficeProto

struct ShowtimesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showtimes", abstract: "List showtimes at a theatre or near a place on a local date.",
        discussion: """
            Today (no --date, or --date today), the list starts with the shows that have not started yet; \
            --from HH:MM starts it at a local time of day instead, and --all-day lists the whole day. \
            Shows that have started are marked "started": they can no longer be held or bought.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("A theatre id (see `boxoffice theatres`).", valueName: "theatre-id"))
    var theatre: Int64?

    @Option(name: .long, help: ArgumentHelp("Only this movie (see `boxoffice movies`).", valueName: "movie-id"))
    var movie: Int64?

    @Option(name: .long, help: ArgumentHelp("Theatres near this ZIP code, \"City, ST\" or latitude,longitude.", valueName: "location"))
    var near: String?

    @Option(name: .long, help: "With --near: search radius in miles (default 25, at most 100).")
    var radius: Double?

    @Option(name: .long, help: ArgumentHelp("The theatre's local date, YYYY-MM-DD (default today).", valueName: "date"))
    var date: String?

    @Option(name: .customLong("from"), help: ArgumentHelp(
        "Only shows starting at or after this time of day, HH:MM (00:00 to 23:59) in each theatre's own time.",
        valueName: "HH:MM"))
    var from: String?

    @Flag(name: .customLong("all-day"), help: "The whole day, including shows that have started (default today: from now on).")
    var allDay = false

    @OptionGroup var page: PageOptions

    func validate() throws {
        try checkID(theatre, option: "--theatre")
        try checkID(movie, option: "--movie")
        try checkRadius(radius)
        if let near { _ = try parseLocation(near) }
        _ = try parseDate(date)
        if theatre == nil && near == nil { throw ValidationError("give --theatre or --near") }
        if from != nil && allDay { throw ValidationError("give --from or --all-day, not both") }
        if let from { _ = try Self.parseTimeOfDay(from) }
    }

    /// The search this command sends, `today` being the local date on this machine.
    func request(today: LocalDate) throws -> Boxoffice_V1_SearchShowtimesRequest {
        let day = try parseDate(date)
        return try .with {
            $0.theatreID = theatre ?? 0
            $0.movieID = movie ?? 0
            if let near { $0.near = try parseLocation(near) }
            $0.radiusMiles = radius ?? 0
            $0.date = day
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
            if let from {
                $0.fromLocalTime = try Self.parseTimeOfDay(from)
            } else if !allDay {
                // Today the shows that already began come first and are of no use; any other day, all of it.
                $0.upcomingOnly = day.isEmpty || day == today.description
            }
        }
    }

    func run() async throws {
        let request = try request(today: LocalDate.today())
        let answer = try await connection.withClient { try await $0.searchShowtimes(request, options: connection.callOptions) }
        try connection.output(answer) { ShowtimesTable(answer, pageToken: page.pageToken ?? "", oneTheatre: theatre != nil).render() }
    }

    /// "HH:MM" from "18:30" or "9:05"; anything else is a usage error that names `--from`.
    static func parseTimeOfDay(_ text: String) throws -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...23).contains(hours), (0...59).contains(minutes)
        else {
            throw ValidationError("--from must be a time of day HH:MM from 00:00 to 23:59, e.g. 18:30, not \"\(text)\"")
        }
        return (hours < 10 ? "0\(hours)" : "\(hours)") + ":" + parts[1]
    }
}

/// A page of showtimes as a table: local start with the zone, the three ticket prices, seats left,
/// and whether a show can still be bought. One theatre's shows (`--theatre`) are headed by its name
/// instead of a THEATRE column.
struct ShowtimesTable {
    let answer: Boxoffice_V1_SearchShowtimesResponse
    let pageToken: String
    let oneTheatre: Bool

    init(_ answer: Boxoffice_V1_SearchShowtimesResponse, pageToken: String, oneTheatre: Bool) {
        self.answer = answer
        self.pageToken = pageToken
        self.oneTheatre = oneTheatre && !answer.showtimes.isEmpty
    }

    func render() -> String {
        let shows = answer.showtimes
        var header = ["ID", "STARTS", "MOVIE", "THEATRE", "SCREEN", "FORMAT", "LANG", "ADULT", "CHILD", "SENIOR", "LEFT", "STATUS"]
        var right: Set<Int> = [0, 7, 8, 9, 10]
        if oneTheatre {
            header.remove(at: 3)
            right = [0, 6, 7, 8, 9]
        }
        var table = TextTable(header, rightAligned: right)
        for show in shows {
            var row = ["\(show.id)", HumanTime.local(ms: show.startsAtMs, zone: show.timeZone), show.movieTitle, show.theatreName,
                       show.screenName, show.format.label, show.language, dollars(show.prices.adultCents),
                       dollars(show.prices.childCents), dollars(show.prices.seniorCents),
                       show.started ? "-" : "\(show.seatsLeft)/\(show.capacity)", show.status]
            if oneTheatre { row.remove(at: 3) }
            table.append(row)
        }
        let heading = oneTheatre ? "\(shows[0].theatreName)\n" : ""
        return heading + table.render()
            + pageFooter(shown: shows.count, total: answer.total, pageToken: pageToken, nextToken: answer.nextPageToken)
    }
}

extension Boxoffice_V1_Showtime {
    /// "started" once it has begun (never holdable again), "sold out" with no seat left, else "on sale".
    var status: String {
        started ? "started" : seatsLeft == 0 ? "sold out" : "on sale"
    }
}

extension LocalDate {
    /// Today's date in this machine's time zone.
    static func today(at instant: Date = Date(), in zone: TimeZone = .current) -> LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}

extension Boxoffice_V1_ScreenFormat {
    var label: String {
        switch self {
        case .standard: "Standard"
        case .imax: "IMAX"
        case .threeD: "3D"
        case .dolbyCinema: "Dolby Cinema"
        case .premiumLarge: "Premium Large"
        case .unspecified, .UNRECOGNIZED: "-"
        }
    }
}
