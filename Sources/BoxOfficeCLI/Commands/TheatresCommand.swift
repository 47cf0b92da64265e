import ArgumentParser
import BoxOfficeProto

struct TheatresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theatres", abstract: "Find theatres near a place, nearest first.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("A ZIP code, \"City, ST\" or latitude,longitude.", valueName: "location"))
    var near: String

    @Option(name: .long, help: "Search radius in miles (default 25, at most 100).")
    var radius: Double?

    @Option(name: .long, help: ArgumentHelp("Only theatres playing this movie (see `boxoffice movies`).", valueName: "movie-id"))
    var movie: Int64?

    @Option(name: .long, help: ArgumentHelp("With --movie: the local date, YYYY-MM-DD (default today).", valueName: "date"))
    var date: String?

    @OptionGroup var page: PageOptions

    func validate() throws {
        try checkRadius(radius)
        try checkID(movie, option: "--movie")
        _ = try parseLocation(near)
        _ = try parseDate(date)
        if date != nil && movie == nil { throw ValidationError("--date needs --movie") }
    }

    func run() async throws {
        let request = try Boxoffice_V1_SearchTheatresRequest.with {
            $0.near = try parseLocation(near)
            $0.radiusMiles = radius ?? 0
            $0.movieID = movie ?? 0
            $0.date = try parseDate(date)
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.searchTheatres(request, options: connection.callOptions) }
        try connection.output(answer) {
            var table = TextTable(["ID", "THEATRE", "ADDRESS", "SCREENS", "DISTANCE"], rightAligned: [0, 3, 4])
            for result in answer.theatres {
                let theatre = result.theatre
                let address = "\(theatre.address.street), \(theatre.address.city), \(theatre.address.state) \(theatre.address.zip)"
                table.append(["\(theatre.id)", theatre.name, address, "\(theatre.screenCount)", miles(result.distanceMiles)])
            }
            return table.render() + pageFooter(shown: answer.theatres.count, total: answer.total, pageToken: page.pageToken ?? "", nextToken: answer.nextPageToken)
        }
    }
}
