import BoxOfficeCore
import GRDB

/// The SQLite database: opening, migrations, and every catalogue query. Thread-safe (wraps a GRDB DatabasePool).
public final class CatalogueStore: Sendable {
    /// The pool every query goes through. Not public: the store's API is its operations, so a
    /// second database can offer the same ones (tests reach it through `@testable import`).
    let dbPool: DatabasePool

    /// Opens or creates the file at `path` in WAL mode with `synchronous=FULL` and foreign keys on, then migrates it.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A writer waits for another instead of failing at once (two processes on one file, tests).
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: a committed booking survives a power cut; group commit pays for the flush.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        dbPool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool sets NORMAL on its writer when it enables WAL, after prepareDatabase ran;
        // the writer is the connection whose commits must survive a power cut.
        try dbPool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator().migrate(dbPool)
    }

    /// True when the connection that commits runs `synchronous=FULL`: a committed booking survives
    /// a power cut. (A benchmark of the writes checks it before it measures them.)
    public func commitsAreDurable() throws -> Bool {
        try dbPool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2
    }

    /// Folds the write-ahead log into the main file, so that one copied file holds everything.
    public func checkpoint() throws {
        _ = try dbPool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
    }

    /// True when the catalogue has no theatres (a fresh database, before generation).
    public func isEmpty() throws -> Bool {
        try dbPool.read { db in
            try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM theatres)") ?? true
        }
    }

    /// Counts of each catalogue table and the first and last local dates with showtimes.
    public func summary() throws -> CatalogueSummary {
        try dbPool.read { db in
            let count = { (table: String) in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
            // Per-movie min/max are single seeks on showtimes_by_movie; a plain min(local_date)
            // would scan millions of rows.
            let first = try String.fetchOne(db, sql: """
                SELECT min((SELECT min(local_date) FROM showtimes WHERE movie_id = m.id)) FROM movies m
                """)
            let last = try String.fetchOne(db, sql: """
                SELECT max((SELECT max(local_date) FROM showtimes WHERE movie_id = m.id)) FROM movies m
                """)
            return CatalogueSummary(
                theatres: try count("theatres"), screens: try count("screens"), movies: try count("movies"),
                showtimes: try count("showtimes"),
                firstDate: try first.map { try LocalDate(parsing: $0) },
                lastDate: try last.map { try LocalDate(parsing: $0) })
        }
    }
}
