import BoxOfficeStore
import PostgresNIO

// The reads every browse and purchase makes, as prepared statements (see PostgresStatement): one
// row by its key, or a day's showtimes.

/// A record made from one row of a statement's answer.
protocol PostgresRowRecord: Sendable {
    init(_ row: PostgresRow) throws
}

extension ZipCode: PostgresRowRecord {}
extension TheatreRecord: PostgresRowRecord {}
extension ScreenRecord: PostgresRowRecord {}
extension MovieRecord: PostgresRowRecord {}
extension ShowtimeRecord: PostgresRowRecord {}
extension UserRecord: PostgresRowRecord {}

extension PostgresStatement where Row: PostgresRowRecord {
    func decodeRow(_ row: PostgresRow) throws -> Row { try Row(row) }
}

struct ZipByCode: PostgresStatement {
    typealias Row = ZipCode
    let bindings: PostgresBindings
    static let sql = "SELECT \(ZipCode.columns) FROM zip_codes WHERE zip = $1"
}

struct TheatreByID: PostgresStatement {
    typealias Row = TheatreRecord
    let bindings: PostgresBindings
    static let sql = "SELECT \(TheatreRecord.columns) FROM theatres t WHERE t.id = $1"
}

struct ScreenByID: PostgresStatement {
    typealias Row = ScreenRecord
    let bindings: PostgresBindings
    static let sql = "SELECT \(ScreenRecord.columns) FROM screens WHERE id = $1"
}

struct ScreensOfTheatre: PostgresStatement {
    typealias Row = ScreenRecord
    let bindings: PostgresBindings
    static let sql = "SELECT \(ScreenRecord.columns) FROM screens WHERE theatre_id = $1 ORDER BY number"
}

struct MovieByID: PostgresStatement {
    typealias Row = MovieRecord
    let bindings: PostgresBindings
    static let sql = "SELECT \(MovieRecord.columns) FROM movies m WHERE m.id = $1"
}

struct ShowtimeByID: PostgresStatement {
    typealias Row = ShowtimeRecord
    let bindings: PostgresBindings
    static let sql = "\(ShowtimeRecord.joinedSelect) WHERE s.id = $1"
}

/// $1 theatre ids, $2 the local date.
struct ShowtimesOfTheatres: PostgresStatement {
    typealias Row = ShowtimeRecord
    let bindings: PostgresBindings
    static let sql = "\(ShowtimeRecord.joinedSelect) WHERE s.theatre_id = ANY($1::int8[]) AND s.local_date = $2"
}

/// $1 theatre ids, $2 the local date, $3 the movie.
struct ShowtimesOfTheatresForMovie: PostgresStatement {
    typealias Row = ShowtimeRecord
    let bindings: PostgresBindings
    static let sql = "\(ShowtimeRecord.joinedSelect) WHERE s.theatre_id = ANY($1::int8[]) AND s.local_date = $2 AND s.movie_id = $3"
}

struct UserByID: PostgresStatement {
    typealias Row = UserRecord
    let bindings: PostgresBindings
    static let sql = "SELECT id, email, name, password_hash FROM users WHERE id = $1"
}

struct UserByEmail: PostgresStatement {
    typealias Row = UserRecord
    let bindings: PostgresBindings
    static let sql = "SELECT id, email, name, password_hash FROM users WHERE lower(email) = lower($1)"
}

extension PostgresStore {
    /// Every row `statement` answers, read under the store's deadline and outage rules like `run`.
    func rows<S: PostgresStatement>(_ statement: S) async throws -> [S.Row] where S.Row: Sendable {
        try await health.guarded { [client, logger] in
            var rows: [S.Row] = []
            for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }
}
