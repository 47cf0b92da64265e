public import BoxOfficeCore
import GRDB

extension CatalogueStore {
    /// Showtimes at these theatres on a local date (each theatre's own), optionally of one movie; ordered by
    /// start, then by the order `theatreIDs` gives (nearest first when it comes from a location search).
    public func showtimes(theatreIDs: [Int64], movieID: Int64?, on date: LocalDate) throws -> [ShowtimeRecord] {
        // One indexed lookup per theatre: with a movie on (movie_id, local_date, theatre_id), without
        // one on (theatre_id, local_date, starts_at). Starting from the movie nationwide is 5x slower.
        let sql = movieID == nil
            ? "\(ShowtimeRecord.joinedSelect) WHERE s.theatre_id = ? AND s.local_date = ?"
            : "\(ShowtimeRecord.joinedSelect) WHERE s.movie_id = ? AND s.local_date = ? AND s.theatre_id = ?"
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
            try Row.fetchOne(db.cachedStatement(sql: "\(ShowtimeRecord.joinedSelect) WHERE s.id = ?"), arguments: [id]).map(ShowtimeRecord.init(row:))
        }
    }
}
