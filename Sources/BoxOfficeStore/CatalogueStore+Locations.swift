public import BoxOfficeCore
import GRDB

extension CatalogueStore {
    /// Resolves a ZIP, "City, ST" or coordinate to a point and time zone using the ZIP directory in SQLite
    /// (the rules are `Places`'). Throws INVALID_ARGUMENT, saying why, for an unknown ZIP or city, a
    /// military ZIP, or a point outside the US.
    public func resolve(_ query: LocationQuery) throws -> ResolvedLocation {
        try dbPool.read { db in
            switch query {
            case .zip(let zip):
                let statement = try db.cachedStatement(sql: "SELECT zip, type, city, state, county, time_zone, lat, lon FROM zip_codes WHERE zip = ?")
                return try Places.resolve(zip: zip, row: try Row.fetchOne(statement, arguments: [zip]).map(ZipCode.init(row:)))
            case .cityState(let city, let state):
                // NOCASE matches the index on (state, city COLLATE NOCASE); ZIP order makes "first ZIP" stable.
                let statement = try db.cachedStatement(sql: """
                    SELECT zip, type, city, state, county, time_zone, lat, lon FROM zip_codes
                    WHERE state = ? AND city = ? COLLATE NOCASE ORDER BY zip
                    """)
                let rows = try Row.fetchAll(statement, arguments: [state.uppercased(), city]).map(ZipCode.init(row:))
                return try Places.resolve(city: city, state: state, rows: rows)
            case .coordinate(let point):
                return try Places.resolve(point: point, candidates: try Self.zips(near: point, withinMiles: Places.usRadiusMiles, db))
            }
        }
    }

    /// The ZIPs with a centroid in the bounding box of `miles` around `point`, from the R*Tree.
    static func zips(near point: Coordinate, withinMiles miles: Double, _ db: Database) throws -> [ZipCode] {
        let box = point.boundingBox(radiusMiles: miles)
        let statement = try db.cachedStatement(sql: """
            SELECT z.zip, z.type, z.city, z.state, z.county, z.time_zone, z.lat, z.lon
            FROM zip_rtree r JOIN zip_codes z ON z.zip = printf('%05d', r.id)
            WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?
            """)
        return try Row.fetchAll(statement, arguments: [box.minLatitude, box.maxLatitude, box.minLongitude, box.maxLongitude])
            .map(ZipCode.init(row:))
    }
}
