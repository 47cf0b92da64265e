public import BoxOfficeCore
public import BoxOfficeBooking
public import BoxOfficeStore
public import Logging
public import NIOCore
import BoxOfficeWire
import Foundation
import NIOConcurrencyHelpers
import NIOExtras
import NIOHTTP1
import NIOPosix
public import ServiceLifecycle

/// Where the server keeps its data.
public enum StoreBackend: Sendable {
    /// A SQLite file, read and written on the server's blocking pool.
    case sqlite(CatalogueStore)
    /// A store with connections of its own (PostgreSQL), run by the caller as a service beside the server.
    case connected(any TicketStore)
}

/// The BoxOffice server as a ServiceLifecycle `Service`: listens, serves calls, and on graceful
/// shutdown stops accepting, lets in-flight calls finish within the grace period, then closes.
public final class BoxOfficeService: Service {
    private let configuration: ServerConfiguration
    private let store: StoreBackend
    private let clock: any TimeSource
    private let paymentGateway: any PaymentGateway
    private let schedule: HousekeepingSchedule
    /// Done before anything else when the service runs (migrating a database whose client is a
    /// service started before this one); a failure stops the start.
    private let preparation: (@Sendable () async throws -> Void)?
    private let logger: Logger
    /// Every figure the server keeps, also served on `metricsPort` when it is set.
    public let metrics = ServerMetrics()
    private let group: MultiThreadedEventLoopGroup
    private let boundAddressPromise: EventLoopPromise<SocketAddress>
    private let metricsAddressPromise: EventLoopPromise<SocketAddress?>

    /// - Parameters:
    ///   - store: the SQLite database (read and written on the server's blocking pool) or a connected store.
    ///   - clock: the wall clock decides "today" in each time zone and when holds expire; the
    ///     monotonic clock measures rate limits and bot scores.
    ///   - paymentGateway: where purchases are charged and cancellations refunded.
    ///   - schedule: when the housekeeping services (hold reaper, key expiry, payment sweeper) do their rounds.
    ///   - preparation: work done first when the service runs, before it listens.
    public init(
        configuration: ServerConfiguration,
        store: StoreBackend,
        clock: any TimeSource = SystemTimeSource(),
        paymentGateway: any PaymentGateway = SimulatedPaymentProcessor(),
        schedule: HousekeepingSchedule = .realTime,
        preparation: (@Sendable () async throws -> Void)? = nil,
        logger: Logger
    ) {
        self.preparation = preparation
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.paymentGateway = paymentGateway
        self.schedule = schedule
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        self.boundAddressPromise = group.next().makePromise(of: SocketAddress.self)
        self.metricsAddressPromise = group.next().makePromise(of: SocketAddress?.self)
    }

    /// The catalogue's counts, read from the store (for a ready line).
    public func catalogueSummary() async throws -> CatalogueSummary {
        switch store {
        case .sqlite(let database): try database.summary()
        case .connected(let store): try await store.summary()
        }
    }

    /// The address the server listens on, once it does; throws if it failed to start.
    public func boundAddress() async throws -> SocketAddress {
        try await boundAddressPromise.futureResult.get()
    }

    /// The address of the `GET /metrics` endpoint once it listens; nil when `metricsPort` is not set.
    public func metricsAddress() async throws -> SocketAddress? {
        try await metricsAddressPromise.futureResult.get()
    }

    public func run() async throws {
        let threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.databaseThreads))
        threadPool.start()
        do {
            try await preparation?()
            try await serve(pool: BlockingPool(threadPool))
        } catch {
            boundAddressPromise.fail(error)
            metricsAddressPromise.fail(error)
            try? await group.shutdownGracefully()
            try? await threadPool.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
    }

    /// `GET /metrics` on `metricsPort`, when set.
    private func startMetricsEndpoint() async throws -> (any Channel)? {
        guard let port = configuration.metricsPort else {
            metricsAddressPromise.succeed(nil)
            return nil
        }
        let metrics = self.metrics
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics))
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
        metricsAddressPromise.succeed(channel.localAddress)
        logger.info("metrics at /metrics", metadata: ["boxoffice.address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        return channel
    }

    /// Runs the housekeeping services beside the accept loop, as child tasks: they stop on graceful
    /// shutdown (and are cancelled if the accept loop ends first).
    private func serve(pool: BlockingPool) async throws {
        let store: any TicketStore = switch self.store {
        case .sqlite(let database): SQLiteStore(database: database, pool: pool)
        case .connected(let store): store
        }
        // Every zone the catalogue names is looked up now: an unknown one stops the start, not a call.
        let localTime = try LocalTime(preloading: try await store.timeZoneNames())
        let components = try ServerComponents(
            configuration: configuration, store: store, pool: pool, localTime: localTime, clock: clock,
            paymentGateway: paymentGateway, schedule: schedule, metrics: metrics, group: group, logger: logger)
        // Tokens signed out before a restart stay refused after it.
        try await components.accounts.refreshRevokedTokens()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in components.housekeeping {
                group.addTask { try await service.run() }
            }
            // Beats until the server has drained its calls (it is cancelled below), not only
            // until the graceful shutdown begins: see ClusterHeartbeat.
            if let heartbeat = components.cluster?.heartbeat {
                group.addTask { await heartbeat.run() }
            }
            do {
                try await accept(components)
            } catch {
                group.cancelAll()
                try? await leaveCluster(components)
                throw error
            }
            group.cancelAll()
            try await group.waitForAll()
        }
        try await leaveCluster(components)
    }

    /// Takes a node out of the cluster once it has stopped serving, so the others take over its
    /// showtimes at their next heartbeat rather than after the liveness window.
    private func leaveCluster(_ components: ServerComponents) async throws {
        guard let cluster = components.cluster else { return }
        await cluster.forwarder.closeAll()
        try await cluster.membership.leave()
        logger.info("left the cluster", metadata: ["boxoffice.node": "\(cluster.membership.nodeID)"])
    }

    private func accept(_ components: ServerComponents) async throws {
        let dispatcher = components.dispatcher
        let connections = components.connections
        let metrics = self.metrics
        let quiescing = ServerQuiescingHelper(group: group)
        let configuration = self.configuration
        let logger = self.logger

        let channel = try await callListener(backlog: 1024, quiescing: quiescing)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = FrameDecoder(maxFrameLength: configuration.maxFrameLength)
                    let client = ClientAddress(channel.remoteAddress)
                    // From a trusted load balancer the PROXY header is required and names the
                    // client; from anywhere else no header is read, as anyone could forge one.
                    if configuration.trustedProxies.contains(channel.remoteAddress) {
                        try channel.pipeline.syncOperations.addHandler(ProxyHeaderHandler(clientAddress: client, deadline: TimeAmount(configuration.proxyHeaderTimeout)) { reason in
                            metrics.proxyHeaderRejected()
                            logger.notice("closed a proxied connection without a valid PROXY header", metadata: [
                                "boxoffice.peer": "\(channel.remoteAddress.map { "\($0)" } ?? "unknown")", "boxoffice.reason": "\(reason)",
                            ])
                        })
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ConnectionGate(limiter: connections, metrics: metrics, client: client, logger: logger),
                        ByteToMessageHandler(decoder, maximumBufferSize: configuration.maxFrameLength + FrameDecoder.headerLength + 65_536),
                        IdleStateHandler(allTimeout: TimeAmount(configuration.idleTimeout)),
                        RPCConnectionHandler(dispatcher: dispatcher, configuration: configuration, client: client, logger: logger),
                    ])
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()

        guard let address = channel.localAddress else {
            throw ChannelError.unknownLocalAddress
        }
        // A node joins the cluster before it is reachable: it listens to its peers, writes its
        // first heartbeat and knows its showtimes, then tells the world it is ready.
        var peerChannel: (any Channel)?
        if let cluster = components.cluster, let settings = configuration.cluster {
            do {
                let peers = try await bindPeerListener(components, settings: settings, quiescing: quiescing)
                peerChannel = peers
                let port = peers.localAddress?.port ?? settings.peerPort
                cluster.membership.advertise(peerAddress: settings.advertisedPeerAddress ?? HostPort(host: settings.peerHost, port: port).description)
                try await cluster.heartbeat.round()
                logger.info("joined the cluster", metadata: [
                    "boxoffice.node": "\(settings.nodeID)", "boxoffice.peer_address": "\(peers.localAddress.map { "\($0)" } ?? "?")",
                    "boxoffice.nodes": "\(cluster.membership.view?.nodes.map(\.id).joined(separator: ",") ?? "")",
                ])
            } catch {
                channel.close(promise: nil)
                peerChannel?.close(promise: nil)
                throw error
            }
        }
        defer { peerChannel?.close(promise: nil) }
        boundAddressPromise.succeed(address)
        logger.info("listening", metadata: ["boxoffice.address": "\(address)"])
        let metricsChannel = try await startMetricsEndpoint()
        defer { metricsChannel?.close(promise: nil) }

        let drained = group.next().makePromise(of: Void.self)
        let isQuiescing = NIOLockedValueBox(false)
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            logger.info("shutting down: no new connections, finishing calls in flight")
            isQuiescing.withLockedValue { $0 = true }
            quiescing.initiateShutdown(promise: drained)
        }
        guard isQuiescing.withLockedValue({ $0 }) else { return }
        // Connections close as their last call is answered; past the grace period, they are cut.
        let gracePeriod = TimeAmount(configuration.shutdownGracePeriod)
        let timeout = group.next().scheduleTask(in: gracePeriod) {
            drained.fail(GracePeriodElapsed())
        }
        do {
            try await drained.futureResult.get()
            timeout.cancel()
            logger.info("shut down cleanly")
        } catch {
            logger.warning("grace period elapsed with calls in flight; closing their connections")
        }
    }

    private struct GracePeriodElapsed: Error {}

    /// What the clients' and the peers' listeners share: a graceful stop closes both and waits for
    /// their connections, answers go out without Nagle's delay, and a client closing its sending
    /// side still gets the answers to the calls it sent.
    private func callListener(backlog: Int32, quiescing: ServerQuiescingHelper) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
    }

    /// The listener other nodes forward seat calls to: only addresses in `trustedPeers`, and no
    /// guard (the node the client reached admitted the call).
    private func bindPeerListener(_ components: ServerComponents, settings: ClusterSettings,
                                  quiescing: ServerQuiescingHelper) async throws -> any Channel {
        let dispatcher = components.dispatcher
        let configuration = self.configuration
        let logger = self.logger
        do {
            return try await callListener(backlog: 256, quiescing: quiescing)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            PeerGate(trusted: settings.trustedPeers, logger: logger),
                            ByteToMessageHandler(FrameDecoder(maxFrameLength: configuration.maxFrameLength)),
                            RPCConnectionHandler(dispatcher: dispatcher, configuration: configuration, origin: .peer, logger: logger),
                        ])
                    }
                }
                .bind(host: settings.peerHost, port: settings.peerPort)
                .get()
        } catch {
            throw BoxOfficeError(.failedPrecondition,
                                 "cannot listen for peers on \(HostPort(host: settings.peerHost, port: settings.peerPort)): \(error)")
        }
    }
}
