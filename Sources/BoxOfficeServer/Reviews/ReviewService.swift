import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import Foundation

/// `RateMovie`, `DeleteReview` and `ListReviews`: one rating (1–5 stars, an optional review) per
/// user per movie, by people who booked it. Reviews are plain text: the server refuses control
/// characters and keeps the text as written; whoever shows it must not interpret it as markup.
final class ReviewService: Sendable {
    static let maxReviewCharacters = 2_000

    private let store: any ReviewStore
    private let reader: CatalogueReader
    private let accounts: AccountService
    private let clock: any TimeSource

    init(store: any ReviewStore, reader: CatalogueReader, accounts: AccountService, clock: any TimeSource) {
        self.store = store
        self.reader = reader
        self.accounts = accounts
        self.clock = clock
    }

    func rateMovie(_ request: Boxoffice_V1_RateMovieRequest, context: CallContext) async throws -> Boxoffice_V1_Review {
        let userID = try accounts.authenticate(context)
        let movie = try await existingMovie(request.movieID)
        guard (1...5).contains(request.stars) else {
            throw BoxOfficeError.invalidArgument("stars must be 1 to 5, not \(request.stars)")
        }
        // Newlines separate paragraphs; every other control character is refused.
        let written = request.review.replacingOccurrences(of: "\r\n", with: "\n")
        try TextInput.refuseControlCharacters(in: written, field: "review", allowingLineBreaks: true)
        let text = written.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= Self.maxReviewCharacters else {
            throw BoxOfficeError.invalidArgument("a review has at most \(Self.maxReviewCharacters) characters, not \(text.count)")
        }
        guard try await store.hasConfirmedBooking(userID: userID, movieID: movie.id) else {
            throw BoxOfficeError(.failedPrecondition, "only people who booked \"\(movie.title)\" may rate it: book a showing first")
        }
        let saved = try await store.saveReview(userID: userID, movieID: movie.id, stars: Int(request.stars), text: text,
                                               now: clock.nowMilliseconds)
        return .init(saved)
    }

    func deleteReview(_ request: Boxoffice_V1_DeleteReviewRequest, context: CallContext) async throws -> Boxoffice_V1_DeleteReviewResponse {
        let userID = try accounts.authenticate(context)
        let movie = try await existingMovie(request.movieID)
        guard try await store.deleteReview(userID: userID, movieID: movie.id) else {
            throw BoxOfficeError.notFound("you have not rated \"\(movie.title)\"")
        }
        return .init()
    }

    func listReviews(_ request: Boxoffice_V1_ListReviewsRequest) async throws -> Boxoffice_V1_ListReviewsResponse {
        let movie = try await existingMovie(request.movieID)
        let page = try PageRequest(size: request.pageSize, token: request.pageToken, query: "reviews|\(movie.id)")
        let (reviews, total) = try await store.reviews(movieID: movie.id, offset: page.offset, limit: page.size)
        let rating = try await store.ratingSummaries(movieIDs: [movie.id])[movie.id]
        return .with {
            $0.movie = .init(movie, rating: rating)
            $0.reviews = reviews.map(Boxoffice_V1_Review.init)
            $0.nextPageToken = page.nextToken(after: reviews.count, total: total)
            $0.total = UInt32(total)
        }
    }

    private func existingMovie(_ rawID: Int64) async throws -> MovieRecord {
        let id = try SearchService.validID(rawID, field: "movie_id")
        guard let movie = try await reader.movie(id: id) else { throw BoxOfficeError.notFound("no movie with id \(id)") }
        return movie
    }
}

extension Boxoffice_V1_Review {
    init(_ record: ReviewRecord) {
        self.init()
        movieID = record.movieID
        stars = UInt32(record.stars)
        review = record.text
        reviewerName = record.reviewerName
        createdAtMs = record.createdAt
        updatedAtMs = record.updatedAt
    }
}
