public import BoxOfficeCore
import GRDB

extension CatalogueStore {
    static let theatreColumns = "t.id, t.chain, t.name, t.street, t.city, t.state, t.zip, t.lat, t.lon, t.time_zone, t.screen_count"
    static let screenColumns = "id, theatre_id, name, format, layout"

    /// Every theatre within `radiusMiles` of `near`, nearest first (ties by id). With `movieID`, only theatres
    /// showing that movie on `date` (any date when `date` is nil).
    /// The R*Tree narrows to a bounding box; exact great-circle distance decides and sorts.
    public func theatres(near point: Coordinate, radiusMiles: Double, playing movieID: Int64?, on date: LocalDate?) throws -> [TheatreHit] {
        let box = point.boundingBox(radiusMiles: radiusMiles)
        var sql = """
            SELECT \(Self.theatreColumns) FROM theatre_rtree r JOIN theatres t ON t.id = r.id
            WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?
            """
        var arguments: StatementArguments = [box.minLatitude, box.maxLatitude, box.minLongitude, box.maxLongitude]
        if let movieID {
            // One seek per candidate on showtimes_by_movie (movie_id, local_date, theatre_id).
            if let date {
                sql += " AND EXISTS (SELECT 1 FROM showtimes s WHERE s.movie_id = ? AND s.local_date = ? AND s.theatre_id = t.id)"
                arguments += [movieID, date.description]
            } else {
                sql += " AND EXISTS (SELECT 1 FROM showtimes s WHERE s.movie_id = ? AND s.theatre_id = t.id)"
                arguments += [movieID]
            }
        }
        return try dbPool.read { db in
            let candidates = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(TheatreRecord.init(row:))
            return Places.nearest(candidates, to: point, radiusMiles: radiusMiles)
        }
    }

    /// Every time zone the catalogue names, theatres' and places' alike, for checking them at load.
    public func timeZoneNames() throws -> [String] {
        try dbPool.read { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT time_zone FROM theatres UNION SELECT DISTINCT time_zone FROM zip_codes WHERE time_zone <> ''
                """)
        }
    }

    /// The theatre with this id, or nil.
    public func theatre(id: Int64) throws -> TheatreRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.theatreColumns) FROM theatres t WHERE t.id = ?"),
                             arguments: [id]).map(TheatreRecord.init(row:))
        }
    }

    /// A theatre's screens, "Auditorium 1" first, numerically (2 before 10).
    public func screens(theatreID: Int64) throws -> [ScreenRecord] {
        try dbPool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.screenColumns) FROM screens WHERE theatre_id = ? ORDER BY number"),
                             arguments: [theatreID]).map(ScreenRecord.init(row:))
        }
    }

    /// The screen with this id, or nil.
    public func screen(id: Int64) throws -> ScreenRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.screenColumns) FROM screens WHERE id = ?"),
                             arguments: [id]).map(ScreenRecord.init(row:))
        }
    }
}
