import BoxOfficeCore
import GRDB

// Records read from rows by column name, through internal initializers (GRDB stays out of the
// store's public API) (the names of the tables in Schema.swift and
// BookingSchema.swift, or the aliases of the joins that select them), never by position: a
// reordered SELECT cannot silently put a city in a street.

extension TheatreRecord {
    init(row: Row) {
        self.init(id: row["id"], chain: row["chain"], name: row["name"], street: row["street"], city: row["city"],
                  state: row["state"], zip: row["zip"], coordinate: Coordinate(latitude: row["lat"], longitude: row["lon"]),
                  timeZone: row["time_zone"], screenCount: row["screen_count"])
    }
}

extension ScreenRecord {
    init(row: Row) throws {
        let formatText: String = row["format"]
        guard let format = ScreenFormat(rawValue: formatText) else {
            throw BoxOfficeError.internalError("screen \(row["id"] as Int64) has an unknown format \"\(formatText)\"")
        }
        self.init(id: row["id"], theatreID: row["theatre_id"], name: row["name"], format: format,
                  layout: try SeatLayout(encoded: row["layout"]))
    }
}

extension MovieRecord {
    init(row: Row) throws {
        let genres: String = row["genres"]
        self.init(id: row["id"], title: row["title"], rating: row["rating"], runtimeMinutes: row["runtime_minutes"],
                  genres: genres.split(separator: ",").map(String.init),
                  releaseDate: try LocalDate(parsing: row["release_date"]))
    }
}

extension ShowtimeRecord {
    /// From `ShowtimeRecord.joinedSelect`, whose joined names are aliased.
    init(row: Row) throws {
        let formatText: String = row["format"]
        guard let format = ScreenFormat(rawValue: formatText) else {
            throw BoxOfficeError.internalError("showtime \(row["id"] as Int64) has an unknown format \"\(formatText)\"")
        }
        self.init(
            id: row["id"], theatreID: row["theatre_id"], theatreName: row["theatre_name"], movieID: row["movie_id"],
            movieTitle: row["movie_title"], screenID: row["screen_id"], screenName: row["screen_name"], startsAt: row["starts_at"],
            timeZone: row["time_zone"], localDate: try LocalDate(parsing: row["local_date"]), format: format, language: row["language"],
            prices: Prices(adultCents: row["price_adult"], childCents: row["price_child"], seniorCents: row["price_senior"],
                           premiumExtraCents: row["price_premium_extra"]),
            capacity: row["capacity"])
    }
}

extension ZipCode {
    init(row: Row) {
        self.init(zip: row["zip"], type: row["type"], city: row["city"], state: row["state"], county: row["county"],
                  timeZone: row["time_zone"], coordinate: Coordinate(latitude: row["lat"], longitude: row["lon"]))
    }
}

extension BookingRecord.Ticket {
    init(row: Row) {
        self.init(seatIndex: row["seat_index"], seatLabel: row["seat_label"],
                  type: TicketType(rawValue: row["ticket_type"]) ?? .adult, priceCents: row["price_cents"])
    }
}

extension IdempotencyRecord {
    init(row: Row) {
        self.init(requestDigest: row["request_digest"], bookingCode: row["booking_code"])
    }
}

extension OwedRefund {
    init(row: Row) {
        self.init(chargeReference: row["charge_ref"], amountCents: row["amount_cents"], userID: row["user_id"],
                  reason: row["reason"], owedSince: row["owed_since"])
    }
}
