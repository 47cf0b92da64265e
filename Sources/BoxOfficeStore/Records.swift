public import BoxOfficeCore

/// A cinema: where it is, its IANA time zone (show dates and times are local to it) and how many screens it has.
public struct TheatreRecord: Sendable, Hashable {
    public var id: Int64
    public var chain: String
    public var name: String
    public var street: String
    public var city: String
    public var state: String
    public var zip: String
    public var coordinate: Coordinate
    /// IANA identifier, e.g. "America/Phoenix".
    public var timeZone: String
    public var screenCount: Int

    /// Makes a theatre record from its stored fields.
    public init(id: Int64, chain: String, name: String, street: String, city: String, state: String, zip: String,
                coordinate: Coordinate, timeZone: String, screenCount: Int) {
        self.id = id
        self.chain = chain
        self.name = name
        self.street = street
        self.city = city
        self.state = state
        self.zip = zip
        self.coordinate = coordinate
        self.timeZone = timeZone
        self.screenCount = screenCount
    }
}

/// A theatre found by a location search, with its great-circle distance from the search point.
public struct TheatreHit: Sendable, Hashable {
    public var theatre: TheatreRecord
    public var distanceMiles: Double

    /// Pairs a theatre with its distance in miles.
    public init(theatre: TheatreRecord, distanceMiles: Double) {
        self.theatre = theatre
        self.distanceMiles = distanceMiles
    }
}

/// An auditorium: its name, picture format and seat layout (capacity is `layout.capacity`).
public struct ScreenRecord: Sendable, Hashable {
    public var id: Int64
    public var theatreID: Int64
    /// "Auditorium 3".
    public var name: String
    public var format: ScreenFormat
    public var layout: SeatLayout

    /// Makes a screen record from its stored fields.
    public init(id: Int64, theatreID: Int64, name: String, format: ScreenFormat, layout: SeatLayout) {
        self.id = id
        self.theatreID = theatreID
        self.name = name
        self.format = format
        self.layout = layout
    }
}

/// A film: title, MPAA rating, runtime, genres and US release date.
public struct MovieRecord: Sendable, Hashable {
    public var id: Int64
    public var title: String
    /// G, PG, PG-13, R or NC-17.
    public var rating: String
    public var runtimeMinutes: Int
    public var genres: [String]
    public var releaseDate: LocalDate

    /// Makes a movie record from its stored fields.
    public init(id: Int64, title: String, rating: String, runtimeMinutes: Int, genres: [String], releaseDate: LocalDate) {
        self.id = id
        self.title = title
        self.rating = rating
        self.runtimeMinutes = runtimeMinutes
        self.genres = genres
        self.releaseDate = releaseDate
    }
}

/// Ticket prices of one showing in US cents.
public struct Prices: Sendable, Hashable {
    public var adultCents: Int64
    public var childCents: Int64
    public var seniorCents: Int64
    /// Added to a ticket of any type on a premium seat.
    public var premiumExtraCents: Int64

    /// Makes a price list in cents.
    public init(adultCents: Int64, childCents: Int64, seniorCents: Int64, premiumExtraCents: Int64 = 0) {
        self.adultCents = adultCents
        self.childCents = childCents
        self.seniorCents = seniorCents
        self.premiumExtraCents = premiumExtraCents
    }

    /// The price of a ticket of `type` on a seat of `kind`.
    public func cents(for type: TicketType, on kind: SeatKind) -> Int64 {
        let base = switch type {
        case .adult: adultCents
        case .child: childCents
        case .senior: seniorCents
        }
        return kind == .premium ? base + premiumExtraCents : base
    }
}

/// One showing of a movie on a screen, with the names a listing needs already joined in.
public struct ShowtimeRecord: Sendable, Hashable {
    /// The SELECT every store reads showtimes with (the same SQL in SQLite and PostgreSQL); the
    /// joined names are aliased as the records' column names.
    public static let joinedSelect = """
        SELECT s.id, s.theatre_id, t.name AS theatre_name, s.movie_id, m.title AS movie_title, s.screen_id,
               sc.name AS screen_name, s.starts_at, t.time_zone, s.local_date, s.format, s.language,
               s.price_adult, s.price_child, s.price_senior, s.price_premium_extra, sc.capacity
        FROM showtimes s
        JOIN theatres t ON t.id = s.theatre_id
        JOIN movies m ON m.id = s.movie_id
        JOIN screens sc ON sc.id = s.screen_id
        """

    public var id: Int64
    public var theatreID: Int64
    public var theatreName: String
    public var movieID: Int64
    public var movieTitle: String
    public var screenID: Int64
    public var screenName: String
    /// Unix seconds, UTC.
    public var startsAt: Int64
    /// The theatre's IANA time zone.
    public var timeZone: String
    /// The date of the show in the theatre's time zone.
    public var localDate: LocalDate
    public var format: ScreenFormat
    /// "en" or "es".
    public var language: String
    public var prices: Prices
    /// Seats in the screen's layout.
    public var capacity: Int

    /// Makes a showtime record from its stored and joined fields.
    public init(id: Int64, theatreID: Int64, theatreName: String, movieID: Int64, movieTitle: String,
                screenID: Int64, screenName: String, startsAt: Int64, timeZone: String, localDate: LocalDate,
                format: ScreenFormat, language: String, prices: Prices, capacity: Int) {
        self.id = id
        self.theatreID = theatreID
        self.theatreName = theatreName
        self.movieID = movieID
        self.movieTitle = movieTitle
        self.screenID = screenID
        self.screenName = screenName
        self.startsAt = startsAt
        self.timeZone = timeZone
        self.localDate = localDate
        self.format = format
        self.language = language
        self.prices = prices
        self.capacity = capacity
    }
}

/// A location query resolved against the ZIP directory: a point, its time zone and a label for people.
public struct ResolvedLocation: Sendable, Hashable {
    public var coordinate: Coordinate
    /// IANA time zone of the place (dates a person types there are local to it).
    public var timeZone: String
    /// e.g. "10001 New York, NY".
    public var label: String

    /// Makes a resolved location.
    public init(coordinate: Coordinate, timeZone: String, label: String) {
        self.coordinate = coordinate
        self.timeZone = timeZone
        self.label = label
    }
}

/// How big the catalogue is and which local dates its showtimes cover.
public struct CatalogueSummary: Sendable, Hashable {
    public var theatres: Int
    public var screens: Int
    public var movies: Int
    public var showtimes: Int
    public var firstDate: LocalDate?
    public var lastDate: LocalDate?

    /// Makes a summary.
    public init(theatres: Int, screens: Int, movies: Int, showtimes: Int, firstDate: LocalDate?, lastDate: LocalDate?) {
        self.theatres = theatres
        self.screens = screens
        self.movies = movies
        self.showtimes = showtimes
        self.firstDate = firstDate
        self.lastDate = lastDate
    }
}
