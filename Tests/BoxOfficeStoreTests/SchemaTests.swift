@testable import BoxOfficeStore
import GRDB
import Testing

@Suite struct SchemaTests {
    @Test func migrationsFromEmptyCreateEveryTable() throws {
        let path = try temporaryDatabasePath()
        let store = try CatalogueStore(path: path)
        try store.dbPool.read { db in
            let names = try Set(String.fetchAll(db, sql: "SELECT name FROM sqlite_master"))
            for name in ["zip_codes", "zip_rtree", "theatres", "theatre_rtree", "screens", "movies", "movie_titles",
                         "movie_titles_vocab", "showtimes", "showtimes_by_theatre", "showtimes_by_movie",
                         "reviews", "movie_ratings", "revoked_tokens", "holds_live_by_user", "payment_intents",
                         "payment_intents_by_key"] {
                #expect(names.contains(name), "missing \(name)")
            }
            #expect(try CatalogueStore.migrator().appliedIdentifiers(db) == ["v1-catalogue", "v1-zip-codes", "v2-booking", "v3-owed-refunds",
                                                                                 "v4-reviews-sessions-premium", "v5-claim-expiry-payment-intents",
                                                                                 "v6-revocation-times"])
            // The whole bundled directory, military rows included.
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM zip_codes") == 41_387)
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2)  // FULL
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
        }
        #expect(try store.isEmpty())
        #expect(try store.summary() == CatalogueSummary(theatres: 0, screens: 0, movies: 0, showtimes: 0, firstDate: nil, lastDate: nil))
    }

    @Test func secondOpenMigratesNothingAndWorks() throws {
        let path = try temporaryDatabasePath()
        let first = try CatalogueStore(path: path)
        _ = try CatalogueGenerator(options: .init(theatres: 3, days: 1, seed: 7, startDate: testStartDate, metros: ["Denver"]))
            .generate(into: first)
        let before = try catalogueDigest(first)
        let second = try CatalogueStore(path: path)
        try second.dbPool.read { db in
            let completed = try CatalogueStore.migrator().hasCompletedMigrations(db)
            #expect(completed)
            let zips = try Int.fetchOne(db, sql: "SELECT count(*) FROM zip_codes")
            #expect(zips == 41_387)
        }
        #expect(try catalogueDigest(second) == before)
        #expect(try second.summary().theatres == 3)
        #expect(try second.resolve(.zip("80202")).timeZone == "America/Denver")
    }

    @Test func foreignKeysAndChecksAreEnforced() throws {
        let store = try CatalogueStore(path: try temporaryDatabasePath())
        #expect(throws: DatabaseError.self) {
            try store.dbPool.write { db in
                try db.execute(sql: "INSERT INTO screens (theatre_id, number, name, format, layout, capacity) VALUES (999, 1, 'A', 'standard', 'SS', 2)")
            }
        }
        #expect(throws: DatabaseError.self) {
            try store.dbPool.write { db in
                try db.execute(sql: "INSERT INTO movies (title, rating, runtime_minutes, genres, release_date) VALUES ('X', 'PG-15', 90, '', '2025-01-01')")
            }
        }
    }
}
