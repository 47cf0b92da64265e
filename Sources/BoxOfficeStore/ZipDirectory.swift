public import BoxOfficeCore
import Foundation
import GRDB

/// One row of the bundled US ZIP code directory.
public struct ZipCode: Sendable, Hashable {
    public var zip: String
    public var type: String
    public var city: String
    public var state: String
    public var county: String
    /// IANA identifier; "" when the ZIP has none (military post offices) or the directory's value is not one.
    public var timeZone: String
    public var coordinate: Coordinate

    public init(zip: String, type: String, city: String, state: String, county: String, timeZone: String, coordinate: Coordinate) {
        self.zip = zip
        self.type = type
        self.city = city
        self.state = state
        self.county = county
        self.timeZone = timeZone
        self.coordinate = coordinate
    }

    /// A ZIP a person can be at: it has a centroid (not 0,0) and a time zone.
    public var isPlace: Bool {
        !timeZone.isEmpty && !(coordinate.latitude == 0 && coordinate.longitude == 0)
    }
}

/// Reads `Resources/us-zipcodes.csv` and copies it into the `zip_codes` table.
enum ZipDirectory {
    /// Parses the bundled CSV (`zip,type,city,state,county,timezone,lat,lon`; no quoted fields).
    static func bundled() throws -> [ZipCode] {
        guard let url = Bundle.module.url(forResource: "us-zipcodes", withExtension: "csv") else {
            throw BoxOfficeError.internalError("us-zipcodes.csv is missing from the BoxOfficeStore bundle")
        }
        return try parse(String(decoding: Data(contentsOf: url), as: UTF8.self))
    }

    static func parse(_ text: String) throws -> [ZipCode] {
        var zips: [ZipCode] = []
        zips.reserveCapacity(42_000)
        // Validating each distinct identifier once keeps bad directory values (a city name in the
        // time-zone column) out of the database, where they would break local-time arithmetic.
        var knownZones: [Substring: Bool] = [:]
        for (number, line) in text.split(whereSeparator: \.isNewline).enumerated() where number > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 8, f[0].count == 5 else {
                throw BoxOfficeError.internalError("us-zipcodes.csv line \(number + 1) is malformed")
            }
            var zone = f[5]
            if !zone.isEmpty {
                let valid = knownZones[zone] ?? { let v = TimeZone(identifier: String(zone)) != nil; knownZones[zone] = v; return v }()
                if !valid { zone = "" }
            }
            zips.append(ZipCode(
                zip: String(f[0]), type: String(f[1]), city: String(f[2]), state: String(f[3]), county: String(f[4]),
                timeZone: String(zone),
                coordinate: Coordinate(latitude: Double(f[6]) ?? 0, longitude: Double(f[7]) ?? 0)))
        }
        return zips
    }

    /// Fills `zip_codes` and `zip_rtree` from the bundled file (inside the caller's transaction).
    static func importBundled(into db: Database) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO zip_codes (zip, type, city, state, county, time_zone, lat, lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertPoint = try db.cachedStatement(sql: """
            INSERT INTO zip_rtree (id, min_lat, max_lat, min_lon, max_lon) VALUES (?, ?, ?, ?, ?)
            """)
        for z in try bundled() {
            let lat = z.coordinate.latitude, lon = z.coordinate.longitude
            try insert.execute(arguments: [z.zip, z.type, z.city, z.state, z.county, z.timeZone, lat, lon])
            if z.isPlace, let id = Int64(z.zip) {
                try insertPoint.execute(arguments: [id, lat, lat, lon, lon])
            }
        }
    }

    /// Every ZIP stored in the database, in ZIP order.
    static func all(in db: Database) throws -> [ZipCode] {
        try Row.fetchAll(db, sql: "SELECT zip, type, city, state, county, time_zone, lat, lon FROM zip_codes ORDER BY zip").map(ZipCode.init(row:))
    }
}
