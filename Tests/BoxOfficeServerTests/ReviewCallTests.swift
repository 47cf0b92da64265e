import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeGuard
import BoxOfficeProto
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import Testing

/// Ratings and reviews over loopback: who may rate, what a review may hold, edits, deletes, pages
/// and the average in movie searches.
@Suite("Ratings and reviews over loopback", .timeLimit(.minutes(2)))
struct ReviewCallTests {
    /// A buyer with a confirmed booking for `show`.
    private func moviegoer(_ server: TestServer, _ email: String, name: String, show: Boxoffice_V1_Showtime, seat: String) async throws -> Buyer {
        let client = try await server.connect()
        client.authToken = try await client.signUp(.with { $0.email = email; $0.name = name; $0.password = "long enough" }).token
        let buyer = Buyer(client: client)
        let hold = try await buyer.hold([seat], of: show.id)
        let bought = try await buyer.purchase(hold.holdID)
        #expect(bought.status.code == .ok, "\(bought.status)")
        return buyer
    }

    @Test func onlyPeopleWhoBookedMayRateAndTheAverageReachesMovieSearches() async throws {
        let clock = ManualClock(TestCatalogue.now)
        try await TestServer.withRunning(clock: clock) { server, _ in
            let scout = try await Buyer.signUp(server, "scout@example.com")
            let show = try await scout.showtime()
            let refused = try await scout.client.send(.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 5 }))
            #expect(refused.status.code == .failedPrecondition)
            #expect(refused.status.message.contains("only people who booked"))

            let ann = try await moviegoer(server, "ann@example.com", name: "Ann", show: show, seat: "E5")
            let ben = try await moviegoer(server, "ben@example.com", name: "Ben", show: show, seat: "E6")
            let first = try await ann.client.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 4; $0.review = "  Great score.\r\nSecond paragraph. " })
            #expect(first.review == "Great score.\nSecond paragraph.")
            #expect(first.reviewerName == "Ann")
            #expect(first.createdAtMs == first.updatedAtMs)
            clock.advance(seconds: 60)
            _ = try await ben.client.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 1 })

            let movies = try await scout.client.searchMovies(.with { $0.pageSize = 100 })
            let rated = try #require(movies.movies.first { $0.id == show.movieID })
            #expect(rated.ratingCount == 2)
            #expect(rated.averageStars == 2.5)

            // An edit replaces the author's rating and keeps when it was first written.
            clock.advance(seconds: 60)
            let edited = try await ann.client.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 5; $0.review = "Even better twice." })
            #expect(edited.createdAtMs == first.createdAtMs)
            #expect(edited.updatedAtMs == first.createdAtMs + 120_000)
            let page = try await scout.client.listReviews(.with { $0.movieID = show.movieID; $0.pageSize = 1 })
            #expect(page.total == 2)
            #expect(page.movie.averageStars == 3.0)
            #expect(page.reviews.map(\.reviewerName) == ["Ann"], "newest edit first")
            #expect(!page.nextPageToken.isEmpty)
            let rest = try await scout.client.listReviews(.with { $0.movieID = show.movieID; $0.pageSize = 1; $0.pageToken = page.nextPageToken })
            #expect(rest.reviews.map(\.reviewerName) == ["Ben"])
            #expect(rest.nextPageToken.isEmpty)

            // The author deletes it; nobody else can.
            #expect(try await scout.client.send(.deleteReview(.with { $0.movieID = show.movieID })).status.code == .notFound)
            _ = try await ann.client.deleteReview(.with { $0.movieID = show.movieID })
            let after = try await scout.client.listReviews(.with { $0.movieID = show.movieID })
            #expect(after.reviews.map(\.reviewerName) == ["Ben"])
            #expect(after.movie.ratingCount == 1)
            #expect(after.movie.averageStars == 1.0)
            for buyer in [scout, ann, ben] { await buyer.close() }
        }
    }

    @Test(arguments: [
        (0, "ok", "stars must be 1 to 5, not 0"),
        (6, "ok", "stars must be 1 to 5, not 6"),
        (3, "bell\u{7}", "review must not contain control characters (it has U+0007)"),
        (3, "nul\u{0}", "review must not contain control characters (it has U+0000)"),
        (3, String(repeating: "é", count: 2_001), "a review has at most 2000 characters, not 2001"),
    ])
    func badRatingsAreRefusedNamingWhatIsWrong(_ stars: UInt32, _ review: String, _ message: String) async throws {
        try await TestServer.withRunning { server, _ in
            let probe = try await Buyer.signUp(server, "probe@example.com")
            let show = try await probe.showtime()
            let buyer = try await moviegoer(server, "rater@example.com", name: "Rater", show: show, seat: "G7")
            let answer = try await buyer.client.send(.rateMovie(.with { $0.movieID = show.movieID; $0.stars = stars; $0.review = review }))
            #expect(answer.status.code == .invalidArgument)
            #expect(answer.status.message == message)
            #expect(try await buyer.client.send(.rateMovie(.with { $0.movieID = 0; $0.stars = 3 })).status.code == .invalidArgument)
            #expect(try await buyer.client.send(.listReviews(.with { $0.movieID = 999_999 })).status.code == .notFound)
            // 2,000 characters of any script is fine.
            let long = try await buyer.client.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 3; $0.review = String(repeating: "語", count: 2_000) })
            #expect(long.review.count == 2_000)
            await probe.close()
            await buyer.close()
        }
    }

    @Test func ratingCallsHaveTheirOwnRateLimitClass() async throws {
        try await TestServer.withRunning(configure: {
            $0.trustedNetworks = try! TrustedNetworks([])
            $0.botPolicy = nil
            var limits = RateLimitPolicy.defaults
            limits[.review] = RateLimit(count: 1, per: 3600, burst: 1)
            $0.rateLimits = limits
        }) { server, _ in
            let probe = try await Buyer.signUp(server, "limit-probe@example.com")
            let show = try await probe.showtime()
            let buyer = try await moviegoer(server, "limited@example.com", name: "Limited", show: show, seat: "H8")
            _ = try await buyer.client.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 4 })
            let second = try await buyer.client.send(.rateMovie(.with { $0.movieID = show.movieID; $0.stars = 5 }))
            #expect(second.status.code == .resourceExhausted)
            #expect(second.status.retryAfterMs > 0)
            // Reading reviews and searching are other classes: still served.
            #expect(try await buyer.client.listReviews(.with { $0.movieID = show.movieID }).total == 1)
            #expect(try await buyer.client.send(.searchMovies(.init())).status.code == .ok)
            await probe.close()
            await buyer.close()
        }
    }
}
