public import BoxOfficeStore
import Foundation

/// The two stores a store test runs on, each holding the demo catalogue of `TestCatalogue`: a
/// real SQLite file, and a fresh database on the test PostgreSQL.
public enum TestStore: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    /// Both when tests have a PostgreSQL (BOXOFFICE_TEST_POSTGRES_URL), else SQLite alone.
    public static var available: [TestStore] { TestPostgres.url == nil ? [.sqlite] : allCases }

    public var description: String { rawValue }

    /// Runs `body` on a new store of this kind, removed afterwards.
    public func withStore<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let directory = try TestCatalogue.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try await TestCatalogue.prepareTemplate()
            let (database, _) = try TestCatalogue.makeStore(in: directory)
            return try await body(SQLiteStore(database: database, pool: BlockingPool(.singleton)))
        case .postgres:
            return try await TestPostgres.withDatabase { store, _ in try await body(store) }
        }
    }

    /// Runs `body` on a new store of this kind holding the catalogue `options` generate, removed
    /// afterwards. The generator writes SQLite; PostgreSQL gets its catalogue copied from there.
    public func withStore<T: Sendable>(generating options: CatalogueGenerator.Options,
                                       _ body: (any TicketStore) async throws -> T) async throws -> T {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try CatalogueStore(path: directory.appendingPathComponent("generated.sqlite").path)
        try await TestCatalogue.offThePool { _ = try CatalogueGenerator(options: options).generate(into: database) }
        switch self {
        case .sqlite:
            return try await body(SQLiteStore(database: database, pool: BlockingPool(.singleton)))
        case .postgres:
            return try await TestPostgres.withDatabase(holding: database) { try await body($0) }
        }
    }
}
