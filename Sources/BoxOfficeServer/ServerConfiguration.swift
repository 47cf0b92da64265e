public import BoxOfficeGuard
import BoxOfficeWire
public import Foundation
import NIOCore

/// Everything an operator can tune about a running server, with the defaults a theatre would want.
public struct ServerConfiguration: Sendable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one (tests).
    public var port = 7070
    /// Largest frame body accepted; a longer length prefix is refused before anything is buffered.
    public var maxFrameLength = FrameDecoder.defaultMaxFrameLength
    /// Deadline of a call that names none.
    public var defaultDeadline: Duration = .seconds(10)
    /// Upper bound on a deadline a client may ask for.
    public var maxDeadline: Duration = .seconds(60)
    /// A connection with no traffic and no call in flight for this long is closed.
    public var idleTimeout: Duration = .seconds(300)
    /// After SIGTERM, in-flight calls get this long to finish before connections are closed.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// A connection stops being read while this many of its calls are in flight.
    public var maxCallsInFlightPerConnection = 64
    /// Event-loop threads; defaults to one per core.
    public var eventLoopThreads = System.coreCount
    /// Threads of the blocking pool: SQLite queries, the allocator's writes and password hashes,
    /// off the event loops. Six lets SQLite's five concurrent readers work while the writer waits
    /// for its disk flush.
    public var databaseThreads = 6
    /// Entries kept in each catalogue answer cache.
    public var cacheCapacity = 50_000
    /// How long a cached catalogue answer is served before it is read again.
    public var cacheTimeToLive: Duration = .seconds(60)

    /// The key that signs bearer tokens (at least 32 bytes); nil makes a random one, so tokens
    /// do not outlive the process. `boxofficed` keeps one in a file beside the database.
    public var signingSecret: Data?
    /// PBKDF2 rounds for new password hashes.
    public var passwordHashRounds = PasswordHasher.defaultRounds
    /// How long a hold keeps its seats.
    public var holdDuration: Duration = .seconds(300)
    /// How long a purchase may stay between writing its payment intent and booking (or refunding)
    /// before the payment sweeper settles it instead: longer than the processor's slowest answer.
    public var settlePaymentsAfter: Duration = .seconds(120)
    /// Convenience fee added to each ticket, in cents.
    public var convenienceFeeCents: Int64 = 150
    /// Token buckets per client and class of call; nil turns rate limiting off.
    public var rateLimits: RateLimitPolicy? = .defaults
    /// The bot heuristics; nil turns the bot guard off.
    public var botPolicy: BotPolicy? = BotPolicy()
    /// Clients the limiter and the bot guard each remember; the least recently seen are forgotten beyond it.
    public var maxTrackedClients = 1_000_000
    /// Addresses exempt from rate limits, the bot guard and the per-address connection cap.
    public var trustedNetworks = TrustedNetworks()
    /// Load balancers (HAProxy) whose connections start with a PROXY protocol header (v1 or v2)
    /// naming the real client: from these addresses the header is required, and a connection
    /// without a valid one is closed; from any other address none is read (it could be forged).
    public var trustedProxies = TrustedNetworks()
    /// How long a connection from a trusted proxy may take to send its whole PROXY header before it
    /// is closed. The spec asks for at least 3 s, to cover a TCP retransmit.
    public var proxyHeaderTimeout: Duration = .seconds(5)
    /// Connections open at once, in all.
    public var maxConnections = 10_000
    /// Connections open at once from one address (IPv6: one /64).
    public var maxConnectionsPerAddress = 64
    /// Port of the Prometheus `GET /metrics` endpoint (0 picks a free one); nil serves none.
    public var metricsPort: Int?

    /// Set to run as one node of a cluster (PostgreSQL only); nil runs alone, deciding every showtime.
    public var cluster: ClusterSettings?

    /// How long a bearer token is good for.
    public var tokenLifetime: Duration = .seconds(24 * 3600)

    public init() {}

    /// The defaults, changed by `configure`.
    public static func defaults(configure: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configure(&configuration)
        return configuration
    }
}
