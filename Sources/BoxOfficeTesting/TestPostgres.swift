import BoxOfficeCore
public import BoxOfficePostgres
public import BoxOfficeStore
import Foundation
public import Logging
import PostgresNIO

/// PostgreSQL for tests: a fresh database per test, copied from a template that holds the demo
/// catalogue (loaded once per test process), on the server BOXOFFICE_TEST_POSTGRES_URL names.
/// `scripts/test.sh` starts a throwaway one and sets the variable.
public enum TestPostgres {
    /// The server's URL, when tests have one.
    public static var url: PostgresURL? {
        ProcessInfo.processInfo.environment["BOXOFFICE_TEST_POSTGRES_URL"].flatMap { try? PostgresURL(parsing: $0) }
    }

    /// True when the server tests run on PostgreSQL instead of SQLite (BOXOFFICE_TEST_STORE=postgres).
    public static var serverTestsUsePostgres: Bool {
        ProcessInfo.processInfo.environment["BOXOFFICE_TEST_STORE"] == "postgres"
    }

    private static let template = TemplateDatabase()
    /// Databases in use at once: tests run in parallel, and each database's pool holds connections.
    private static let slots = Slots(count: 10)

    /// Runs `body` with a store on a new database holding the demo catalogue, then drops the database.
    public static func withDatabase<T: Sendable>(
        logger: Logger = Logger(label: "boxoffice.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (PostgresStore, PostgresURL) async throws -> T
    ) async throws -> T {
        guard let admin = url else {
            throw BoxOfficeError(.failedPrecondition, "set BOXOFFICE_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL and sets it)")
        }
        let templateName = try await template.name(admin: admin, logger: logger)
        await slots.acquire()
        defer { Task { await slots.release() } }
        let name = "bo_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.admin(admin, logger: logger) { client in
            try await client.query("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: templateName)", logger: logger)
        }
        var target = admin
        target.database = name
        let client = PostgresClient(configuration: target.clientConfiguration(maximumConnections: 4), backgroundLogger: logger)
        let running = Task { await client.run() }
        let store = PostgresStore(client: client, logger: logger)
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(store, target))
        } catch {
            outcome = .failure(error)
        }
        // Not awaited: a client's run() ends once its connections close, and DROP … WITH (FORCE) closes them.
        running.cancel()
        try? await Self.admin(admin, logger: logger) { client in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        }
        return try outcome.get()
    }

    /// Runs `body` with a new, empty database (no schema, no catalogue), then drops it: for a
    /// `boxofficed` that migrates it and loads the demo catalogue itself, dated by its real clock
    /// (the template's catalogue is dated for the tests' fixed clock).
    public static func withEmptyDatabase<T: Sendable>(
        logger: Logger = Logger(label: "boxoffice.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (PostgresURL) async throws -> T
    ) async throws -> T {
        guard let admin = url else {
            throw BoxOfficeError(.failedPrecondition, "set BOXOFFICE_TEST_POSTGRES_URL (scripts/test.sh starts a PostgreSQL and sets it)")
        }
        await slots.acquire()
        defer { Task { await slots.release() } }
        let name = "bo_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.admin(admin, logger: logger) { client in
            try await client.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
        var target = admin
        target.database = name
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(target))
        } catch {
            outcome = .failure(error)
        }
        try? await Self.admin(admin, logger: logger) { client in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        }
        return try outcome.get()
    }

    /// Runs `body` with a store on a new database holding the catalogue of `source` (copied as
    /// `boxofficed catalogue` copies one), then drops the database.
    public static func withDatabase<T: Sendable>(
        holding source: CatalogueStore,
        logger: Logger = Logger(label: "boxoffice.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        try await withEmptyDatabase(logger: logger) { url in
            let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: 4), backgroundLogger: logger)
            let running = Task { await client.run() }
            defer { running.cancel() }
            let store = PostgresStore(client: client, logger: logger)
            try await store.prepare()
            try await PostgresCatalogueLoader.load(from: source, into: store)
            return try await body(store)
        }
    }

    /// Ends every connection to `url`'s database from outside, as a database restart would.
    public static func terminateConnections(to url: PostgresURL,
                                            logger: Logger = Logger(label: "boxoffice.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() }))
        async throws {
        guard let admin = Self.url else { return }
        try await Self.admin(admin, logger: logger) { client in
            for try await _ in try await client.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(url.database) AND pid <> pg_backend_pid()",
                logger: logger) {}
        }
    }

    /// Makes `url`'s database refuse writes (`default_transaction_read_only`), or accept them again,
    /// for every session from now on, and ends the sessions already open: the store then meets
    /// what a standby, or a primary in its failover tool's fencing wait, answers.
    public static func setReadOnly(_ url: PostgresURL, _ readOnly: Bool,
                                   logger: Logger = Logger(label: "boxoffice.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() }))
        async throws {
        guard let admin = Self.url else { return }
        try await Self.admin(admin, logger: logger) { client in
            try await client.query("ALTER DATABASE \(unescaped: url.database) SET default_transaction_read_only = \(unescaped: readOnly ? "on" : "off")",
                                   logger: logger)
        }
        try await terminateConnections(to: url, logger: logger)
    }

    /// Runs `body` with a short-lived client on the admin database.
    static func admin(_ url: PostgresURL, logger: Logger, _ body: (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: 2), backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        try await body(client)
    }

    /// The template database: migrated, with the demo catalogue, made once per process (the first
    /// caller makes it; the others, arriving while it is made, wait for the same task).
    private actor TemplateDatabase {
        private var making: Task<String, any Error>?

        func name(admin: PostgresURL, logger: Logger) async throws -> String {
            if let making { return try await making.value }
            let task = Task { try await Self.make(admin: admin, logger: logger) }
            making = task
            return try await task.value
        }

        private static func make(admin: PostgresURL, logger: Logger) async throws -> String {
            let name = "bo_template_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0 ... .max))"
            try await TestPostgres.admin(admin, logger: logger) { client in
                try await client.query("CREATE DATABASE \(unescaped: name)", logger: logger)
            }
            var target = admin
            target.database = name
            let client = PostgresClient(configuration: target.clientConfiguration(maximumConnections: 2), backgroundLogger: logger)
            let running = Task { await client.run() }
            let store = PostgresStore(client: client, logger: logger)
            try await store.prepare()
            let directory = try TestCatalogue.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try await TestCatalogue.prepareTemplate()
            let (source, _) = try TestCatalogue.makeStore(in: directory)
            try await PostgresCatalogueLoader.load(from: source, into: store)
            // A template must have no connections while databases are copied from it: end them here,
            // rather than wait for the client to wind down.
            running.cancel()
            try await TestPostgres.admin(admin, logger: logger) { client in
                try await client.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(name) AND pid <> pg_backend_pid()", logger: logger)
            }
            return name
        }
    }

    /// A counting semaphore for async callers.
    private actor Slots {
        private var free: Int
        private var waiting: [CheckedContinuation<Void, Never>] = []

        init(count: Int) { free = count }

        func acquire() async {
            if free > 0 {
                free -= 1
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }

        func release() {
            if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
        }
    }
}
