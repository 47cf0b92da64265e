import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeTesting
import Testing

/// Every search call end to end: a real server on a loopback port over a real SQLite file.
@Suite("Search calls over loopback", .timeLimit(.minutes(2)))
struct SearchCallTests {
    private func expectStatus(_ code: BoxOfficeError.Code, mentioning text: String = "", _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code.name), got OK")
        } catch let error as BoxOfficeError {
            #expect(error.code == code, "\(error)")
            #expect(error.message.contains(text), "\"\(error.message)\" does not mention \"\(text)\"")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func theatresNearAZIPComeNearestFirstWithinTheRadius() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let answer = try await client.searchTheatres(.with {
                $0.near = .with { $0.zip = "10001" }
                $0.radiusMiles = 25
                $0.pageSize = 100
            })
            #expect(!answer.theatres.isEmpty)
            let distances = answer.theatres.map(\.distanceMiles)
            #expect(distances == distances.sorted())
            #expect(distances.allSatisfy { $0 <= 25 })
            #expect(answer.theatres.allSatisfy { $0.theatre.timeZone == "America/New_York" })
            #expect(Int(answer.total) == answer.theatres.count)
            await client.close()
        }
    }

    @Test func theatresNearACityAndACoordinate() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let chicago = try await client.searchTheatres(.with { $0.near = .with { $0.cityState = "Chicago, IL" } })
            #expect(chicago.theatres.contains { $0.theatre.address.state == "IL" })
            let hollywood = try await client.searchTheatres(.with {
                $0.near = .with { $0.latLng = .with { $0.latitude = 34.0928; $0.longitude = -118.3287 } }
            })
            #expect(hollywood.theatres.first?.theatre.address.state == "CA")
            await client.close()
        }
    }

    @Test func pagingWalksEveryTheatreOnce() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            var request = Boxoffice_V1_SearchTheatresRequest.with {
                $0.near = .with { $0.zip = "10001" }
                $0.radiusMiles = 60
                $0.pageSize = 3
            }
            var ids: [Int64] = []
            var total: UInt32 = 0
            repeat {
                let page = try await client.searchTheatres(request)
                #expect(page.theatres.count <= 3)
                ids += page.theatres.map(\.theatre.id)
                total = page.total
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty
            #expect(ids.count == Int(total))
            #expect(Set(ids).count == ids.count)
            #expect(ids.count > 3)
            await client.close()
        }
    }

    @Test func theatreSearchErrorsSayWhatIsWrong() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            await expectStatus(.notFound, mentioning: "no theatres within") {
                // Anchorage: a real ZIP with no demo theatre for hundreds of miles.
                _ = try await client.searchTheatres(.with { $0.near = .with { $0.zip = "99501" } })
            }
            await expectStatus(.invalidArgument, mentioning: "outside the United States") {
                _ = try await client.searchTheatres(.with {
                    $0.near = .with { $0.latLng = .with { $0.latitude = 51.5074; $0.longitude = -0.1278 } }
                })
            }
            await expectStatus(.invalidArgument, mentioning: "not a US state") {
                _ = try await client.searchTheatres(.with { $0.near = .with { $0.cityState = "Toronto, ON" } })
            }
            await expectStatus(.invalidArgument, mentioning: "ZIP") {
                _ = try await client.searchTheatres(.with { $0.near = .with { $0.zip = "1000" } })
            }
            await expectStatus(.invalidArgument, mentioning: "radius_miles") {
                _ = try await client.searchTheatres(.with { $0.near = .with { $0.zip = "10001" }; $0.radiusMiles = 500 })
            }
            await expectStatus(.invalidArgument, mentioning: "near is required") {
                _ = try await client.searchTheatres(.init())
            }
            await expectStatus(.invalidArgument, mentioning: "page_token") {
                _ = try await client.searchTheatres(.with { $0.near = .with { $0.zip = "10001" }; $0.pageToken = "forged" })
            }
            await client.close()
        }
    }

    @Test func moviesByTitleTolerateTyposAndPrefixes() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let all = try await client.searchMovies(.with { $0.pageSize = 100 })
            let movie = try #require(all.movies.first { $0.title.split(separator: " ").contains { $0.count >= 6 } })
            let word = try #require(movie.title.split(separator: " ").first { $0.count >= 6 }).lowercased()
            let prefix = try await client.searchMovies(.with { $0.title = String(word.prefix(4)) })
            #expect(prefix.movies.contains { $0.id == movie.id })
            // Swap two inner letters: a typo.
            var letters = Array(word)
            letters.swapAt(2, 3)
            let typo = try await client.searchMovies(.with { $0.title = String(letters) })
            #expect(typo.movies.contains { $0.id == movie.id })
            await expectStatus(.notFound, mentioning: "no movies match") {
                _ = try await client.searchMovies(.with { $0.title = "zzqxv" })
            }
            await client.close()
        }
    }

    @Test func moviesPlayingNearAPlaceOnADate() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let nearby = try await client.searchMovies(.with {
                $0.near = .with { $0.zip = "60601" }
                $0.date = TestCatalogue.startDate.description
                $0.pageSize = 100
            })
            #expect(!nearby.movies.isEmpty)
            let farDate = TestCatalogue.startDate.adding(days: 400).description
            await expectStatus(.notFound, mentioning: "on \(farDate)") {
                _ = try await client.searchMovies(.with { $0.near = .with { $0.zip = "60601" }; $0.date = farDate })
            }
            await client.close()
        }
    }

    @Test func showtimesAtATheatreCarryPricesAndSeats() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let theatre = try #require(try await client.searchTheatres(.with { $0.near = .with { $0.zip = "90028" } }).theatres.first)
            // No date: "today" at the theatre, from the server's injected clock.
            let shows = try await client.searchShowtimes(.with { $0.theatreID = theatre.theatre.id; $0.pageSize = 100 })
            #expect(!shows.showtimes.isEmpty)
            for show in shows.showtimes {
                #expect(show.theatreID == theatre.theatre.id)
                #expect(show.startsAtLocal.hasPrefix(TestCatalogue.startDate.description))
                #expect(show.startsAtLocal.hasSuffix("-07:00"))  // Los Angeles in July
                #expect(show.seatsLeft == show.capacity)
                #expect(show.prices.adultCents > show.prices.childCents)
            }
            let starts = shows.showtimes.map(\.startsAtMs)
            #expect(starts == starts.sorted())
            await client.close()
        }
    }

    @Test func showtimesOfAMovieNearAPlace() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let date = TestCatalogue.startDate.adding(days: 1).description
            let movie = try #require(try await client.searchMovies(.with { $0.near = .with { $0.zip = "10001" }; $0.date = date }).movies.first)
            let shows = try await client.searchShowtimes(.with {
                $0.near = .with { $0.zip = "10001" }
                $0.movieID = movie.id
                $0.date = date
                $0.pageSize = 100
            })
            #expect(!shows.showtimes.isEmpty)
            #expect(shows.showtimes.allSatisfy { $0.movieID == movie.id && $0.startsAtLocal.hasPrefix(date) })
            let distances = shows.showtimes.map(\.distanceMiles)
            #expect(distances == distances.sorted())
            await expectStatus(.notFound, mentioning: "no movie") {
                _ = try await client.searchShowtimes(.with { $0.near = .with { $0.zip = "10001" }; $0.movieID = 999_999 })
            }
            await expectStatus(.invalidArgument, mentioning: "theatre_id or near") {
                _ = try await client.searchShowtimes(.with { $0.movieID = movie.id })
            }
            await expectStatus(.invalidArgument, mentioning: "YYYY-MM-DD") {
                _ = try await client.searchShowtimes(.with { $0.near = .with { $0.zip = "10001" }; $0.date = "July 4" })
            }
            await client.close()
        }
    }

    @Test func screensAndSeatMaps() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let theatre = try #require(try await client.searchTheatres(.with { $0.near = .with { $0.zip = "60601" } }).theatres.first)
            let screens = try await client.listScreens(.with { $0.theatreID = theatre.theatre.id })
            #expect((4...16).contains(screens.screens.count))
            #expect(screens.screens.allSatisfy { (60...400).contains($0.capacity) })
            let show = try #require(try await client.searchShowtimes(.with { $0.theatreID = theatre.theatre.id }).showtimes.first)
            let map = try await client.seatMap(.with { $0.showtimeID = show.id })
            let seats = map.screen.rows.flatMap(\.seats)
            #expect(seats.count == Int(map.screen.capacity))
            #expect(map.available == map.screen.capacity)
            #expect(seats.allSatisfy { $0.state == .available })
            #expect(seats.contains { $0.kind == .wheelchair })
            await expectStatus(.notFound, mentioning: "no showtime") {
                _ = try await client.seatMap(.with { $0.showtimeID = 987_654_321 })
            }
            await expectStatus(.invalidArgument, mentioning: "positive") {
                _ = try await client.seatMap(.with { $0.showtimeID = -4 })
            }
            await expectStatus(.notFound, mentioning: "no theatre") {
                _ = try await client.listScreens(.with { $0.theatreID = 987_654_321 })
            }
            await client.close()
        }
    }

    @Test func infoDescribesTheServer() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let info = try await client.getInfo()
            #expect(info.version == BoxOfficeVersion.release)
            #expect(info.protocolVersion == 1)
            #expect(info.ready)
            #expect(info.catalogue.theatres >= 40)
            #expect(info.catalogue.firstDate == TestCatalogue.startDate.description)
            #expect(info.limits.maxFrameBytes == 1 << 20)
            await client.close()
        }
    }
}
