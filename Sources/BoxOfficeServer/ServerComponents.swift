import BoxOfficeCore
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeStore
import Foundation
import Logging
import NIOPosix

/// The server's parts, built from its configuration and wired together: the dispatcher and
/// everything behind it, the guard in front of it, and the periodic housekeeping.
struct ServerComponents {
    let dispatcher: Dispatcher
    let allocator: SeatAllocator
    let callGuard: CallGuard
    let connections: ConnectionLimiter

    init(configuration: ServerConfiguration, store: CatalogueStore, threadPool: NIOThreadPool, clock: any TimeSource,
         paymentGateway: any PaymentGateway, metrics: ServerMetrics, logger: Logger) throws {
        // Every zone the catalogue names is looked up now: an unknown one stops the start, not a call.
        let localTime = try LocalTime(preloading: store.timeZoneNames())
        let reader = CatalogueReader(store: store, threadPool: threadPool, configuration: configuration, metrics: metrics)
        let secret = configuration.signingSecret ?? Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let accounts = try AccountService(
            store: store, threadPool: threadPool,
            hasher: PasswordHasher(rounds: configuration.passwordHashRounds),
            signer: TokenSigner(secret: secret, lifetime: configuration.tokenLifetime),
            clock: clock
        )
        allocator = SeatAllocator(store: store, clock: clock, holdDuration: configuration.holdDuration) { requests, duration in
            metrics.allocatorCommitted(requests: requests, duration: duration)
        }
        callGuard = CallGuard(
            limiter: configuration.rateLimits.map { RateLimiter(policy: $0, maxClients: configuration.maxTrackedClients) },
            bots: configuration.botPolicy.map {
                BotGuard(policy: $0, maxClients: configuration.maxTrackedClients, startMilliseconds: clock.monotonicMilliseconds)
            },
            trusted: configuration.trustedNetworks, clock: clock, metrics: metrics, logger: logger)
        connections = ConnectionLimiter(maxConnections: configuration.maxConnections,
                                        maxPerAddress: configuration.maxConnectionsPerAddress,
                                        trusted: configuration.trustedNetworks)
        let desk = BookingDesk(
            allocator: allocator, accounts: accounts, reader: reader, store: store, threadPool: threadPool,
            gateway: paymentGateway, clock: clock, localTime: localTime, metrics: metrics)
        dispatcher = Dispatcher(
            search: SearchService(reader: reader, seats: allocator, localTime: localTime, clock: clock),
            info: InfoService(reader: reader, configuration: configuration, clock: clock),
            accounts: accounts,
            holds: HoldService(allocator: allocator, accounts: accounts, clock: clock),
            purchases: PurchaseService(desk: desk, feeCentsPerTicket: configuration.convenienceFeeCents, secret: secret),
            bookings: BookingService(desk: desk),
            callGuard: callGuard,
            metrics: metrics
        )
    }

    /// Once a second: ends expired holds in SQLite (until then an expired hold already blocks
    /// nothing) and tells the bot guard whose they were; once a minute: forgets idempotency keys
    /// past their 24 hours. Runs until cancelled.
    func housekeeping(store: CatalogueStore, clock: any TimeSource, metrics: ServerMetrics, logger: Logger) async {
        var tick = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            tick += 1
            do {
                let expired = try await allocator.reapExpired(now: clock.now)
                if !expired.isEmpty {
                    metrics.holdsExpired(expired.count)
                    callGuard.holdsExpired(userIDs: expired.map(\.hold.userID))
                }
                metrics.holdsChanged(live: await allocator.heldCount)
                if tick % 60 == 0 {
                    try store.forgetIdempotencyKeys(before: clock.nowMilliseconds - PurchaseService.keyLifetimeMilliseconds)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("reaping expired holds or keys failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
