public import BoxOfficeCore
import GRDB

extension CatalogueStore {
    /// How far a coordinate may be from the nearest US ZIP centroid and still count as in the US.
    static let usRadiusMiles = 30.0

    /// Resolves a ZIP, "City, ST" or coordinate to a point and time zone using the ZIP directory in SQLite.
    /// Throws INVALID_ARGUMENT, saying why, for an unknown ZIP or city, a military ZIP, or a point outside the US.
    public func resolve(_ query: LocationQuery) throws -> ResolvedLocation {
        try dbPool.read { db in
            switch query {
            case .zip(let zip): try Self.resolve(zip: zip, db)
            case .cityState(let city, let state): try Self.resolve(city: city, state: state, db)
            case .coordinate(let point): try Self.resolve(point: point, db)
            }
        }
    }

    private static func resolve(zip: String, _ db: Database) throws -> ResolvedLocation {
        let statement = try db.cachedStatement(sql: """
            SELECT zip, type, city, state, county, time_zone, lat, lon FROM zip_codes WHERE zip = ?
            """)
        guard let row = try Row.fetchOne(statement, arguments: [zip]) else {
            throw BoxOfficeError.invalidArgument("no US ZIP code \(zip)")
        }
        let z = ZipCode(row: row)
        guard z.isPlace else {
            let what = z.type == "MILITARY" ? "a military (APO/FPO/DPO) ZIP code" : "a ZIP code without a location"
            throw BoxOfficeError.invalidArgument(
                "ZIP code \(zip) is \(what) with no time zone: give a ZIP code, city or coordinate in the United States")
        }
        return ResolvedLocation(coordinate: z.coordinate, timeZone: z.timeZone, label: "\(z.zip) \(z.city), \(z.state)")
    }

    private static func resolve(city: String, state: String, _ db: Database) throws -> ResolvedLocation {
        // NOCASE matches the index on (state, city COLLATE NOCASE); ZIP order makes "first ZIP" stable.
        let statement = try db.cachedStatement(sql: """
            SELECT zip, type, city, state, county, time_zone, lat, lon FROM zip_codes
            WHERE state = ? AND city = ? COLLATE NOCASE ORDER BY zip
            """)
        let places = try Row.fetchAll(statement, arguments: [state.uppercased(), city]).map(ZipCode.init(row:)).filter(\.isPlace)
        guard let first = places.first else {
            throw BoxOfficeError.invalidArgument("no city \"\(city)\" in \(state.uppercased()): check the spelling or give a ZIP code")
        }
        let n = Double(places.count)
        let mean = Coordinate(
            latitude: places.reduce(0) { $0 + $1.coordinate.latitude } / n,
            longitude: places.reduce(0) { $0 + $1.coordinate.longitude } / n)
        return ResolvedLocation(coordinate: mean, timeZone: first.timeZone, label: "\(first.city), \(first.state)")
    }

    private static func resolve(point: Coordinate, _ db: Database) throws -> ResolvedLocation {
        guard let (nearest, _) = try nearestZip(to: point, withinMiles: usRadiusMiles, db) else {
            throw BoxOfficeError.invalidArgument(
                "\(point) is outside the United States: no US ZIP code within \(Int(usRadiusMiles)) miles; BoxOffice serves US theatres only")
        }
        return ResolvedLocation(coordinate: point, timeZone: nearest.timeZone,
                                label: "\(point) near \(nearest.city), \(nearest.state)")
    }

    /// The ZIP (with a place) whose centroid is nearest `point`, if one lies within `miles`.
    static func nearestZip(to point: Coordinate, withinMiles miles: Double, _ db: Database) throws -> (ZipCode, Double)? {
        let box = point.boundingBox(radiusMiles: miles)
        let statement = try db.cachedStatement(sql: """
            SELECT z.zip, z.type, z.city, z.state, z.county, z.time_zone, z.lat, z.lon
            FROM zip_rtree r JOIN zip_codes z ON z.zip = printf('%05d', r.id)
            WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?
            """)
        var best: (ZipCode, Double)?
        let rows = try Row.fetchCursor(statement, arguments: [box.minLatitude, box.maxLatitude, box.minLongitude, box.maxLongitude])
        while let row = try rows.next() {
            let z = ZipCode(row: row)
            let d = point.distanceInMiles(to: z.coordinate)
            // Ties go to the lower ZIP so the answer is stable.
            if d <= miles, best == nil || d < best!.1 || (d == best!.1 && z.zip < best!.0.zip) { best = (z, d) }
        }
        return best
    }
}
