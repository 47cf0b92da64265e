import ArgumentParser
import BoxOfficeProto
import Foundation

struct RateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate", abstract: "Rate a movie you booked, 1 to 5 stars, with an optional review (needs signin).",
        discussion: """
            One rating per movie: rating it again replaces your stars and review. --delete removes them. \
            Reviews are plain text of at most 2,000 characters; only your name is shown with it.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "A movie id (see `boxoffice movies`).")
    var movie: Int64

    @Option(help: ArgumentHelp("1 to 5.", valueName: "n"))
    var stars: UInt32?

    @Option(help: ArgumentHelp("What you thought, at most 2,000 characters.", valueName: "text"))
    var review: String?

    @Flag(help: "Delete your rating and review of the movie instead.")
    var delete = false

    func validate() throws {
        try checkID(movie, option: "the movie id")
        if delete {
            guard stars == nil, review == nil else { throw ValidationError("--delete takes no --stars or --review") }
            return
        }
        guard let stars else { throw ValidationError("say how many stars: --stars 1 to 5 (or --delete)") }
        guard (1...5).contains(stars) else { throw ValidationError("--stars must be 1 to 5, not \(stars)") }
        if let review, review.count > 2_000 {
            throw ValidationError("--review has at most 2,000 characters, not \(review.count)")
        }
    }

    func run() async throws {
        if delete {
            let answer = try await connection.withClient {
                try await $0.deleteReview(.with { $0.movieID = movie }, options: connection.callOptions)
            }
            try connection.output(answer) { "deleted your rating of movie \(movie)\n" }
            return
        }
        let request = Boxoffice_V1_RateMovieRequest.with {
            $0.movieID = movie
            $0.stars = stars ?? 0
            $0.review = review ?? ""
        }
        let saved = try await connection.withClient { try await $0.rateMovie(request, options: connection.callOptions) }
        try connection.output(saved) {
            let edited = saved.updatedAtMs != saved.createdAtMs ? " (edited)" : ""
            return "rated movie \(saved.movieID) \(starsText(saved.stars))\(edited)\n" + (saved.review.isEmpty ? "" : indented(saved.review))
        }
    }
}

struct ReviewsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reviews", abstract: "Read a movie's ratings and reviews, newest first.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "A movie id (see `boxoffice movies`).")
    var movie: Int64

    @OptionGroup var page: PageOptions

    func validate() throws {
        try checkID(movie, option: "the movie id")
    }

    func run() async throws {
        let request = Boxoffice_V1_ListReviewsRequest.with {
            $0.movieID = movie
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.listReviews(request, options: connection.callOptions) }
        try connection.output(answer) {
            let film = answer.movie
            var text = "\(film.title): "
            text += film.ratingCount == 0
                ? "no ratings yet\n"
                : String(format: "%.1f", film.averageStars) + " of 5 from \(film.ratingCount) rating\(film.ratingCount == 1 ? "" : "s")\n"
            for review in answer.reviews {
                // The theatre's zone is not known here: the reader's own.
                text += "\n\(starsText(review.stars))  \(review.reviewerName), \(HumanTime.local(ms: review.updatedAtMs, zone: nil))\n"
                if !review.review.isEmpty { text += indented(review.review) }
            }
            if !answer.reviews.isEmpty {
                text += "\n" + pageFooter(shown: answer.reviews.count, total: answer.total, pageToken: page.pageToken ?? "",
                                          nextToken: answer.nextPageToken)
            }
            return text
        }
    }
}

/// "★★★★☆ 4/5".
private func starsText(_ stars: UInt32) -> String {
    let filled = Int(min(stars, 5))
    return String(repeating: "★", count: filled) + String(repeating: "☆", count: 5 - filled) + " \(stars)/5"
}

/// Review text as plain text, each line indented: the server refuses control characters, so
/// nothing in it can move the terminal's cursor or change its colours.
private func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)\n" }.joined()
}
