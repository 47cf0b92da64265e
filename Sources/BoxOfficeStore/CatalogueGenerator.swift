public import BoxOfficeCore
import Foundation
import GRDB
import Logging

/// Deterministic for a seed: the same options give the same catalogue, byte for byte in content.
public struct CatalogueGenerator: Sendable {
    /// What to generate.
    public struct Options: Sendable {
        public var theatres: Int
        /// Days of showtimes from `startDate`.
        public var days: Int
        public var seed: UInt64
        public var startDate: LocalDate
        /// Metro names (e.g. "New York", "Chicago") to place theatres in; nil = the whole country.
        public var metros: [String]?

        /// Options for a catalogue of `theatres` theatres and `days` days of showtimes.
        public init(theatres: Int, days: Int, seed: UInt64, startDate: LocalDate, metros: [String]? = nil) {
            self.theatres = theatres
            self.days = days
            self.seed = seed
            self.startDate = startDate
            self.metros = metros
        }
    }

    /// About 50 theatres in six metros (New York, Los Angeles, Chicago, Phoenix, Denver, Houston), 7 days, a fixed seed.
    public static func demo(startDate: LocalDate) -> Options {
        Options(theatres: 50, days: 7, seed: 0xB0C5_0FF1_CE00_2025, startDate: startDate,
                metros: ["New York", "Los Angeles", "Chicago", "Phoenix", "Denver", "Houston"])
    }

    public let options: Options
    private static let logger = Logger(label: "BoxOfficeStore.CatalogueGenerator")
    /// Theatres whose showtimes go in one transaction: big enough that commits (each a flush under
    /// synchronous=FULL) cost nothing, small enough to keep the WAL modest.
    private static let theatresPerTransaction = 250

    /// A generator for these options.
    public init(options: Options) {
        self.options = options
    }

    /// Fills the ZIP table (if a migration has not) and the catalogue in batched transactions, then summarises it.
    /// Refuses (FAILED_PRECONDITION) a database that already has theatres.
    public func generate(into store: CatalogueStore) throws -> CatalogueSummary {
        guard options.theatres > 0, (1...366).contains(options.days) else {
            throw BoxOfficeError.invalidArgument("a catalogue needs at least one theatre and 1 to 366 days")
        }
        let started = ContinuousClock.now
        let zips = try store.dbPool.write { db in
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM zip_codes") == 0 { try ZipDirectory.importBundled(into: db) }
            return try ZipDirectory.all(in: db)
        }
        let theatres = try placeTheatres(zips)
        let movies = makeMovies(count: Self.movieCount(theatres: theatres.count))

        try store.dbPool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM theatres)") == false else {
                throw BoxOfficeError(.failedPrecondition, "the catalogue is not empty: generate into a new database")
            }
            try Self.insert(movies: movies, db)
            try Self.insert(theatres: theatres, db)
        }

        var scheduler = Scheduler(options: options, movies: movies)
        var nextShowtimeID: Int64 = 1
        var batchStart = 0
        while batchStart < theatres.count {
            let batch = theatres[batchStart..<min(batchStart + Self.theatresPerTransaction, theatres.count)]
            try store.dbPool.write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO showtimes (id, screen_id, theatre_id, movie_id, starts_at, local_date, format, language,
                                           price_adult, price_child, price_senior, price_premium_extra)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for theatre in batch {
                    try scheduler.schedule(theatre) { show in
                        try insert.execute(arguments: [
                            nextShowtimeID, show.screenID, theatre.id, show.movieID, show.startsAt, show.localDate,
                            show.format, show.language, show.prices.adultCents, show.prices.childCents, show.prices.seniorCents,
                            show.prices.premiumExtraCents,
                        ])
                        nextShowtimeID += 1
                    }
                }
            }
            batchStart += Self.theatresPerTransaction
        }
        try store.dbPool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA optimize") }
        let summary = try store.summary()
        Self.logger.info("generated catalogue", metadata: [
            "theatres": "\(summary.theatres)", "screens": "\(summary.screens)", "movies": "\(summary.movies)",
            "showtimes": "\(summary.showtimes)", "elapsed": "\(ContinuousClock.now - started)",
        ])
        return summary
    }

    /// ~40 movies for a demo, ~300 for the whole country.
    static func movieCount(theatres: Int) -> Int { min(300, 36 + theatres / 12) }

    private static func insert(movies: [PlannedMovie], _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO movies (id, title, rating, runtime_minutes, genres, release_date) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for m in movies {
            try statement.execute(arguments: [m.id, m.title, m.rating, m.runtimeMinutes, m.genres.joined(separator: ","),
                                              m.releaseDate.description])
        }
    }

    private static func insert(theatres: [PlannedTheatre], _ db: Database) throws {
        let theatre = try db.cachedStatement(sql: """
            INSERT INTO theatres (id, chain, name, street, city, state, zip, lat, lon, time_zone, screen_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let screen = try db.cachedStatement(sql: """
            INSERT INTO screens (id, theatre_id, number, name, format, layout, capacity) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for t in theatres {
            try theatre.execute(arguments: [t.id, t.chain, t.name, t.street, t.city, t.state, t.zip,
                                            t.coordinate.latitude, t.coordinate.longitude, t.timeZone, t.screens.count])
            for s in t.screens {
                try screen.execute(arguments: [s.id, t.id, s.number, "Auditorium \(s.number)", s.format.rawValue,
                                               s.layout, s.capacity])
            }
        }
    }
}
