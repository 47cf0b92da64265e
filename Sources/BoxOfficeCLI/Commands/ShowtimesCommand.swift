import Foundation
import ArgumentParser
import BoxOfficeProto

struct ShowtimesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "showtimes", abstract: "List showtimes at a theatre or near a place on a local date.")

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

    @OptionGroup var page: PageOptions

    func validate() throws {
        if let near { _ = try parseLocation(near) }
        _ = try parseDate(date)
        if theatre == nil && near == nil { throw ValidationError("give --theatre or --near") }
    }

    func run() async throws {
        let request = try Boxoffice_V1_SearchShowtimesRequest.with {
            $0.theatreID = theatre ?? 0
            $0.movieID = movie ?? 0
            if let near { $0.near = try parseLocation(near) }
            $0.radiusMiles = radius ?? 0
            $0.date = try parseDate(date)
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.searchShowtimes(request, options: connection.callOptions) }
        try connection.output(answer) {
            var table = TextTable(["ID", "STARTS", "MOVIE", "THEATRE", "SCREEN", "FORMAT", "LANG", "ADULT", "LEFT"],
                                  rightAligned: [0, 7, 8])
            for show in answer.showtimes {
                // "2026-07-04T19:00:00-07:00" reads as "2026-07-04 19:00".
                let starts = String(show.startsAtLocal.prefix(16)).replacingOccurrences(of: "T", with: " ")
                table.append(["\(show.id)", starts, show.movieTitle, show.theatreName, show.screenName,
                              show.format.label, show.language, dollars(show.prices.adultCents),
                              "\(show.seatsLeft)/\(show.capacity)"])
            }
            return table.render() + pageFooter(shown: answer.showtimes.count, total: answer.total, pageToken: page.pageToken ?? "", nextToken: answer.nextPageToken)
        }
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
