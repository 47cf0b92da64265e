public import BoxOfficeStore
public import Logging
public import NIOCore
import BoxOfficeWire
import Foundation
import NIOConcurrencyHelpers
import NIOExtras
import NIOPosix
public import ServiceLifecycle

/// The BoxOffice server as a ServiceLifecycle `Service`: listens, serves calls, and on graceful
/// shutdown stops accepting, lets in-flight calls finish within the grace period, then closes.
public final class BoxOfficeServer: Service {
    private let configuration: ServerConfiguration
    private let store: CatalogueStore
    private let clock: WallClock
    private let paymentGateway: any PaymentGateway
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let boundAddressPromise: EventLoopPromise<SocketAddress>

    /// - Parameters:
    ///   - clock: the wall clock that decides "today" in each time zone and when holds expire.
    ///   - paymentGateway: where purchases are charged and cancellations refunded.
    public init(
        configuration: ServerConfiguration,
        store: CatalogueStore,
        clock: WallClock = .system,
        paymentGateway: any PaymentGateway = SimulatedPaymentProcessor(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.paymentGateway = paymentGateway
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        self.boundAddressPromise = group.next().makePromise(of: SocketAddress.self)
    }

    /// The address the server listens on, once it does; throws if it failed to start.
    public func boundAddress() async throws -> SocketAddress {
        try await boundAddressPromise.futureResult.get()
    }

    public func run() async throws {
        let threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.databaseThreads))
        threadPool.start()
        do {
            try await serve(threadPool: threadPool)
        } catch {
            boundAddressPromise.fail(error)
            try? await group.shutdownGracefully()
            try? await threadPool.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        try await threadPool.shutdownGracefully()
    }

    private func serve(threadPool: NIOThreadPool) async throws {
        let localTime = LocalTime()
        let reader = CatalogueReader(store: store, threadPool: threadPool, configuration: configuration)
        let secret = configuration.signingSecret ?? Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let accounts = try AccountService(
            store: store, threadPool: threadPool,
            hasher: PasswordHasher(rounds: configuration.passwordHashRounds),
            signer: TokenSigner(secret: secret, lifetime: configuration.tokenLifetime),
            clock: clock
        )
        let allocator = SeatAllocator(store: store, clock: clock, holdDuration: configuration.holdDuration)
        let dispatcher = Dispatcher(
            search: SearchService(reader: reader, seats: allocator, localTime: localTime, clock: clock),
            info: InfoService(reader: reader, configuration: configuration, clock: clock),
            accounts: accounts,
            holds: HoldService(allocator: allocator, accounts: accounts, clock: clock),
            purchases: PurchaseService(
                allocator: allocator, accounts: accounts, reader: reader, store: store, threadPool: threadPool,
                gateway: paymentGateway, clock: clock, localTime: localTime,
                feeCentsPerTicket: configuration.convenienceFeeCents, secret: secret),
            bookings: BookingService(
                allocator: allocator, accounts: accounts, reader: reader, store: store, threadPool: threadPool,
                gateway: paymentGateway, clock: clock, localTime: localTime)
        )
        // Ends expired holds in SQLite (until it does, an expired hold already blocks nothing), and
        // once a minute forgets idempotency keys past their 24 hours.
        let reaper = Task { [clock, logger, store] in
            var tick = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                tick += 1
                do {
                    _ = try await allocator.reapExpired(now: clock.now)
                    if tick % 60 == 0 {
                        try store.forgetIdempotencyKeys(before: clock.nowMilliseconds - PurchaseService.keyLifetimeMilliseconds)
                    }
                } catch is CancellationError {
                    return  // shutting down
                } catch {
                    logger.warning("reaping expired holds or keys failed", metadata: ["error": "\(error)"])
                }
            }
        }
        defer { reaper.cancel() }
        let quiescing = ServerQuiescingHelper(group: group)
        let configuration = self.configuration
        let logger = self.logger

        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let decoder = FrameDecoder(maxFrameLength: configuration.maxFrameLength)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(decoder, maximumBufferSize: configuration.maxFrameLength + FrameDecoder.headerLength + 65_536),
                        IdleStateHandler(allTimeout: TimeAmount(configuration.idleTimeout)),
                        RPCConnectionHandler(dispatcher: dispatcher, configuration: configuration, logger: logger),
                    ])
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()

        guard let address = channel.localAddress else {
            throw ChannelError.unknownLocalAddress
        }
        boundAddressPromise.succeed(address)
        logger.info("listening", metadata: ["boxoffice.address": "\(address)"])

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
}
