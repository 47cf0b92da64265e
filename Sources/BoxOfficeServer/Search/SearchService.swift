import BoxOfficeBooking
import BoxOfficeGuard
import Foundation
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore

/// The catalogue calls: theatres, movies and showtimes near a place, a theatre's screens, and a
/// showtime's seat map. Validates every argument with a message that says what to fix, and answers
/// NOT_FOUND when a search finds nothing.
final class SearchService: Sendable {
    static let defaultRadiusMiles = 25.0
    static let maxRadiusMiles = 100.0
    /// A showtime search near a place looks at this many of the nearest theatres, which bounds
    /// its cost in dense metros (an answer costs in proportion to its size: see BENCHMARKS.md).
    static let maxTheatresPerShowtimeSearch = 50

    let reader: CatalogueReader
    let seats: any SeatAvailability
    /// Movies' ratings, read fresh for every answer (they change as people rate).
    let ratings: any ReviewStore
    let localTime: LocalTime
    let clock: any TimeSource
    /// Seat maps' screens, encoded once per state of a showtime's seats.
    let screens = ScreenEncodingCache()

    init(reader: CatalogueReader, seats: any SeatAvailability, ratings: any ReviewStore, localTime: LocalTime, clock: any TimeSource) {
        self.reader = reader
        self.seats = seats
        self.ratings = ratings
        self.localTime = localTime
        self.clock = clock
    }

    // MARK: Theatres

    func searchTheatres(_ request: Boxoffice_V1_SearchTheatresRequest) async throws -> Boxoffice_V1_SearchTheatresResponse {
        guard request.hasNear else {
            throw BoxOfficeError.invalidArgument("near is required: give a ZIP code, \"City, ST\" or latitude,longitude")
        }
        let query = try Self.locationQuery(request.near)
        let radius = try Self.radius(request.radiusMiles)
        var movie: MovieRecord?
        if request.movieID != 0 {
            movie = try await existingMovie(request.movieID)
        } else if !request.date.isEmpty {
            throw BoxOfficeError.invalidArgument("date narrows theatres to those playing a movie: give movie_id too")
        }
        let location = try await reader.resolve(query)
        let date = movie == nil ? nil : try date(request.date, defaultZone: location.timeZone)
        let page = try PageRequest(size: request.pageSize, token: request.pageToken,
                                   query: "theatres|\(query)|\(radius)|\(request.movieID)|\(date.map { "\($0)" } ?? "")")
        let hits = try await reader.theatres(near: location.coordinate, radiusMiles: radius, playing: movie?.id, on: date)
        guard !hits.isEmpty else {
            let playing = movie.map { " playing \"\($0.title)\" on \(date!)" } ?? ""
            throw BoxOfficeError.notFound("no theatres within \(Self.format(radius)) miles of \(location.label)\(playing)")
        }
        let (slice, next) = page.page(of: hits)
        return .with {
            $0.theatres = slice.map { hit in
                .with {
                    $0.theatre = .init(hit.theatre)
                    $0.distanceMiles = hit.distanceMiles
                }
            }
            $0.nextPageToken = next
            $0.total = UInt32(hits.count)
        }
    }

    // MARK: Movies

    func searchMovies(_ request: Boxoffice_V1_SearchMoviesRequest) async throws -> Boxoffice_V1_SearchMoviesResponse {
        let title = request.title.trimmingCharacters(in: .whitespacesAndNewlines)
        var theatreIDs: [Int64]?
        var date: LocalDate?
        var whereText = ""
        if request.hasNear {
            let query = try Self.locationQuery(request.near)
            let radius = try Self.radius(request.radiusMiles)
            let location = try await reader.resolve(query)
            date = try self.date(request.date, defaultZone: location.timeZone)
            let hits = try await reader.theatres(near: location.coordinate, radiusMiles: radius, playing: nil, on: nil)
            theatreIDs = hits.map(\.theatre.id)
            whereText = " playing within \(Self.format(radius)) miles of \(location.label) on \(date!)"
        } else if !request.date.isEmpty {
            throw BoxOfficeError.invalidArgument("date narrows movies to those playing near a place: give near too")
        }
        let page = try PageRequest(size: request.pageSize, token: request.pageToken,
                                   query: "movies|\(title)|\(theatreIDs ?? [])|\(date.map { "\($0)" } ?? "")")
        let movies = theatreIDs?.isEmpty == true
            ? []
            : try await reader.movies(title: title.isEmpty ? nil : title, playingAt: theatreIDs, on: date)
        guard !movies.isEmpty else {
            let titled = title.isEmpty ? "no movies" : "no movies match \"\(title)\""
            throw BoxOfficeError.notFound(titled + whereText)
        }
        let (slice, next) = page.page(of: movies)
        let rated = try await ratings.ratingSummaries(movieIDs: slice.map(\.id))
        return .with {
            $0.movies = slice.map { Boxoffice_V1_Movie($0, rating: rated[$0.id]) }
            $0.nextPageToken = next
            $0.total = UInt32(movies.count)
        }
    }

    // MARK: Showtimes

    func searchShowtimes(_ request: Boxoffice_V1_SearchShowtimesRequest) async throws -> Boxoffice_V1_SearchShowtimesResponse {
        guard request.theatreID != 0 || request.hasNear else {
            throw BoxOfficeError.invalidArgument("give theatre_id or near (or both) to search showtimes")
        }
        let movie = request.movieID == 0 ? nil : try await existingMovie(request.movieID)
        var theatres: [TheatreHit]
        let date: LocalDate
        var whereText: String
        if request.theatreID != 0 {
            let theatre = try await existingTheatre(request.theatreID)
            var distance = 0.0
            if request.hasNear {
                let location = try await reader.resolve(try Self.locationQuery(request.near))
                distance = location.coordinate.distanceInMiles(to: theatre.coordinate)
            }
            theatres = [TheatreHit(theatre: theatre, distanceMiles: distance)]
            date = try self.date(request.date, defaultZone: theatre.timeZone)
            whereText = "at \(theatre.name)"
        } else {
            let radius = try Self.radius(request.radiusMiles)
            let location = try await reader.resolve(try Self.locationQuery(request.near))
            date = try self.date(request.date, defaultZone: location.timeZone)
            theatres = try await reader.theatres(near: location.coordinate, radiusMiles: radius, playing: movie?.id, on: date)
            theatres = Array(theatres.prefix(Self.maxTheatresPerShowtimeSearch))
            whereText = "within \(Self.format(radius)) miles of \(location.label)"
        }
        let fromMinute = try Self.minuteOfDay(request.fromLocalTime)
        let now = clock.nowMilliseconds
        // The filters are part of the query a page token belongs to; "upcoming" moves with the
        // clock, so a later page may start a little further on, never repeat a show.
        let page = try PageRequest(size: request.pageSize, token: request.pageToken,
                                   query: "showtimes|\(theatres.map(\.theatre.id))|\(request.movieID)|\(date)|\(request.fromLocalTime)|\(request.upcomingOnly)")
        var found = theatres.isEmpty ? [] : try await reader.showtimes(theatreIDs: theatres.map(\.theatre.id), movieID: movie?.id, on: date)
        if request.upcomingOnly { found.removeAll { $0.startsAt * 1000 <= now } }
        if let fromMinute { found = try found.filter { try self.localMinuteOfDay(of: $0) >= fromMinute } }
        guard !found.isEmpty else {
            let what = movie.map { "no showtimes of \"\($0.title)\"" } ?? "no showtimes"
            let when = fromMinute != nil ? " from \(request.fromLocalTime)" : request.upcomingOnly ? " still to start" : ""
            throw BoxOfficeError.notFound("\(what) \(whereText) on \(date)\(when)")
        }
        // Nearest theatre first, then by start time within a theatre.
        let rank = Dictionary(uniqueKeysWithValues: theatres.enumerated().map { ($1.theatre.id, ($0, $1.distanceMiles)) })
        let ordered = found.sorted { a, b in
            let (ra, rb) = (rank[a.theatreID]?.0 ?? .max, rank[b.theatreID]?.0 ?? .max)
            return ra != rb ? ra < rb : (a.startsAt, a.id) < (b.startsAt, b.id)
        }
        let (slice, next) = page.page(of: ordered)
        let taken = try await seats.takenSeatCounts(of: Array(slice))
        let showtimes = try zip(slice, taken).map { record, taken throws(BoxOfficeError) in
            try Boxoffice_V1_Showtime(record, seatsLeft: record.capacity - taken,
                                  distanceMiles: rank[record.theatreID]?.1 ?? 0, localTime: localTime, nowMilliseconds: now)
        }
        return .with {
            $0.showtimes = showtimes
            $0.nextPageToken = next
            $0.total = UInt32(ordered.count)
        }
    }

    // MARK: Screens and seats

    func listScreens(_ request: Boxoffice_V1_ListScreensRequest) async throws -> Boxoffice_V1_ListScreensResponse {
        let theatre = try await existingTheatre(request.theatreID)
        let page = try PageRequest(size: request.pageSize, token: request.pageToken, query: "screens|\(theatre.id)")
        let screens = try await reader.screens(theatreID: theatre.id)
        guard !screens.isEmpty else { throw BoxOfficeError.notFound("\(theatre.name) has no screens") }
        let (slice, next) = page.page(of: screens)
        return .with {
            $0.theatre = .init(theatre)
            $0.screens = slice.map { Boxoffice_V1_Screen($0) }
            $0.nextPageToken = next
            $0.total = UInt32(screens.count)
        }
    }

    func seatMap(_ request: Boxoffice_V1_GetSeatMapRequest) async throws -> Boxoffice_V1_SeatMap {
        let id = try Self.validID(request.showtimeID, field: "showtime_id")
        guard let showtime = try await reader.showtime(id: id) else {
            throw BoxOfficeError.notFound("no showtime with id \(id)")
        }
        guard let screen = try await reader.screens(theatreID: showtime.theatreID).first(where: { $0.id == showtime.screenID }) else {
            throw BoxOfficeError.internalError("showtime \(id) names a screen that does not exist")
        }
        let taken = try await seats.takenSeats(of: showtime)
        let heldOnly = taken.held.subtracting(taken.sold)
        let screenField = try screens.screenField(showtimeID: id, taken: taken) { .init(screen, taken: taken) }
        let answeredShowtime = try Boxoffice_V1_Showtime(showtime, seatsLeft: showtime.capacity - heldOnly.count - taken.sold.count,
                                                         distanceMiles: 0, localTime: localTime, nowMilliseconds: clock.nowMilliseconds)
        return .with {
            $0.showtime = answeredShowtime
            $0.unknownFields = screenField  // the screen, already encoded (see ScreenEncodingCache)
            $0.sold = UInt32(taken.sold.count)
            $0.held = UInt32(heldOnly.count)
            $0.available = UInt32(max(0, screen.layout.capacity - taken.sold.count - heldOnly.count))
        }
    }

    // MARK: Arguments

    private func existingTheatre(_ rawID: Int64) async throws -> TheatreRecord {
        let id = try Self.validID(rawID, field: "theatre_id")
        guard let theatre = try await reader.theatre(id: id) else {
            throw BoxOfficeError.notFound("no theatre with id \(id)")
        }
        return theatre
    }

    private func existingMovie(_ rawID: Int64) async throws -> MovieRecord {
        let id = try Self.validID(rawID, field: "movie_id")
        guard let movie = try await reader.movie(id: id) else {
            throw BoxOfficeError.notFound("no movie with id \(id)")
        }
        return movie
    }

    /// The requested local date, or today in `defaultZone`.
    private func date(_ text: String, defaultZone: String) throws -> LocalDate {
        text.isEmpty ? try localTime.localDate(at: clock.now, in: defaultZone) : try LocalDate(parsing: text)
    }

    /// "HH:MM" as minutes after midnight; nil for "" (no filter).
    static func minuteOfDay(_ text: String) throws -> Int? {
        guard !text.isEmpty else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { throw BoxOfficeError.invalidArgument("from_local_time \"\(text)\" must be a time of day HH:MM, 00:00 to 23:59") }
        return hour * 60 + minute
    }

    /// A showtime's start as minutes after midnight of its listing date in its theatre's zone: a
    /// show after midnight that belongs to the evening before counts past 24:00.
    private func localMinuteOfDay(of showtime: ShowtimeRecord) throws -> Int {
        let local = try localTime.local(showtime.startsAt, in: showtime.timeZone)
        return local.minutesAfterMidnight + (local.date > showtime.localDate ? 24 * 60 : 0)
    }

    static func validID(_ id: Int64, field: String) throws -> Int64 {
        guard id > 0 else { throw BoxOfficeError.invalidArgument("\(field) must be a positive id, not \(id)") }
        return id
    }

    static func radius(_ miles: Double) throws -> Double {
        if miles == 0 { return defaultRadiusMiles }
        guard miles.isFinite, miles > 0, miles <= maxRadiusMiles else {
            throw BoxOfficeError.invalidArgument("radius_miles must be between 0 and \(Int(maxRadiusMiles)), not \(miles)")
        }
        return miles
    }

    static func locationQuery(_ location: Boxoffice_V1_Location) throws -> LocationQuery {
        switch location.place {
        case .zip(let zip):
            return .zip(try LocationQuery.validatedZIP(zip))
        case .cityState(let text):
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw BoxOfficeError.invalidArgument("city_state \"\(text)\" must read \"City, ST\"")
            }
            return try LocationQuery.validatedCityState(city: String(parts[0]), state: String(parts[1]))
        case .latLng(let point):
            return .coordinate(try LocationQuery.validatedCoordinate(
                Coordinate(latitude: point.latitude, longitude: point.longitude)))
        case nil:
            throw BoxOfficeError.invalidArgument("the location has no place: set zip, city_state or lat_lng")
        }
    }

    static func format(_ miles: Double) -> String {
        miles == miles.rounded() ? String(Int(miles)) : String(format: "%.1f", miles)
    }
}
