import ArgumentParser
import BoxOfficeProto
import Foundation

struct MoviesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "movies", abstract: "Find movies by title words, optionally those playing near a place.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Title words; prefixes and small typos are fine.", valueName: "words"))
    var title: String = ""

    @Option(name: .long, help: ArgumentHelp("Only movies playing near this ZIP code, \"City, ST\" or latitude,longitude.", valueName: "location"))
    var near: String?

    @Option(name: .long, help: "With --near: search radius in miles (default 25, at most 100).")
    var radius: Double?

    @Option(name: .long, help: ArgumentHelp("With --near: the local date, YYYY-MM-DD (default today).", valueName: "date"))
    var date: String?

    @OptionGroup var page: PageOptions

    func validate() throws {
        if let near { _ = try parseLocation(near) }
        _ = try parseDate(date)
        if date != nil && near == nil { throw ValidationError("--date needs --near") }
        try checkRadius(radius)
    }

    func run() async throws {
        let request = try Boxoffice_V1_SearchMoviesRequest.with {
            $0.title = title
            if let near { $0.near = try parseLocation(near) }
            $0.radiusMiles = radius ?? 0
            $0.date = try parseDate(date)
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.searchMovies(request, options: connection.callOptions) }
        try connection.output(answer) {
            var table = TextTable(["ID", "TITLE", "RATED", "RUNTIME", "GENRES", "RELEASED", "STARS"], rightAligned: [0, 3])
            for movie in answer.movies {
                let stars = movie.ratingCount == 0 ? "-" : String(format: "%.1f (%d)", movie.averageStars, movie.ratingCount)
                table.append(["\(movie.id)", movie.title, movie.rating, "\(movie.runtimeMinutes) min",
                              movie.genres.joined(separator: ", "), movie.releaseDate, stars])
            }
            return table.render() + pageFooter(shown: answer.movies.count, total: answer.total, pageToken: page.pageToken ?? "", nextToken: answer.nextPageToken)
        }
    }
}
