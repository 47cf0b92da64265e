public import ArgumentParser
import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficePostgres
import BoxOfficeServer
import BoxOfficeStore
import Foundation
public import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve BoxOffice calls over TCP (the default subcommand)."
    )

    /// Every default below is the server's own, so `--help` and an unset option never disagree with it.
    private static let defaults = ServerConfiguration()

    @Option(help: "Address to listen on.")
    var host = defaults.host

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = defaults.port

    @Option(help: ArgumentHelp("""
        A SQLite database file, created and filled with the demo catalogue when empty; or a PostgreSQL database, \
        postgres://USER:PASSWORD@HOST:PORT/DATABASE, migrated at start and filled with the demo catalogue when its catalogue is empty.
        """, valueName: "path-or-url"))
    var database = "./boxoffice.sqlite"

    @Option(help: ArgumentHelp("""
        File holding the key that signs auth tokens (default with SQLite: DATABASE.secret, created with mode 0600 when missing). \
        With PostgreSQL give the same file to every node (or set BOXOFFICE_SIGNING_SECRET, base64 of at least 32 bytes), \
        so each node accepts the others' tokens.
        """, valueName: "path"))
    var secretFile: String?

    @Option(help: "With PostgreSQL: connections to the database at most.")
    var databaseConnections = 8

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("Largest frame accepted, in bytes; longer length prefixes are refused before buffering.", valueName: "bytes"))
    var maxFrameBytes = defaults.maxFrameLength

    @Option(help: ArgumentHelp("Deadline of a call that names none, in milliseconds.", valueName: "ms"))
    var defaultDeadlineMs = Milliseconds.of(defaults.defaultDeadline)

    @Option(help: ArgumentHelp("Longest deadline a client may ask for, in milliseconds.", valueName: "ms"))
    var maxDeadlineMs = Milliseconds.of(defaults.maxDeadline)

    @Option(help: ArgumentHelp("Close connections idle this long with no call in flight, in seconds.", valueName: "seconds"))
    var idleTimeout = defaults.idleTimeout.components.seconds

    @Option(help: ArgumentHelp("On SIGTERM/SIGINT, time given to calls in flight before connections close, in seconds.", valueName: "seconds"))
    var shutdownGrace = defaults.shutdownGracePeriod.components.seconds

    @Option(help: ArgumentHelp("How long a hold keeps its seats while the buyer pays, in seconds.", valueName: "seconds"))
    var holdSeconds = defaults.holdDuration.components.seconds

    @Option(help: ArgumentHelp(
        "PBKDF2 rounds for new password hashes; lower it only for load tests that sign up thousands of users.",
        valueName: "rounds"))
    var passwordHashRounds = defaults.passwordHashRounds

    @Option(help: ArgumentHelp("""
        How long a purchase may stay between charging the card and writing its booking before the payment sweeper \
        settles it (books the hold if still live, else refunds), in seconds; longer than the processor's slowest answer.
        """, valueName: "seconds"))
    var settlePaymentsAfter = defaults.settlePaymentsAfter.components.seconds

    @Option(help: ArgumentHelp("""
        A file where the built-in simulated payment processor keeps its charges and refunds (JSON lines), so that they \
        outlive a restart as a real processor's would; for development and crash tests. Without it they live in memory.
        """, valueName: "path"))
    var paymentJournal: String?

    @Option(help: ArgumentHelp("Convenience fee added to each ticket, in cents (sales tax applies to it).", valueName: "cents"))
    var convenienceFeeCents = defaults.convenienceFeeCents

    @Option(help: "Calls in flight per connection before the server stops reading it.")
    var maxCallsInFlight = defaults.maxCallsInFlightPerConnection

    @Option(help: "Event-loop threads (default: one per core).")
    var threads = defaults.eventLoopThreads

    @Option(help: "Threads that run SQLite queries and password hashes, off the event loops.")
    var databaseThreads = defaults.databaseThreads

    @Option(help: "Entries in each catalogue answer cache.")
    var cacheEntries = defaults.cacheCapacity

    @Option(help: ArgumentHelp("How long a cached catalogue answer is served, in seconds.", valueName: "seconds"))
    var cacheTtl = defaults.cacheTimeToLive.components.seconds

    @OptionGroup(title: "Guard and metrics")
    var guardOptions: GuardOptions

    @OptionGroup(title: "Cluster (several nodes on one PostgreSQL database)")
    var clusterOptions: ClusterOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard maxFrameBytes >= 64 else { throw ValidationError("--max-frame-bytes must be at least 64") }
        guard defaultDeadlineMs > 0, maxDeadlineMs >= defaultDeadlineMs else {
            throw ValidationError("--default-deadline-ms must be positive and at most --max-deadline-ms")
        }
        if clusterOptions.nodeID != nil, case .sqlite = try DatabaseChoice(database) {
            throw ValidationError("--node-id needs --database postgres://…: the nodes of a cluster share one PostgreSQL database")
        }
        guard holdSeconds > 0, idleTimeout > 0, shutdownGrace >= 0, maxCallsInFlight > 0, threads > 0, databaseThreads > 0, databaseConnections > 0,
              cacheEntries > 0, cacheTtl >= 0, convenienceFeeCents >= 0, passwordHashRounds >= 1_000,
              settlePaymentsAfter > 0
        else { throw ValidationError("timeouts, limits and thread counts must be positive") }
    }

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "boxofficed")

        // Checked before a database is created or filled: a busy port or a mistyped directory
        // should not leave a new demo database behind, nor fail with SQLite's or bind's raw words.
        let choice = try DatabaseChoice(database)
        if case .sqlite(let path) = choice { try StartupChecks.databaseDirectoryExists(for: path) }
        let processor: SimulatedPaymentProcessor
        do {
            processor = try SimulatedPaymentProcessor(journal: paymentJournal.map { URL(fileURLWithPath: $0) })
        } catch {
            throw StartupChecks.Failure(message: "\(error)")
        }
        try await StartupChecks.canListen(host: host, port: port)
        let backend: StoreBackend
        var summary: CatalogueSummary?
        let secret: Data
        // With PostgreSQL, the client is a service of the server's group, started before the server
        // and stopped after it; the server migrates and fills the database before it listens.
        var postgres: (client: PostgresClient, prepare: @Sendable () async throws -> Void)?
        switch choice {
        case .sqlite(let path):
            let store: CatalogueStore
            do {
                store = try CatalogueStore(path: path)
            } catch {
                throw StartupChecks.Failure(message: "cannot open the database \(path): \(error)")
            }
            if try DemoCatalogue.loadIfEmpty(into: store, logger: logger) != nil {
                FileHandle.standardOutput.write(Data("boxofficed: \(path) was empty; loaded the demo catalogue\n".utf8))
            }
            summary = try store.summary()
            secret = try SigningSecret.loadOrCreate(at: secretFile ?? SigningSecret.defaultPath(forDatabase: path))
            backend = .sqlite(store)
        case .postgres(let url):
            // Every node must sign with the same key, so none is made up here.
            secret = try SigningSecret.shared(file: secretFile, environment: ProcessInfo.processInfo.environment)
            let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: databaseConnections),
                                        backgroundLogger: logger)
            let store = PostgresStore(client: client, logger: logger)
            postgres = (client, { try await OpenedPostgres.prepare(store, at: url, loadDemo: true, logger: logger) })
            backend = .connected(store)
        }

        var configuration = ServerConfiguration.defaults {
            $0.host = host
            $0.port = port
            $0.maxFrameLength = maxFrameBytes
            $0.defaultDeadline = .milliseconds(defaultDeadlineMs)
            $0.maxDeadline = .milliseconds(maxDeadlineMs)
            $0.idleTimeout = .seconds(idleTimeout)
            $0.shutdownGracePeriod = .seconds(shutdownGrace)
            $0.maxCallsInFlightPerConnection = maxCallsInFlight
            $0.eventLoopThreads = threads
            $0.databaseThreads = databaseThreads
            $0.cacheCapacity = cacheEntries
            $0.cacheTimeToLive = .seconds(cacheTtl)
            $0.signingSecret = secret
            $0.holdDuration = .seconds(holdSeconds)
            $0.settlePaymentsAfter = .seconds(settlePaymentsAfter)
            $0.convenienceFeeCents = convenienceFeeCents
            $0.passwordHashRounds = passwordHashRounds
        }
        try guardOptions.apply(to: &configuration)
        configuration.cluster = try clusterOptions.settings()
        let server = BoxOfficeService(configuration: configuration, store: backend, paymentGateway: processor,
                                      preparation: postgres?.prepare, logger: logger)
        let services = ServiceGroup(configuration: .init(
            services: (postgres.map { [$0.client] } ?? []) + [server],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let address = try await server.boundAddress()
            let catalogue: CatalogueSummary
            if let summary { catalogue = summary } else { catalogue = try await server.catalogueSummary() }
            // Written straight to the file descriptor so a supervisor reading a pipe sees it at once.
            FileHandle.standardOutput.write(Data((
                "boxofficed ready on \(address.ipAddress ?? host):\(address.port ?? port) "
                    + "(\(choice): \(catalogue.theatres) theatres, \(catalogue.showtimes) showtimes)\n").utf8))
            try await group.waitForAll()
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
