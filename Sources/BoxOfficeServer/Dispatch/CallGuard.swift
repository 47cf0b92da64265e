import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import Logging
import NIOCore

/// The dispatcher's guard, on the monotonic clock (a wall-clock step must not refill every bucket
/// or lift every block): before a call runs, refuses it if its client is blocked as a bot
/// (PERMISSION_DENIED) or out of tokens for its class of call (RESOURCE_EXHAUSTED), both with an
/// exact `retry_after_ms`; after it ran, shows the bot guard what the call revealed. Trusted
/// addresses pass untouched.
final class CallGuard: Sendable {
    let limiter: RateLimiter?
    let bots: BotGuard?
    let trusted: TrustedNetworks
    private let clock: any TimeSource
    private let metrics: ServerMetrics
    private let logger: Logger

    init(limiter: RateLimiter?, bots: BotGuard?, trusted: TrustedNetworks, clock: any TimeSource, metrics: ServerMetrics, logger: Logger) {
        self.limiter = limiter
        self.bots = bots
        self.trusted = trusted
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// Who a call counts against: the token's user when the token is valid, else the peer address;
    /// nil when the peer is trusted (or unknown) and the guard stays out of the way.
    func client(userID: Int64?, address: SocketAddress?) -> ClientKey? {
        guard limiter != nil || bots != nil, !trusted.contains(address) else { return nil }
        if let userID { return .user(userID) }
        return ClientKey.address(address)
    }

    /// Throws the refusal of a call of `callClass` by `client`, or returns to let it run.
    func admit(_ client: ClientKey, _ callClass: CallClass) throws(BoxOfficeError) {
        let now = clock.monotonicMilliseconds
        if let block = bots?.admit(client, nowMilliseconds: now) {
            if block.startedNow { blocked(client, block) }
            metrics.guardRefused()
            throw BoxOfficeError(.permissionDenied,
                                 "this client was flagged as automated (\(block.reasons.map(\.description).joined(separator: ", "))): "
                                    + "calls are refused for a cool-down", retryAfterMilliseconds: block.retryAfterMilliseconds)
        }
        if case .refused(let wait) = limiter?.admit(client, callClass, nowMilliseconds: now) {
            metrics.limiterRefused(callClass)
            throw BoxOfficeError(.resourceExhausted,
                                 "too many \(callClass) calls: at most \(limiter!.policy[callClass]) per client; retry after \(wait) ms",
                                 retryAfterMilliseconds: wait)
        }
    }

    /// Shows the bot guard what an answered call revealed.
    func observe(_ event: BotGuard.Event, for client: ClientKey) {
        if let block = bots?.observe(event, for: client, nowMilliseconds: clock.monotonicMilliseconds) { blocked(client, block) }
    }

    /// Holds the reaper found expired, by owner: evidence of hold abandonment.
    func holdsExpired(userIDs: [Int64]) {
        guard let bots else { return }
        let now = clock.monotonicMilliseconds
        for userID in userIDs {
            if let block = bots.holdExpired(for: .user(userID), nowMilliseconds: now) { blocked(.user(userID), block) }
        }
    }

    private func blocked(_ client: ClientKey, _ block: BotGuard.Block) {
        for reason in block.reasons { metrics.botBlocked(reason) }
        logger.warning("blocked a client as automated", metadata: [
            "boxoffice.client": "\(client)",
            "boxoffice.reasons": "\(block.reasons.map(\.description).joined(separator: ","))",
            "boxoffice.cooldown_ms": "\(block.retryAfterMilliseconds)",
        ])
    }
}

extension Boxoffice_V1_Request.OneOf_Call {
    /// The rate-limit class of the call.
    var callClass: CallClass {
        switch self {
        case .getInfo, .searchTheatres, .searchMovies, .searchShowtimes, .listScreens, .getBooking, .listBookings,
             .listHolds, .quoteHold, .whoAmI, .listReviews: .search
        case .getSeatMap: .seatMap
        case .holdSeats, .releaseHold: .hold
        case .purchase, .cancelBooking: .purchase
        case .signUp, .signIn, .signOut: .account
        case .rateMovie, .deleteReview: .review
        }
    }
}
