public import BoxOfficeCore
import GRDB

extension CatalogueStore {
    static let showtimeSelect = """
        SELECT s.id, s.theatre_id, t.name AS theatre_name, s.movie_id, m.title AS movie_title, s.screen_id,
               sc.name AS screen_name, s.starts_at, t.time_zone, s.local_date, s.format, s.language,
               s.price_adult, s.price_child, s.price_senior, s.price_premium_extra, sc.capacity
        FROM showtimes s
        JOIN theatres t ON t.id = s.theatre_id
        JOIN movies m ON m.id = s.movie_id
        JOIN screens sc ON sc.id = s.screen_id
        """

    /// Showtimes at these theatres on a local date (each theatre's own), optionally of one movie; ordered by
    /// start, then by the order `theatreIDs` gives (nearest first when it comes from a location search).
    public func showtimes(theatreIDs: [Int64], movieID: Int64?, on date: LocalDate) throws -> [ShowtimeRecord] {
        // One indexed lookup per theatre: with a movie on (movie_id, local_date, theatre_id), without
        // one on (theatre_id, local_date, starts_at). Starting from the movie nationwide is 5x slower.
        let sql = movieID == nil
            ? "\(Self.showtimeSelect) WHERE s.theatre_id = ? AND s.local_date = ?"
            : "\(Self.showtimeSelect) WHERE s.movie_id = ? AND s.local_date = ? AND s.theatre_id = ?"
        return try dbPool.read { db in
            let statement = try db.cachedStatement(sql: sql)
            var found: [(record: ShowtimeRecord, order: Int)] = []
            var seenTheatres = Set<Int64>()
            for (order, theatreID) in theatreIDs.enumerated() where seenTheatres.insert(theatreID).inserted {
                let arguments: StatementArguments = movieID.map { [$0, date.description, theatreID] } ?? [theatreID, date.description]
                let rows = try Row.fetchCursor(statement, arguments: arguments)
                while let row = try rows.next() { found.append((try ShowtimeRecord(row: row), order)) }
            }
            found.sort {
                ($0.record.startsAt, $0.order, $0.record.screenName.count, $0.record.screenName, $0.record.id)
                    < ($1.record.startsAt, $1.order, $1.record.screenName.count, $1.record.screenName, $1.record.id)
            }
            return found.map(\.record)
        }
    }

    /// The showtime with this id, or nil.
    public func showtime(id: Int64) throws -> ShowtimeRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "\(Self.showtimeSelect) WHERE s.id = ?"), arguments: [id]).map(ShowtimeRecord.init(row:))
        }
    }
}
