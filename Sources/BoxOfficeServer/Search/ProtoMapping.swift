import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore

// Conversions from store records to wire messages. Kept in one place so every call describes a
// theatre, screen, movie or showtime the same way.

extension Boxoffice_V1_Theatre {
    init(_ record: TheatreRecord) {
        self.init()
        id = record.id
        chain = record.chain
        name = record.name
        address = .init(record)
        position = .init(record.coordinate)
        timeZone = record.timeZone
        screenCount = UInt32(record.screenCount)
    }
}

extension Boxoffice_V1_Address {
    init(_ theatre: TheatreRecord) {
        self.init()
        street = theatre.street
        city = theatre.city
        state = theatre.state
        zip = theatre.zip
    }
}

extension Boxoffice_V1_LatLng {
    init(_ coordinate: Coordinate) {
        self.init()
        latitude = coordinate.latitude
        longitude = coordinate.longitude
    }
}

extension Boxoffice_V1_Movie {
    init(_ record: MovieRecord) {
        self.init()
        id = record.id
        title = record.title
        rating = record.rating
        runtimeMinutes = UInt32(record.runtimeMinutes)
        genres = record.genres
        releaseDate = record.releaseDate.description
    }

    /// The movie with its users' average rating.
    init(_ record: MovieRecord, rating: RatingSummary?) {
        self.init(record)
        averageStars = rating?.averageStars ?? 0
        ratingCount = UInt32(rating?.count ?? 0)
    }
}

extension Boxoffice_V1_ScreenFormat {
    init(_ format: ScreenFormat) {
        switch format {
        case .standard: self = .standard
        case .imax: self = .imax
        case .threeD: self = .threeD
        case .dolbyCinema: self = .dolbyCinema
        case .premiumLarge: self = .premiumLarge
        }
    }
}

extension Boxoffice_V1_SeatKind {
    init(_ kind: SeatKind) {
        switch kind {
        case .standard: self = .standard
        case .wheelchair: self = .wheelchair
        case .companion: self = .companion
        case .premium: self = .premium
        }
    }
}

extension Boxoffice_V1_Screen {
    /// The screen and its layout; with `taken`, every seat also carries its state for a showtime.
    init(_ record: ScreenRecord, taken: TakenSeats? = nil) {
        self.init()
        id = record.id
        theatreID = record.theatreID
        name = record.name
        format = .init(record.format)
        capacity = UInt32(record.layout.capacity)
        rows = record.layout.rows.enumerated().map { rowNumber, seats in
            Boxoffice_V1_SeatRow.with { row in
                row.label = SeatLayout.rowLabel(rowNumber)
                row.seats = seats.map { seat in
                    Boxoffice_V1_Seat.with {
                        $0.label = seat.label
                        $0.number = UInt32(seat.number)
                        $0.column = UInt32(seat.column)
                        $0.kind = .init(seat.kind)
                        if let taken {
                            $0.state = taken.sold.contains(seat.index) ? .sold
                                : taken.held.contains(seat.index) ? .held : .available
                        }
                    }
                }
            }
        }
    }
}

extension Boxoffice_V1_Showtime {
    /// The showtime as answered; `nowMilliseconds` decides whether it has `started`.
    init(_ record: ShowtimeRecord, seatsLeft: Int, distanceMiles: Double, localTime: LocalTime,
         nowMilliseconds: Int64) throws(BoxOfficeError) {
        self.init()
        id = record.id
        theatreID = record.theatreID
        theatreName = record.theatreName
        movieID = record.movieID
        movieTitle = record.movieTitle
        screenID = record.screenID
        screenName = record.screenName
        startsAtMs = record.startsAt * 1000
        startsAtLocal = try localTime.rfc3339(unixSeconds: record.startsAt, in: record.timeZone)
        timeZone = record.timeZone
        format = .init(record.format)
        language = record.language
        prices = .with {
            $0.adultCents = record.prices.adultCents
            $0.childCents = record.prices.childCents
            $0.seniorCents = record.prices.seniorCents
            $0.premiumExtraCents = record.prices.premiumExtraCents
        }
        capacity = UInt32(record.capacity)
        self.seatsLeft = UInt32(max(0, seatsLeft))
        self.distanceMiles = distanceMiles
        started = record.startsAt * 1000 <= nowMilliseconds
    }
}
