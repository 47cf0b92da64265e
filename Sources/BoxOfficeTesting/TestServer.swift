public import BoxOfficeBooking
public import BoxOfficeCore
import BoxOfficeGuard
public import BoxOfficeClient
public import BoxOfficeServer
public import BoxOfficeStore
public import BoxOfficePostgres
import Foundation
public import Logging
import NIOCore
public import ServiceLifecycle

/// A real BoxOffice server on a loopback port with its own SQLite file, for tests and tools.
public struct TestServer: Sendable {
    public let host: String
    public let port: Int
    /// The SQLite file and store. With BOXOFFICE_TEST_STORE=postgres the server runs on a fresh
    /// PostgreSQL database instead (`postgres`), and these hold only the catalogue it was copied
    /// from: tests that read the server's SQLite file directly run on SQLite only.
    public let databasePath: String
    public let store: CatalogueStore
    /// The server's PostgreSQL store, when it runs on one.
    public let postgres: PostgresStore?
    /// The port of `GET /metrics`, when the configuration asked for one.
    public let metricsPort: Int?
    /// The server's figures.
    public let metrics: ServerMetrics

    /// A counter's or gauge's value as `GET /metrics` would show it (the sample without labels).
    public func metric(_ name: String) -> Double? {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    /// The server's store through the store protocols, whichever database it runs on.
    public var ticketStore: any TicketStore { postgres ?? SQLiteStore(database: store, pool: BlockingPool(.singleton)) }

    /// Connects a new client.
    public func connect() async throws -> BoxOfficeConnection {
        try await BoxOfficeConnection.connect(host: host, port: port)
    }

    /// Starts a server on port 0 over a copy of the demo catalogue, runs `body`, then shuts the
    /// server down gracefully and removes its files. With `database`, the server runs on that store
    /// instead (the caller's, kept: a second server over it sees what the first one wrote). With
    /// `beside`, the server shares that running server's store, SQLite file or PostgreSQL database:
    /// two nodes of one cluster. With `onPostgres`, the server runs on a fresh PostgreSQL database
    /// whatever BOXOFFICE_TEST_STORE says (a cluster needs one).
    public static func withRunning<T: Sendable>(
        database: (store: CatalogueStore, path: String)? = nil,
        beside other: TestServer? = nil,
        onPostgres: Bool = false,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        clock: any TimeSource = TestCatalogue.clock,
        paymentGateway: any PaymentGateway = SimulatedPaymentProcessor(),
        schedule: HousekeepingSchedule = .realTime,
        logger: Logger = Logger(label: "boxoffice.test", factory: { _ in SwiftLogNoOpLogHandler() }),
        _ body: (TestServer, ServiceGroup) async throws -> T
    ) async throws -> T {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        if database == nil { try await TestCatalogue.prepareTemplate() }
        let (store, path) = try database ?? TestCatalogue.makeStore(in: directory)
        let configuration = ServerConfiguration.defaults {
            $0.host = "127.0.0.1"
            $0.port = 0
            $0.eventLoopThreads = 2
            $0.passwordHashRounds = 10_000  // keep sign-up fast in tests; production uses 600,000
            // Tests call as fast as they can from loopback; the guard's own tests configure it untrusted.
            $0.trustedNetworks = try! TrustedNetworks(["127.0.0.0/8", "::1"])
            configure(&$0)
        }
        if let other {
            return try await run(configuration: configuration, backend: other.postgres.map { .connected($0) } ?? .sqlite(other.store),
                                 store: other.store, path: other.databasePath, postgres: other.postgres,
                                 clock: clock, paymentGateway: paymentGateway, schedule: schedule, logger: logger, body)
        }
        if database == nil, onPostgres || TestPostgres.serverTestsUsePostgres {
            return try await TestPostgres.withDatabase { postgres, _ in
                try await run(configuration: configuration, backend: .connected(postgres), store: store, path: path, postgres: postgres,
                              clock: clock, paymentGateway: paymentGateway, schedule: schedule, logger: logger, body)
            }
        }
        return try await run(configuration: configuration, backend: .sqlite(store), store: store, path: path, postgres: nil,
                             clock: clock, paymentGateway: paymentGateway, schedule: schedule, logger: logger, body)
    }

    private static func run<T: Sendable>(
        configuration: ServerConfiguration, backend: StoreBackend, store: CatalogueStore, path: String, postgres: PostgresStore?,
        clock: any TimeSource, paymentGateway: any PaymentGateway, schedule: HousekeepingSchedule, logger: Logger,
        _ body: (TestServer, ServiceGroup) async throws -> T
    ) async throws -> T {
        let server = BoxOfficeService(
            configuration: configuration, store: backend, clock: clock, paymentGateway: paymentGateway, schedule: schedule, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [server], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await services.run() }
            do {
                let address = try await server.boundAddress()
                let metrics = try await server.metricsAddress()
                let running = TestServer(host: "127.0.0.1", port: address.port!, databasePath: path, store: store,
                                         postgres: postgres, metricsPort: metrics?.port, metrics: server.metrics)
                let value = try await body(running, services)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return value
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
