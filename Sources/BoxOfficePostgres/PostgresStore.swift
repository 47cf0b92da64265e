public import BoxOfficeCore
public import BoxOfficeStore
import Foundation
public import Logging
public import PostgresNIO

/// The store on PostgreSQL: every job of `TicketStore` as queries through one `PostgresClient`,
/// which the caller runs as a service (queries wait until it runs). Several nodes may share the
/// database: the constraints (a seat claim's primary key above all) hold whatever each believes.
///
/// Migrations run in `prepare()`, under an advisory lock so two nodes starting at once do not both
/// apply them; a schema newer than this binary is refused.
public struct PostgresStore: TicketStore {
    public let client: PostgresClient
    let logger: Logger
    let health: PostgresHealth

    /// A store on `client`. A statement or transaction that takes longer than `statementDeadline`
    /// is answered UNAVAILABLE, and calls fail at once until the database answers again.
    public init(client: PostgresClient, statementDeadline: Duration = .seconds(5), logger: Logger) {
        self.client = client
        self.logger = logger
        self.health = PostgresHealth(client: client, statementDeadline: statementDeadline, logger: logger)
    }

    // MARK: Schema

    /// Applies the migrations this database lacks; FAILED_PRECONDITION when it was migrated by a newer BoxOffice.
    public func prepare() async throws {
        // Another node may hold the lock for as long as its migration takes.
        try await transaction(deadline: .seconds(600)) { [logger] connection in
            // One node migrates at a time; the others wait here, then find nothing left to do.
            try await connection.query("SELECT pg_advisory_xact_lock(7070070)", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.bookkeeping), logger: logger)
            var applied = -1
            for try await version in try await connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations", logger: logger)
                .decode(Int32.self) {
                applied = Int(version)
            }
            guard applied <= PostgresSchema.newestVersion else {
                throw BoxOfficeError(.failedPrecondition, "the database's schema is at version \(applied), newer than this boxofficed "
                                     + "knows (\(PostgresSchema.newestVersion)): run the BoxOffice release that migrated it, or a newer one")
            }
            for migration in PostgresSchema.migrations where migration.version > applied {
                for statement in PostgresSchema.statements(of: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(Int32(migration.version)), \(migration.name))", logger: logger)
                logger.info("migrated the PostgreSQL schema", metadata: ["boxoffice.schema_version": "\(migration.version)"])
            }
        }
    }

    /// True when the catalogue has no theatres: a new database, to be loaded.
    public func isEmpty() async throws -> Bool {
        try await first(run("SELECT NOT EXISTS (SELECT 1 FROM theatres)", logger: logger), as: Bool.self) ?? true
    }

    // MARK: CatalogueReading

    public func resolve(_ query: LocationQuery) async throws -> ResolvedLocation {
        switch query {
        case .zip(let zip):
            let rows = try await run("SELECT \(unescaped: ZipCode.columns) FROM zip_codes WHERE zip = \(zip)", logger: logger)
            return try Places.resolve(zip: zip, row: try await all(rows, ZipCode.init).first)
        case .cityState(let city, let state):
            let rows = try await run("""
                SELECT \(unescaped: ZipCode.columns) FROM zip_codes WHERE state = \(state.uppercased()) AND lower(city) = lower(\(city))
                ORDER BY zip
                """, logger: logger)
            return try Places.resolve(city: city, state: state, rows: try await all(rows, ZipCode.init))
        case .coordinate(let point):
            let box = point.boundingBox(radiusMiles: Places.usRadiusMiles)
            let rows = try await run("""
                SELECT \(unescaped: ZipCode.columns) FROM zip_codes
                WHERE time_zone <> ''
                  AND point(lon, lat) <@ box(point(\(box.minLongitude), \(box.minLatitude)), point(\(box.maxLongitude), \(box.maxLatitude)))
                """, logger: logger)
            return try Places.resolve(point: point, candidates: try await all(rows, ZipCode.init))
        }
    }

    public func theatres(near point: Coordinate, radiusMiles: Double, playing movieID: Int64?, on date: LocalDate?) async throws -> [TheatreHit] {
        let box = point.boundingBox(radiusMiles: radiusMiles)
        var query: PostgresQuery = """
            SELECT \(unescaped: TheatreRecord.columns) FROM theatres t
            WHERE point(t.lon, t.lat) <@ box(point(\(box.minLongitude), \(box.minLatitude)), point(\(box.maxLongitude), \(box.maxLatitude)))
            """
        if let movieID {
            query = date.map { date in """
                SELECT \(unescaped: TheatreRecord.columns) FROM theatres t
                WHERE point(t.lon, t.lat) <@ box(point(\(box.minLongitude), \(box.minLatitude)), point(\(box.maxLongitude), \(box.maxLatitude)))
                  AND EXISTS (SELECT 1 FROM showtimes s WHERE s.movie_id = \(movieID) AND s.local_date = \(date.description) AND s.theatre_id = t.id)
                """ } ?? """
                SELECT \(unescaped: TheatreRecord.columns) FROM theatres t
                WHERE point(t.lon, t.lat) <@ box(point(\(box.minLongitude), \(box.minLatitude)), point(\(box.maxLongitude), \(box.maxLatitude)))
                  AND EXISTS (SELECT 1 FROM showtimes s WHERE s.movie_id = \(movieID) AND s.theatre_id = t.id)
                """
        }
        let candidates = try await all(try await run(query, logger: logger), TheatreRecord.init)
        return Places.nearest(candidates, to: point, radiusMiles: radiusMiles)
    }

    public func theatre(id: Int64) async throws -> TheatreRecord? {
        try await all(try await run("SELECT \(unescaped: TheatreRecord.columns) FROM theatres t WHERE t.id = \(id)", logger: logger),
                      TheatreRecord.init).first
    }

    public func screens(theatreID: Int64) async throws -> [ScreenRecord] {
        try await all(try await run(
            "SELECT \(unescaped: ScreenRecord.columns) FROM screens WHERE theatre_id = \(theatreID) ORDER BY number", logger: logger),
                      ScreenRecord.init)
    }

    public func screen(id: Int64) async throws -> ScreenRecord? {
        try await all(try await run("SELECT \(unescaped: ScreenRecord.columns) FROM screens WHERE id = \(id)", logger: logger),
                      ScreenRecord.init).first
    }

    public func movie(id: Int64) async throws -> MovieRecord? {
        try await all(try await run("SELECT \(unescaped: MovieRecord.columns) FROM movies m WHERE m.id = \(id)", logger: logger),
                      MovieRecord.init).first
    }

    /// The candidates come from SQL (the filters); title matching and ranking are `TitleSearch`'s,
    /// in memory: a catalogue has hundreds of movies, not millions.
    public func movies(title: String?, playingAt theatreIDs: [Int64]?, on date: LocalDate?) async throws -> [MovieRecord] {
        if let theatreIDs, theatreIDs.isEmpty { return [] }
        let query: PostgresQuery
        switch (theatreIDs, date) {
        case (let ids?, let date?):
            query = """
                SELECT \(unescaped: MovieRecord.columns) FROM movies m WHERE m.id IN (
                    SELECT s.movie_id FROM showtimes s WHERE s.theatre_id = ANY(\(ids)) AND s.local_date = \(date.description))
                ORDER BY m.release_date DESC, m.title, m.id
                """
        case (let ids?, nil):
            query = """
                SELECT \(unescaped: MovieRecord.columns) FROM movies m WHERE m.id IN (SELECT s.movie_id FROM showtimes s WHERE s.theatre_id = ANY(\(ids)))
                ORDER BY m.release_date DESC, m.title, m.id
                """
        case (nil, let date?):
            query = """
                SELECT \(unescaped: MovieRecord.columns) FROM movies m
                WHERE EXISTS (SELECT 1 FROM showtimes s WHERE s.movie_id = m.id AND s.local_date = \(date.description))
                ORDER BY m.release_date DESC, m.title, m.id
                """
        case (nil, nil):
            query = "SELECT \(unescaped: MovieRecord.columns) FROM movies m ORDER BY m.release_date DESC, m.title, m.id"
        }
        let candidates = try await all(try await run(query, logger: logger), MovieRecord.init)
        guard let title, !title.isEmpty else { return candidates }
        return TitleSearch.rank(candidates, matching: title)
    }

    public func showtimes(theatreIDs: [Int64], movieID: Int64?, on date: LocalDate) async throws -> [ShowtimeRecord] {
        var seen = Set<Int64>()
        let unique = theatreIDs.filter { seen.insert($0).inserted }
        let query: PostgresQuery = movieID.map { movieID in """
            \(unescaped: ShowtimeRecord.joinedSelect) WHERE s.theatre_id = ANY(\(unique)) AND s.local_date = \(date.description) AND s.movie_id = \(movieID)
            """ } ?? """
            \(unescaped: ShowtimeRecord.joinedSelect) WHERE s.theatre_id = ANY(\(unique)) AND s.local_date = \(date.description)
            """
        let found = try await all(try await run(query, logger: logger), ShowtimeRecord.init)
        // The order the SQLite store gives: by start, then the theatres' order, then screen and id.
        let order = Dictionary(unique.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return found.sorted {
            ($0.startsAt, order[$0.theatreID] ?? .max, $0.screenName.count, $0.screenName, $0.id)
                < ($1.startsAt, order[$1.theatreID] ?? .max, $1.screenName.count, $1.screenName, $1.id)
        }
    }

    public func showtime(id: Int64) async throws -> ShowtimeRecord? {
        try await all(try await run("\(unescaped: ShowtimeRecord.joinedSelect) WHERE s.id = \(id)", logger: logger), ShowtimeRecord.init).first
    }

    public func summary() async throws -> CatalogueSummary {
        let rows = try await run("""
            SELECT (SELECT count(*) FROM theatres), (SELECT count(*) FROM screens), (SELECT count(*) FROM movies),
                   (SELECT count(*) FROM showtimes), (SELECT min(local_date) FROM showtimes), (SELECT max(local_date) FROM showtimes)
            """, logger: logger)
        for try await (theatres, screens, movies, showtimes, first, last) in rows.decode((Int64, Int64, Int64, Int64, String?, String?).self) {
            return CatalogueSummary(theatres: Int(theatres), screens: Int(screens), movies: Int(movies), showtimes: Int(showtimes),
                                    firstDate: try first.map { try LocalDate(parsing: $0) }, lastDate: try last.map { try LocalDate(parsing: $0) })
        }
        throw BoxOfficeError.internalError("the catalogue summary query answered no row")
    }

    public func timeZoneNames() async throws -> [String] {
        let rows = try await run("""
            SELECT DISTINCT time_zone FROM theatres UNION SELECT DISTINCT time_zone FROM zip_codes WHERE time_zone <> ''
            """, logger: logger)
        var names: [String] = []
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    // MARK: AccountStore

    public func createUser(email: String, name: String, passwordHash: String, createdAtMilliseconds: Int64) async throws -> Int64 {
        do {
            let rows = try await run("""
                INSERT INTO users (email, name, password_hash, created_at) VALUES (\(email), \(name), \(passwordHash), \(createdAtMilliseconds))
                RETURNING id
                """, logger: logger)
            guard let id = try await first(rows, as: Int64.self) else {
                throw BoxOfficeError.internalError("the new account's id was not returned")
            }
            return id
        } catch let error as PSQLError where error.sqlState == "23505" {
            throw BoxOfficeError(.alreadyExists, "an account with the email \(email) already exists: sign in instead")
        }
    }

    public func user(email: String) async throws -> UserRecord? {
        try await all(try await run(
            "SELECT id, email, name, password_hash FROM users WHERE lower(email) = lower(\(email))", logger: logger), UserRecord.init).first
    }

    public func user(id: Int64) async throws -> UserRecord? {
        try await all(try await run("SELECT id, email, name, password_hash FROM users WHERE id = \(id)", logger: logger),
                      UserRecord.init).first
    }

    public func revokeToken(id: String, userID: Int64, expiresAt: Int64, now: Int64) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM revoked_tokens WHERE expires_at <= \(now)", logger: logger)
            try await connection.query("""
                INSERT INTO revoked_tokens (token_id, user_id, expires_at, revoked_at)
                VALUES (\(id), \(userID), \(expiresAt), (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func revokedTokens(since: Int64, now: Int64) async throws -> [RevokedToken] {
        var tokens: [RevokedToken] = []
        let rows = try await run("""
            SELECT token_id, expires_at, revoked_at FROM revoked_tokens WHERE revoked_at >= \(since) AND expires_at > \(now)
            """, logger: logger)
        for try await (id, expiresAt, revokedAt) in rows.decode((String, Int64, Int64).self) {
            tokens.append(RevokedToken(id: id, expiresAt: expiresAt, revokedAt: revokedAt))
        }
        return tokens
    }

    // MARK: Helpers

    /// A transaction whose failure is the error its body threw (a `SeatLedgerFailure`, a
    /// BoxOfficeError), not postgres-nio's wrapper around it; the wrapper's other errors (BEGIN,
    /// COMMIT, ROLLBACK failing) are passed on as they are. Bounded by the statement deadline
    /// unless `deadline` says otherwise.
    func transaction<T: Sendable>(deadline: Duration? = nil,
                                  _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await health.guarded(deadline: deadline) { [client, logger] in
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
            } catch let error as PostgresTransactionError {
                if let cause = error.closureError { throw cause }
                throw error.beginError ?? error.commitError ?? error
            }
        }
    }

    /// Runs a statement whose rows nobody reads, reading them to the end so that the pool gets its
    /// connection back at once.
    func execute(_ statement: PostgresQuery) async throws {
        for try await _ in try await run(statement, logger: logger) {}
    }

    /// Every query of the store goes through here: a database that went away (a lost connection,
    /// a restart, a pool that cannot connect) becomes UNAVAILABLE with a retry-after for the
    /// caller, never INTERNAL; other errors pass unchanged.
    func run(_ statement: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await health.guarded { [client] in try await client.query(statement, logger: logger) }
    }

    func all<T>(_ rows: PostgresRowSequence, _ make: (PostgresRow) throws -> T) async throws -> [T] {
        var found: [T] = []
        do {
            for try await row in rows { found.append(try make(row)) }
        } catch {
            throw PostgresFailure.translated(error)
        }
        return found
    }

    func first<T: PostgresDecodable & Sendable>(_ rows: PostgresRowSequence, as type: T.Type) async throws -> T? {
        var value: T?
        do {
            for try await decoded in rows.decode(T.self) where value == nil { value = decoded }
        } catch {
            throw PostgresFailure.translated(error)
        }
        return value
    }
}

extension PSQLError {
    /// The SQLSTATE the server answered, e.g. "23505" for a unique violation.
    var sqlState: String? { serverInfo?[.sqlState] }
}
