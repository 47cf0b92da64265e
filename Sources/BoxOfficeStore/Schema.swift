import GRDB

extension CatalogueStore {
    /// The versioned schema. Later issues append their own migrations (bookings, holds…) to this one migrator.
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalogue") { db in
            try db.execute(sql: Schema.catalogueV1)
        }
        // The directory ships inside the module so that a server resolves places from SQLite alone.
        migrator.registerMigration("v1-zip-codes") { db in
            try ZipDirectory.importBundled(into: db)
        }
        BookingSchema.register(in: &migrator)
        return migrator
    }
}

/// The catalogue tables. Constraints live here, not in Swift, so every writer is held to them.
enum Schema {
    static let formats = "('standard','imax','3d','dolby','plf')"

    static let catalogueV1 = """
        CREATE TABLE zip_codes (
            zip TEXT NOT NULL PRIMARY KEY CHECK (length(zip) = 5),
            type TEXT NOT NULL CHECK (type IN ('STANDARD','PO BOX','UNIQUE','MILITARY')),
            city TEXT NOT NULL,
            state TEXT NOT NULL CHECK (length(state) = 2),
            county TEXT NOT NULL,
            time_zone TEXT NOT NULL,          -- '' for military post offices: they have no place
            lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
            lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180)
        ) WITHOUT ROWID;
        CREATE INDEX zip_codes_by_city ON zip_codes (state, city COLLATE NOCASE);
        -- Only ZIPs with a real centroid and a time zone: the ones a coordinate may resolve to.
        -- id is the ZIP as an integer (5 digits, so leading zeros lose nothing).
        CREATE VIRTUAL TABLE zip_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);

        CREATE TABLE theatres (
            id INTEGER PRIMARY KEY,
            chain TEXT NOT NULL,
            name TEXT NOT NULL CHECK (name <> ''),
            street TEXT NOT NULL,
            city TEXT NOT NULL,
            state TEXT NOT NULL CHECK (length(state) = 2),
            zip TEXT NOT NULL REFERENCES zip_codes (zip),
            lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
            lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
            time_zone TEXT NOT NULL CHECK (time_zone <> ''),
            screen_count INTEGER NOT NULL CHECK (screen_count BETWEEN 1 AND 30)
        );
        -- Points stored as degenerate boxes; a radius search asks for a bounding box, then exact distance.
        CREATE VIRTUAL TABLE theatre_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
        CREATE TRIGGER theatres_rtree_insert AFTER INSERT ON theatres BEGIN
            INSERT INTO theatre_rtree (id, min_lat, max_lat, min_lon, max_lon) VALUES (new.id, new.lat, new.lat, new.lon, new.lon);
        END;
        CREATE TRIGGER theatres_rtree_update AFTER UPDATE OF lat, lon ON theatres BEGIN
            UPDATE theatre_rtree SET min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon WHERE id = new.id;
        END;
        CREATE TRIGGER theatres_rtree_delete AFTER DELETE ON theatres BEGIN
            DELETE FROM theatre_rtree WHERE id = old.id;
        END;

        CREATE TABLE screens (
            id INTEGER PRIMARY KEY,
            theatre_id INTEGER NOT NULL REFERENCES theatres (id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number > 0),  -- orders "Auditorium 2" before "Auditorium 10"
            name TEXT NOT NULL,
            format TEXT NOT NULL CHECK (format IN \(formats)),
            layout TEXT NOT NULL CHECK (layout <> ''),   -- SeatLayout encoding; seats are not rows
            capacity INTEGER NOT NULL CHECK (capacity > 0),
            UNIQUE (theatre_id, number)
        );

        CREATE TABLE movies (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL CHECK (title <> ''),
            rating TEXT NOT NULL CHECK (rating IN ('G','PG','PG-13','R','NC-17')),
            runtime_minutes INTEGER NOT NULL CHECK (runtime_minutes BETWEEN 1 AND 600),
            genres TEXT NOT NULL,                        -- comma-separated
            release_date TEXT NOT NULL CHECK (release_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
        );
        -- Title words with prefix indexes for type-ahead; kept in step with movies by triggers.
        CREATE VIRTUAL TABLE movie_titles USING fts5(
            title, content = 'movies', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
        );
        -- The vocabulary, for the typo fallback (edit distance against every distinct title word).
        CREATE VIRTUAL TABLE movie_titles_vocab USING fts5vocab(movie_titles, 'row');
        CREATE TRIGGER movies_fts_insert AFTER INSERT ON movies BEGIN
            INSERT INTO movie_titles (rowid, title) VALUES (new.id, new.title);
        END;
        CREATE TRIGGER movies_fts_delete AFTER DELETE ON movies BEGIN
            INSERT INTO movie_titles (movie_titles, rowid, title) VALUES ('delete', old.id, old.title);
        END;
        CREATE TRIGGER movies_fts_update AFTER UPDATE OF title ON movies BEGIN
            INSERT INTO movie_titles (movie_titles, rowid, title) VALUES ('delete', old.id, old.title);
            INSERT INTO movie_titles (rowid, title) VALUES (new.id, new.title);
        END;

        CREATE TABLE showtimes (
            id INTEGER PRIMARY KEY,
            screen_id INTEGER NOT NULL REFERENCES screens (id) ON DELETE CASCADE,
            theatre_id INTEGER NOT NULL REFERENCES theatres (id) ON DELETE CASCADE,
            movie_id INTEGER NOT NULL REFERENCES movies (id),
            starts_at INTEGER NOT NULL,                  -- unix seconds, UTC
            local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            format TEXT NOT NULL CHECK (format IN \(formats)),
            language TEXT NOT NULL CHECK (length(language) = 2),
            price_adult INTEGER NOT NULL CHECK (price_adult >= 0),
            price_child INTEGER NOT NULL CHECK (price_child >= 0),
            price_senior INTEGER NOT NULL CHECK (price_senior >= 0)
        );
        -- A theatre's day, in order.
        CREATE INDEX showtimes_by_theatre ON showtimes (theatre_id, local_date, starts_at);
        -- "Where does this movie play near me": each nearby theatre is one seek (5.5x over starting from the movie).
        CREATE INDEX showtimes_by_movie ON showtimes (movie_id, local_date, theatre_id);
        """
}
