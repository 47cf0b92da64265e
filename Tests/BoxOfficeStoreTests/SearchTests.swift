import BoxOfficeCore
import BoxOfficeStore
import BoxOfficeTesting
import Testing

/// Searching the catalogue, on SQLite and on PostgreSQL: the same answers from both.
@Suite struct SearchTests {
    static let timesSquare = Coordinate(latitude: 40.758, longitude: -73.9855)
    static let day = TestCatalogue.startDate

    @Test(arguments: TestStore.available) func theatresAreNearestFirstAllWithinRadius(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let hits = try await store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: nil, on: nil)
            #expect(hits.count >= 5)
            #expect(hits.map(\.distanceMiles) == hits.map(\.distanceMiles).sorted())
            for hit in hits {
                #expect(hit.distanceMiles <= 40)
                #expect(abs(hit.distanceMiles - Self.timesSquare.distanceInMiles(to: hit.theatre.coordinate)) < 1e-9)
            }
            // A radius between two neighbours' distances keeps the nearer and drops the one just outside.
            let k = hits.count / 2
            let radius = (hits[k].distanceMiles + hits[k + 1].distanceMiles) / 2
            let inner = try await store.theatres(near: Self.timesSquare, radiusMiles: radius, playing: nil, on: nil)
            #expect(inner.map(\.theatre.id) == hits.prefix(k + 1).map(\.theatre.id))
            #expect(!inner.contains { $0.theatre.id == hits[k + 1].theatre.id })
            #expect(try await store.theatres(near: Coordinate(latitude: 47.0, longitude: -110.0), radiusMiles: 25, playing: nil, on: nil).isEmpty)
        }
    }

    @Test(arguments: TestStore.available) func theatresPlayingAMovieOnADateAllShowIt(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let avengers = try #require(try await store.movies(title: "avengers", playingAt: nil, on: nil).first)
            let all = try await store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: nil, on: nil)
            let playing = try await store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: avengers.id, on: Self.day)
            #expect(!playing.isEmpty && playing.count <= all.count)
            for hit in playing {
                #expect(!(try await store.showtimes(theatreIDs: [hit.theatre.id], movieID: avengers.id, on: Self.day)).isEmpty)
            }
            let playingIDs = Set(playing.map(\.theatre.id))
            for hit in all where !playingIDs.contains(hit.theatre.id) {
                #expect(try await store.showtimes(theatreIDs: [hit.theatre.id], movieID: avengers.id, on: Self.day).isEmpty)
            }
            // Without a date: every theatre that shows it on any day.
            let anyDay = try await store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: avengers.id, on: nil)
            #expect(Set(anyDay.map(\.theatre.id)).isSuperset(of: playingIDs))
        }
    }

    @Test(arguments: TestStore.available, [
        ("avngr", "Avengers: Secret Wars"), ("avenjers", "Avengers: Secret Wars"), ("star wa", "Star Wars: Legacy of the Jedi"),
        ("STAR WARS jedi", "Star Wars: Legacy of the Jedi"), ("jurasic", "Jurassic Dawn"), ("lightouse", "The Last Lighthouse"),
    ])
    func titleSearchToleratesPrefixesAndTypos(_ kind: TestStore, typed: (String, String)) async throws {
        let (text, expected) = typed
        try await kind.withStore { store in
            let found = try await store.movies(title: text, playingAt: nil, on: nil)
            #expect(found.first?.title == expected, "\(text) found \(found.map(\.title))")
        }
    }

    @Test(arguments: TestStore.available) func nonsenseFindsNothingAndNoTitleListsAll(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            #expect(try await store.movies(title: "xqzvbk", playingAt: nil, on: nil).isEmpty)
            #expect(try await store.movies(title: "zzzz qqq", playingAt: nil, on: nil).isEmpty)
            let all = try await store.movies(title: nil, playingAt: nil, on: nil)
            #expect(all.count == (try await store.summary().movies))
            #expect(try await store.movies(title: "  ", playingAt: nil, on: nil) == all)
            #expect(try await store.movie(id: all[0].id) == all[0])
            #expect(try await store.movie(id: 999_999) == nil)
        }
    }

    @Test(arguments: TestStore.available) func moviesPlayingAtTheatresOnADate(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let near = try await store.theatres(near: Self.timesSquare, radiusMiles: 10, playing: nil, on: nil).map(\.theatre.id)
            let movies = try await store.movies(title: nil, playingAt: near, on: Self.day)
            #expect(!movies.isEmpty)
            let shows = try await store.showtimes(theatreIDs: near, movieID: nil, on: Self.day)
            #expect(Set(movies.map(\.id)) == Set(shows.map(\.movieID)))
            #expect(try await store.movies(title: nil, playingAt: [], on: Self.day).isEmpty)
            #expect(try await store.movies(title: nil, playingAt: near, on: LocalDate(year: 2030, month: 1, day: 1)).isEmpty)
            let anyDay = try await store.movies(title: nil, playingAt: near, on: nil)
            #expect(Set(anyDay.map(\.id)).isSuperset(of: movies.map(\.id)))
        }
    }

    @Test(arguments: TestStore.available) func showtimesAreOrderedByStartThenTheatreOrder(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let near = try await store.theatres(near: Self.timesSquare, radiusMiles: 15, playing: nil, on: nil).map(\.theatre.id)
            let shows = try await store.showtimes(theatreIDs: near, movieID: nil, on: Self.day)
            #expect(!shows.isEmpty)
            let rank = Dictionary(uniqueKeysWithValues: near.enumerated().map { ($1, $0) })
            for (a, b) in zip(shows, shows.dropFirst()) {
                #expect(a.startsAt < b.startsAt || (a.startsAt == b.startsAt && rank[a.theatreID]! <= rank[b.theatreID]!))
            }
            #expect(shows.allSatisfy { $0.localDate == Self.day && $0.timeZone == "America/New_York" && $0.capacity >= 60 })
            let one = shows[shows.count / 2]
            #expect(try await store.showtime(id: one.id) == one)
            #expect(try await store.showtime(id: -1) == nil)
            let screen = try #require(try await store.screen(id: one.screenID))
            #expect(screen.name == one.screenName && screen.format == one.format && screen.layout.capacity == one.capacity)
            #expect(try await store.screens(theatreID: one.theatreID).contains { $0.id == screen.id })
            #expect(try await store.theatre(id: one.theatreID)?.id == one.theatreID)
        }
    }
}
