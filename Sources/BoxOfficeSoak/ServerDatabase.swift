public import BoxOfficeCore
public import BoxOfficePostgres

/// The server's database, where `--database` checks the invariants after a run: its SQLite file
/// (opened read-only), or its PostgreSQL database by URL (read in a read-only transaction). Either
/// may be read while the server still writes.
public enum ServerDatabase: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// A `postgres://` or `postgresql://` URL names PostgreSQL, and must be a whole one; anything
    /// else is a SQLite file's path, as `boxofficed --database` reads it.
    public init(parsing text: String) throws(BoxOfficeError) {
        self = PostgresURL.isPostgres(text) ? .postgres(try PostgresURL(parsing: text)) : .sqlite(path: text)
    }

    /// The path, or the URL without its password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.description
        }
    }
}
