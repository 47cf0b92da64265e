import BoxOfficeCore
import BoxOfficeStore
import PostgresNIO

// Store records from PostgreSQL rows, by column name, as RecordRows.swift makes them from SQLite's.

extension PostgresRandomAccessRow {
    /// The column `name` as `T`; a type mismatch is the store's bug, reported as INTERNAL.
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}

extension ZipCode {
    static let columns = "zip, type, city, state, county, time_zone, lat, lon"

    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        self.init(zip: try r.value("zip"), type: try r.value("type"), city: try r.value("city"), state: try r.value("state"),
                  county: try r.value("county"), timeZone: try r.value("time_zone"),
                  coordinate: Coordinate(latitude: try r.value("lat"), longitude: try r.value("lon")))
    }
}

extension TheatreRecord {
    static let columns = "t.id, t.chain, t.name, t.street, t.city, t.state, t.zip, t.lat, t.lon, t.time_zone, t.screen_count"

    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        self.init(id: try r.value("id"), chain: try r.value("chain"), name: try r.value("name"), street: try r.value("street"),
                  city: try r.value("city"), state: try r.value("state"), zip: try r.value("zip"),
                  coordinate: Coordinate(latitude: try r.value("lat"), longitude: try r.value("lon")),
                  timeZone: try r.value("time_zone"), screenCount: Int(try r.value("screen_count", as: Int32.self)))
    }
}

extension ScreenRecord {
    static let columns = "id, theatre_id, name, format, layout"

    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        let id: Int64 = try r.value("id")
        let formatText: String = try r.value("format")
        guard let format = ScreenFormat(rawValue: formatText) else {
            throw BoxOfficeError.internalError("screen \(id) has an unknown format \"\(formatText)\"")
        }
        self.init(id: id, theatreID: try r.value("theatre_id"), name: try r.value("name"), format: format,
                  layout: try SeatLayout(encoded: try r.value("layout")))
    }
}

extension MovieRecord {
    static let columns = "m.id, m.title, m.rating, m.runtime_minutes, m.genres, m.release_date"

    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        let genres: String = try r.value("genres")
        self.init(id: try r.value("id"), title: try r.value("title"), rating: try r.value("rating"),
                  runtimeMinutes: Int(try r.value("runtime_minutes", as: Int32.self)),
                  genres: genres.split(separator: ",").map(String.init), releaseDate: try LocalDate(parsing: try r.value("release_date")))
    }
}

extension ShowtimeRecord {
    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        let id: Int64 = try r.value("id")
        let formatText: String = try r.value("format")
        guard let format = ScreenFormat(rawValue: formatText) else {
            throw BoxOfficeError.internalError("showtime \(id) has an unknown format \"\(formatText)\"")
        }
        self.init(
            id: id, theatreID: try r.value("theatre_id"), theatreName: try r.value("theatre_name"), movieID: try r.value("movie_id"),
            movieTitle: try r.value("movie_title"), screenID: try r.value("screen_id"), screenName: try r.value("screen_name"),
            startsAt: try r.value("starts_at"), timeZone: try r.value("time_zone"),
            localDate: try LocalDate(parsing: try r.value("local_date")), format: format, language: try r.value("language"),
            prices: Prices(adultCents: try r.value("price_adult"), childCents: try r.value("price_child"),
                           seniorCents: try r.value("price_senior"), premiumExtraCents: try r.value("price_premium_extra")),
            capacity: Int(try r.value("capacity", as: Int32.self)))
    }
}

extension UserRecord {
    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        self.init(id: try r.value("id"), email: try r.value("email"), name: try r.value("name"), passwordHash: try r.value("password_hash"))
    }
}

extension ReviewRecord {
    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        self.init(userID: try r.value("user_id"), movieID: try r.value("movie_id"), stars: Int(try r.value("stars", as: Int32.self)),
                  text: try r.value("review"), reviewerName: try r.value("reviewer_name"),
                  createdAt: try r.value("created_at"), updatedAt: try r.value("updated_at"))
    }
}

extension OwedRefund {
    init(_ row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        self.init(chargeReference: try r.value("charge_ref"), amountCents: try r.value("amount_cents"), userID: try r.value("user_id"),
                  reason: try r.value("reason"), owedSince: try r.value("owed_since"))
    }
}
