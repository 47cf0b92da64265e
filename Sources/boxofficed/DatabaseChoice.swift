import ArgumentParser
import BoxOfficeCore
import BoxOfficePostgres
import BoxOfficeServer
import BoxOfficeStore
import Foundation
import Logging
import PostgresNIO

/// The database `--database` names: a SQLite file (the embedded default), or a PostgreSQL
/// database by URL, which several nodes may share.
enum DatabaseChoice: CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    init(_ text: String) throws {
        guard PostgresURL.isPostgres(text) else {
            self = .sqlite(path: text)
            return
        }
        do {
            self = .postgres(try PostgresURL(parsing: text))
        } catch {
            throw ValidationError(error.message)
        }
    }

    var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.description
        }
    }
}

/// A PostgreSQL database for a one-shot command: its client running in a task of its own (a
/// server runs it as a service of its ServiceGroup instead), its schema migrated.
struct OpenedPostgres {
    let client: PostgresClient
    let store: PostgresStore
    /// Runs the client's connection pool until cancelled.
    let running: Task<Void, Never>

    static func open(_ url: PostgresURL, maximumConnections: Int, loadDemo: Bool, logger: Logger) async throws -> OpenedPostgres {
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
        let running = Task { await client.run() }
        let store = PostgresStore(client: client, logger: logger)
        do {
            try await prepare(store, at: url, loadDemo: loadDemo, logger: logger)
        } catch {
            running.cancel()
            throw error
        }
        return OpenedPostgres(client: client, store: store, running: running)
    }

    /// Checks the database answers, migrates it and, with `loadDemo`, fills an empty catalogue with
    /// the demo one (the store's client must be running); every way of failing says what to fix,
    /// naming the database (never its password).
    static func prepare(_ store: PostgresStore, at url: PostgresURL, loadDemo: Bool, logger: Logger) async throws {
        do {
            try await withDeadline(seconds: 15, what: "connecting to \(url)") {
                try await url.probe(logger: logger)
                try await store.prepare()
            }
            if loadDemo, try await store.isEmpty() {
                let summary = try await DemoCatalogue.load(into: store, logger: logger)
                FileHandle.standardOutput.write(Data(
                    "boxofficed: \(url) was empty; loaded the demo catalogue (\(summary.theatres) theatres)\n".utf8))
            }
        } catch {
            throw StartupChecks.Failure(message: "cannot use the PostgreSQL database \(url): \(PostgresFailure.describe(error))")
        }
    }
}

/// Runs `body`, or fails after `seconds`: a database that never answers must not hang the start.
func withDeadline<T: Sendable>(seconds: Int, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw BoxOfficeError(.unavailable, "no answer after \(seconds) s \(what): is PostgreSQL running there, and the address right?")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

extension DemoCatalogue {
    /// Generates the demo catalogue into a temporary SQLite file and copies it into PostgreSQL.
    static func load(into store: PostgresStore, logger: Logger) async throws -> CatalogueSummary {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try CatalogueStore(path: directory.appendingPathComponent("demo.sqlite").path)
        guard let summary = try loadIfEmpty(into: source, logger: logger) else {
            throw BoxOfficeError.internalError("the new demo file already had a catalogue")
        }
        try await PostgresCatalogueLoader.load(from: source, into: store)
        return summary
    }
}
