import BoxOfficeCore
import BoxOfficeTesting
import Foundation
import Testing

/// `hold`, `holds`, `quote`, `purchase --types SEAT=TYPE`, `whoami`, `signout`, `rate` and
/// `reviews` end to end against a real server. The CLI is told the test clock's now through
/// BOXOFFICE_NOW_MS, so its "in 4:59" is measured from the server's time.
extension CommandLineTests {
    private var testNowMs: Int64 { Int64(TestCatalogue.now.timeIntervalSince1970 * 1000) }

    /// Signs up a new account in `home` and returns a showtime id of tomorrow near Chicago.
    private func signedUpWithShowtime(_ server: TestServer, home: URL, email: String) async throws -> String {
        let up = try await boxoffice(["signup", "--email", email, "--name", "Pat Doe"], server: server, configHome: home.path,
                                     input: "hunter2hunter2\n")
        #expect(up.status == 0, "\(up.errors)")
        let shows = try await boxoffice(["showtimes", "--near", "60601", "--date", TestCatalogue.startDate.adding(days: 1).description, "--json"],
                                        server: server, configHome: home.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(shows.output.utf8)) as? [String: Any])
        return try #require((object["showtimes"] as? [[String: Any]])?.first?["id"] as? String)
    }

    private func holdID(in output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("hold id: ") })
        return String(line.dropFirst("hold id: ".count))
    }

    @Test func holdAnswersInTheOrderTypedHoldsListsItAndQuoteAndTypesBySeatPriceIt() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestServer.withRunning { server, _ in
            let showtime = try await signedUpWithShowtime(server, home: home, email: "order@example.com")
            let hold = try await boxoffice(["hold", "--showtime", showtime, "--seats", "F12,f11"], server: server, configHome: home.path,
                                           nowMs: testNowMs)
            #expect(hold.status == 0, "\(hold.errors)")
            #expect(hold.output.hasPrefix("held F12, F11 for "), "\(hold.output)")
            // Chicago: the test clock's noon in New York is 11:00 CDT; five minutes later it expires.
            #expect(hold.output.contains("expires Wed Jul 1, 11:05 AM CDT (in 5:00)"), "\(hold.output)")
            let id = try holdID(in: hold.output)

            let holds = try await boxoffice(["holds"], server: server, configHome: home.path, nowMs: testNowMs + 1_000)
            #expect(holds.status == 0, "\(holds.errors)")
            #expect(holds.output.hasPrefix("HOLD"))
            #expect(holds.output.contains("\(id)  F12,F11"))
            #expect(holds.output.contains("in 4:59"))

            let quote = try await boxoffice(["quote", id, "--types", "F11=child"], server: server, configHome: home.path, nowMs: testNowMs)
            #expect(quote.status == 0, "\(quote.errors)")
            #expect(quote.output.contains("F12   standard  adult"), "\(quote.output)")
            #expect(quote.output.contains("F11   standard  child"), "\(quote.output)")
            #expect(quote.output.contains("tax IL 6.25%"))
            let total = try #require(quote.output.split(separator: " ").first { $0.hasPrefix("$") && quote.output.contains("total \($0)") })

            let mixed = try await boxoffice(["quote", id, "--types", "F11=child,adult"], server: server, configHome: home.path)
            #expect(mixed.status == 2)
            #expect(mixed.errors.contains("not a mix"))
            let stranger = try await boxoffice(["quote", id, "--types", "Z9=child"], server: server, configHome: home.path)
            #expect(stranger.status == 13)
            #expect(stranger.errors.contains("seat Z9 is not in hold"))

            // From a script nothing is asked; the charge is the quote's total.
            let bought = try await boxoffice(["purchase", "--hold", id, "--types", "F11=child"], server: server, configHome: home.path,
                                             input: "4242 4242 4242 4242 12/30 123 10001\n")
            #expect(bought.status == 0, "\(bought.errors)")
            #expect(bought.output.contains("F11   child"), "\(bought.output)")
            #expect(bought.output.contains(String(total)))
            let none = try await boxoffice(["holds"], server: server, configHome: home.path)
            #expect(none.output == "no live holds\n")
        }
    }

    @Test func typingSlipsAreCaughtWithTheWordsTheUserTyped() async throws {
        for (line, message) in [("4242 4242 4242 4242 12/30 12 10001", "security code (CVC) must be 3 or 4 digits"),
                                ("4242 12/30 123 10001", "card number must be 12 to 19 digits"),
                                ("4242424242424242 12/30 123 1000", "billing ZIP code must be 5 digits")] {
            let result = try await boxoffice(["purchase", "--hold", "h"], input: line + "\n")
            #expect(result.status == 2, "\(line)")
            #expect(result.errors.contains(message), "\(result.errors)")
        }
        let radius = try await boxoffice(["theatres", "--near", "10001", "--radius", "500"])
        #expect(radius.status == 2)
        #expect(radius.errors.contains("--radius must be more than 0 and at most 100 miles"))
        // Options are named as typed, not as the wire's fields (showtime_id, theatre_id, radius_miles).
        for (arguments, message) in [(["seats", "--showtime", "0"], "--showtime must be a positive id, not 0"),
                                     (["hold", "--showtime", "0", "--seats", "A1"], "--showtime must be a positive id, not 0"),
                                     (["screens", "--theatre", "0"], "--theatre must be a positive id, not 0"),
                                     (["showtimes", "--theatre", "3", "--movie", "0"], "--movie must be a positive id, not 0"),
                                     (["reviews", "0"], "the movie id must be a positive id, not 0")] {
            let result = try await boxoffice(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.errors.contains(message), "\(result.errors)")
        }
    }

    @Test func whoamiAndSignoutEndTheSessionOnTheServerAndHere() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestServer.withRunning { server, _ in
            _ = try await signedUpWithShowtime(server, home: home, email: "session@example.com")
            let tokenPath = home.appendingPathComponent("boxoffice/tokens/127.0.0.1_\(server.port)").path
            let token = try #require(FileManager.default.contents(atPath: tokenPath))
            let me = try await boxoffice(["whoami"], server: server, configHome: home.path)
            #expect(me.status == 0, "\(me.errors)")
            #expect(me.output.hasPrefix("Pat Doe <session@example.com>"))
            let out = try await boxoffice(["signout"], server: server, configHome: home.path)
            #expect(out.status == 0, "\(out.errors)")
            #expect(out.output.hasPrefix("signed out"))
            #expect(!FileManager.default.fileExists(atPath: tokenPath))
            let again = try await boxoffice(["signout"], server: server, configHome: home.path)
            #expect(again.status == 2)
            #expect(again.errors.contains("not signed in"))
            // The old token, put back, is refused by the server: sign-out revoked it there.
            try token.write(to: URL(fileURLWithPath: tokenPath))
            let revoked = try await boxoffice(["whoami"], server: server, configHome: home.path)
            #expect(revoked.status == 26)
            #expect(revoked.errors == "UNAUTHENTICATED: this token was signed out: sign in again\n")
        }
    }

    @Test func rateAndReviewsAfterBuying() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestServer.withRunning { server, _ in
            let showtime = try await signedUpWithShowtime(server, home: home, email: "critic@example.com")
            let shows = try await boxoffice(["seats", "--showtime", showtime, "--json"], server: server, configHome: home.path)
            let map = try #require(try JSONSerialization.jsonObject(with: Data(shows.output.utf8)) as? [String: Any])
            let movie = try #require((map["showtime"] as? [String: Any])?["movieId"] as? String)
            let early = try await boxoffice(["rate", movie, "--stars", "4"], server: server, configHome: home.path)
            #expect(early.status == 19)
            #expect(early.errors.contains("only people who booked"))

            let hold = try await boxoffice(["hold", "--showtime", showtime, "--seats", "J3"], server: server, configHome: home.path)
            _ = try await boxoffice(["purchase", "--hold", try holdID(in: hold.output)], server: server, configHome: home.path,
                                    input: "4242424242424242 12/30 123 10001\n")
            let rated = try await boxoffice(["rate", movie, "--stars", "4", "--review", "Loved the score."], server: server, configHome: home.path)
            #expect(rated.status == 0, "\(rated.errors)")
            #expect(rated.output == "rated movie \(movie) ★★★★☆ 4/5\n    Loved the score.\n")
            let reviews = try await boxoffice(["reviews", movie], server: server, configHome: home.path)
            #expect(reviews.status == 0, "\(reviews.errors)")
            #expect(reviews.output.contains(": 4.0 of 5 from 1 rating\n"), "\(reviews.output)")
            #expect(reviews.output.contains("★★★★☆ 4/5  Pat Doe, "))
            #expect(reviews.output.contains("    Loved the score.\n"))
            let movies = try await boxoffice(["movies", "--page-size", "100"], server: server, configHome: home.path)
            #expect(movies.output.contains("4.0 (1)"))
            let deleted = try await boxoffice(["rate", movie, "--delete"], server: server, configHome: home.path)
            #expect(deleted.status == 0, "\(deleted.errors)")
            let empty = try await boxoffice(["reviews", movie], server: server, configHome: home.path)
            #expect(empty.output.hasSuffix(": no ratings yet\n"))
            let usage = try await boxoffice(["rate", movie, "--stars", "9"], server: server, configHome: home.path)
            #expect(usage.status == 2)
            #expect(usage.errors.contains("--stars must be 1 to 5, not 9"))
        }
    }
}
