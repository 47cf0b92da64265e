public import BoxOfficeCore
import Foundation
public import Logging
public import PostgresNIO

/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, the way `boxofficed --database` names a
/// PostgreSQL database; `postgresql://` is the same. TLS is not used yet: the database is expected
/// on loopback or a private network.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    /// True for text that names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(parsing text: String) throws(BoxOfficeError) {
        guard Self.isPostgres(text), let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw .invalidArgument("\"\(Self.redacted(text))\" is not a PostgreSQL URL: write postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        guard let user = url.user, !user.isEmpty else {
            throw .invalidArgument("the PostgreSQL URL \(Self.redacted(text)) names no user: write postgres://USER@HOST:PORT/DATABASE")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidArgument("the PostgreSQL URL \(Self.redacted(text)) names no database: end it with /DATABASE")
        }
        let port = url.port ?? 5432
        guard (1...65_535).contains(port) else { throw .invalidArgument("the PostgreSQL URL's port \(port) is not 1 to 65535") }
        self.host = host
        self.port = port
        self.user = user.removingPercentEncoding ?? user
        self.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
    }

    /// The client configuration, with `maximumConnections` connections at most.
    public func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password,
                                                         database: database, tls: .disable)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Connects once, directly, and asks `SELECT 1`: a wrong password, an unknown database or a
    /// refused connection is reported at once in PostgreSQL's words (UNAVAILABLE), where a pool
    /// would retry quietly and then report only that it gave up.
    public func probe(logger: Logger) async throws {
        let configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: .disable)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            try await connection.query("SELECT 1", logger: logger)
        } catch {
            throw BoxOfficeError(.unavailable, PostgresFailure.describe(error))
        }
    }

    /// The whole URL, password included, to hand to another process (never to a log).
    public var connectionString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        return components.string ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The URL without its password, for messages and logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    static func redacted(_ text: String) -> String {
        guard let url = URLComponents(string: text), url.password != nil else { return text }
        var copy = url
        copy.password = "***"
        return copy.string ?? "(the URL)"
    }
}
