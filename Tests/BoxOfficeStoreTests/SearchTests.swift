import BoxOfficeCore
import BoxOfficeStore
import Testing

@Suite struct SearchTests {
    static let store = Fixtures.demo
    static let timesSquare = Coordinate(latitude: 40.758, longitude: -73.9855)

    @Test func theatresAreNearestFirstAllWithinRadius() throws {
        let hits = try Self.store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: nil, on: nil)
        #expect(hits.count >= 5)
        #expect(hits.map(\.distanceMiles) == hits.map(\.distanceMiles).sorted())
        for hit in hits {
            #expect(hit.distanceMiles <= 40)
            #expect(abs(hit.distanceMiles - Self.timesSquare.distanceInMiles(to: hit.theatre.coordinate)) < 1e-9)
        }
        // A radius between two neighbours' distances keeps the nearer and drops the one just outside.
        let k = hits.count / 2
        let radius = (hits[k].distanceMiles + hits[k + 1].distanceMiles) / 2
        let inner = try Self.store.theatres(near: Self.timesSquare, radiusMiles: radius, playing: nil, on: nil)
        #expect(inner.map(\.theatre.id) == hits.prefix(k + 1).map(\.theatre.id))
        #expect(!inner.contains { $0.theatre.id == hits[k + 1].theatre.id })
        #expect(try Self.store.theatres(near: Coordinate(latitude: 47.0, longitude: -110.0), radiusMiles: 25, playing: nil, on: nil).isEmpty)
    }

    @Test func theatresPlayingAMovieOnADateAllShowIt() throws {
        let avengers = try #require(try Self.store.movies(title: "avengers", playingAt: nil, on: nil).first)
        let all = try Self.store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: nil, on: nil)
        let playing = try Self.store.theatres(near: Self.timesSquare, radiusMiles: 40, playing: avengers.id, on: testStartDate)
        #expect(!playing.isEmpty && playing.count <= all.count)
        for hit in playing {
            let shows = try Self.store.showtimes(theatreIDs: [hit.theatre.id], movieID: avengers.id, on: testStartDate)
            #expect(!shows.isEmpty)
        }
        let playingIDs = Set(playing.map(\.theatre.id))
        for hit in all where !playingIDs.contains(hit.theatre.id) {
            #expect(try Self.store.showtimes(theatreIDs: [hit.theatre.id], movieID: avengers.id, on: testStartDate).isEmpty)
        }
    }

    @Test(arguments: [("avngr", "Avengers: Secret Wars"), ("avenjers", "Avengers: Secret Wars"),
                      ("star wa", "Star Wars: Legacy of the Jedi"), ("STAR WARS jedi", "Star Wars: Legacy of the Jedi"),
                      ("jurasic", "Jurassic Dawn"), ("lightouse", "The Last Lighthouse")])
    func titleSearchToleratesPrefixesAndTypos(typed: String, expected: String) throws {
        let found = try Self.store.movies(title: typed, playingAt: nil, on: nil)
        #expect(found.first?.title == expected, "\(typed) found \(found.map(\.title))")
    }

    @Test func nonsenseFindsNothingAndNoTitleListsAll() throws {
        #expect(try Self.store.movies(title: "xqzvbk", playingAt: nil, on: nil).isEmpty)
        #expect(try Self.store.movies(title: "zzzz qqq", playingAt: nil, on: nil).isEmpty)
        let all = try Self.store.movies(title: nil, playingAt: nil, on: nil)
        #expect(all.count == (try Self.store.summary().movies))
        #expect(try Self.store.movies(title: "  ", playingAt: nil, on: nil) == all)
        #expect(try Self.store.movie(id: all[0].id) == all[0])
        #expect(try Self.store.movie(id: 999_999) == nil)
    }

    @Test func moviesPlayingAtTheatresOnADate() throws {
        let near = try Self.store.theatres(near: Self.timesSquare, radiusMiles: 10, playing: nil, on: nil).map(\.theatre.id)
        let movies = try Self.store.movies(title: nil, playingAt: near, on: testStartDate)
        #expect(!movies.isEmpty)
        let shows = try Self.store.showtimes(theatreIDs: near, movieID: nil, on: testStartDate)
        #expect(Set(movies.map(\.id)) == Set(shows.map(\.movieID)))
        #expect(try Self.store.movies(title: nil, playingAt: [], on: testStartDate).isEmpty)
        #expect(try Self.store.movies(title: nil, playingAt: near, on: LocalDate(year: 2030, month: 1, day: 1)).isEmpty)
    }

    @Test func showtimesAreOrderedByStartThenTheatreOrder() throws {
        let near = try Self.store.theatres(near: Self.timesSquare, radiusMiles: 15, playing: nil, on: nil).map(\.theatre.id)
        let shows = try Self.store.showtimes(theatreIDs: near, movieID: nil, on: testStartDate)
        #expect(!shows.isEmpty)
        let rank = Dictionary(uniqueKeysWithValues: near.enumerated().map { ($1, $0) })
        for (a, b) in zip(shows, shows.dropFirst()) {
            #expect(a.startsAt < b.startsAt || (a.startsAt == b.startsAt && rank[a.theatreID]! <= rank[b.theatreID]!))
        }
        #expect(shows.allSatisfy { $0.localDate == testStartDate && $0.timeZone == "America/New_York" && $0.capacity >= 60 })
        let one = shows[shows.count / 2]
        #expect(try Self.store.showtime(id: one.id) == one)
        #expect(try Self.store.showtime(id: -1) == nil)
        let screen = try #require(try Self.store.screen(id: one.screenID))
        #expect(screen.name == one.screenName && screen.format == one.format && screen.layout.capacity == one.capacity)
    }
}
