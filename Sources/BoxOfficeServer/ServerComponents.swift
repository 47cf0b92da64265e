import BoxOfficeCore
import BoxOfficeBooking
import BoxOfficeCluster
import BoxOfficeGuard
import BoxOfficeStore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// The server's parts, built from its configuration and wired together: the dispatcher and
/// everything behind it, the guard in front of it, and the housekeeping services.
struct ServerComponents {
    let dispatcher: Dispatcher
    let allocator: SeatAllocator
    let accounts: AccountService
    let callGuard: CallGuard
    let connections: ConnectionLimiter
    /// The hold reaper, the idempotency-key expiry, the refund retrier and the payment sweeper, run beside the accept loop.
    let housekeeping: [HousekeepingService]
    /// In a cluster: this node's membership, its heartbeat rounds, and the connections to its peers.
    let cluster: (membership: ClusterMembership, heartbeat: ClusterHeartbeat, forwarder: PeerForwarder)?

    /// - Parameter localTime: conversions with every zone of the catalogue already looked up.
    init(configuration: ServerConfiguration, store: any TicketStore, pool: BlockingPool, localTime: LocalTime, clock: any TimeSource,
         paymentGateway: any PaymentGateway, schedule: HousekeepingSchedule, metrics: ServerMetrics, group: any EventLoopGroup,
         logger: Logger) throws {
        var membership: ClusterMembership?
        if let settings = configuration.cluster {
            guard let registry = store as? any NodeRegistry else {
                throw BoxOfficeError(.failedPrecondition, "a cluster needs PostgreSQL: its nodes share one database (give --database postgres://…)")
            }
            membership = ClusterMembership(nodeID: settings.nodeID, registry: registry, clock: clock, liveness: settings.liveness)
        }
        let reader = CatalogueReader(store: store, configuration: configuration, metrics: metrics)
        let secret = configuration.signingSecret ?? Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        accounts = try AccountService(
            store: store, pool: pool,
            hasher: PasswordHasher(rounds: configuration.passwordHashRounds),
            signer: TokenSigner(secret: secret, lifetime: configuration.tokenLifetime),
            clock: clock
        )
        // Alone, a server decides every showtime; in a cluster, the ones this node owns now.
        let decides: @Sendable (Int64) -> Bool
        if let membership { decides = { membership.owns($0) } } else { decides = { _ in true } }
        allocator = SeatAllocator(ledger: store, clock: clock, holdDuration: configuration.holdDuration, decides: decides) { requests, duration in
            metrics.allocatorCommitted(requests: requests, duration: duration)
        }
        let peers = membership.map { (membership: $0, forwarder: PeerForwarder(group: group)) }
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
            allocator: allocator, accounts: accounts, reader: reader, bookings: store, refunds: store, intents: store, logger: logger,
            gateway: paymentGateway, clock: clock, localTime: localTime, metrics: metrics)
        let settlement = PaymentSettlement(desk: desk, settleAfter: configuration.settlePaymentsAfter)
        dispatcher = Dispatcher(
            search: SearchService(reader: reader, seats: allocator, ratings: store, localTime: localTime, clock: clock),
            info: InfoService(reader: reader, configuration: configuration, clock: clock),
            accounts: accounts,
            holds: HoldService(desk: desk),
            purchases: PurchaseService(desk: desk, settlement: settlement, feeCentsPerTicket: configuration.convenienceFeeCents,
                                       secret: secret),
            bookings: BookingService(desk: desk),
            reviews: ReviewService(store: store, reader: reader, accounts: accounts, clock: clock),
            callGuard: callGuard,
            metrics: metrics,
            cluster: peers.map { [allocator] in (ShowtimeRouter(membership: $0.membership, allocator: allocator, ledger: store), $0.forwarder) }
        )
        housekeeping = [
            HousekeepingService.holdReaper(allocator: allocator, callGuard: callGuard, metrics: metrics,
                                           ticks: schedule.holdReaper, logger: logger),
            HousekeepingService.keyExpiry(bookings: store, clock: clock, ticks: schedule.keyExpiry, logger: logger),
            HousekeepingService.refundRetrier(refunds: store, gateway: paymentGateway, metrics: metrics,
                                              ticks: schedule.refundRetry, logger: logger),
            HousekeepingService.paymentSweeper(settlement: settlement, ticks: schedule.paymentSweep, logger: logger),
            HousekeepingService.revocationSync(accounts: accounts, ticks: schedule.revocationSync, logger: logger),
        ]
        cluster = peers.map { [allocator] peers in
            (peers.membership, ClusterHeartbeat(membership: peers.membership, allocator: allocator, metrics: metrics,
                                                ticks: schedule.clusterHeartbeat, logger: logger), peers.forwarder)
        }
    }
}
