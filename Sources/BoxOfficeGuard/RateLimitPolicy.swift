public import BoxOfficeCore

/// The kinds of call that are limited separately: a burst of searches must not use up the
/// budget for buying, and a scraper's seat maps cost more than a browser's searches.
public enum CallClass: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// GetInfo, the searches, ListScreens, GetBooking, ListBookings, ListHolds, QuoteHold, WhoAmI, ListReviews.
    case search
    /// GetSeatMap.
    case seatMap
    /// HoldSeats, ReleaseHold.
    case hold
    /// Purchase, CancelBooking.
    case purchase
    /// SignUp, SignIn, SignOut.
    case account
    /// RateMovie, DeleteReview: writing reviews, which a spammer would flood.
    case review

    public var description: String {
        switch self {
        case .search: "search"
        case .seatMap: "seat-map"
        case .hold: "hold"
        case .purchase: "purchase"
        case .account: "account"
        case .review: "review"
        }
    }

    public init?(name: String) {
        guard let found = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = found
    }
}

/// A token bucket's shape: `count` calls per `periodSeconds` on average, up to `burst` at once.
public struct RateLimit: Hashable, Sendable, CustomStringConvertible {
    public var count: Int
    public var periodSeconds: Int
    public var burst: Int

    public init(count: Int, per periodSeconds: Int, burst: Int) {
        self.count = count
        self.periodSeconds = periodSeconds
        self.burst = burst
    }

    /// Nanoseconds between two tokens.
    var intervalNanoseconds: Int64 { Int64(periodSeconds) * 1_000_000_000 / Int64(count) }

    public var description: String {
        let unit = switch periodSeconds { case 1: "s"; case 60: "min"; case 3600: "h"; default: "\(periodSeconds)s" }
        return "\(count)/\(unit),\(burst)"
    }

    /// Reads "20/s,40", "5/min,5" or "100/h,20" (count per unit, then the burst).
    public init(parsing text: String) throws(BoxOfficeError) {
        let parts = text.split(separator: ",")
        let rate = parts.first?.split(separator: "/") ?? []
        guard parts.count == 2, rate.count == 2, let count = Int(rate[0]), count > 0,
              let burst = Int(parts[1]), burst > 0
        else { throw .invalidArgument("a rate limit is COUNT/UNIT,BURST such as 20/s,40, not \"\(text)\"") }
        let period: Int
        switch rate[1] {
        case "s": period = 1
        case "min": period = 60
        case "h": period = 3600
        default: throw .invalidArgument("a rate limit's unit is s, min or h, not \"\(rate[1])\"")
        }
        self.init(count: count, per: period, burst: burst)
    }
}

/// The limit of every call class.
public struct RateLimitPolicy: Hashable, Sendable {
    public var limits: [CallClass: RateLimit]

    /// Sensible for people: browsing freely, a seat map every few seconds, a hold or purchase a
    /// second with a little slack, and a handful of sign-ins a minute.
    public static let defaults = RateLimitPolicy(limits: [
        .search: RateLimit(count: 20, per: 1, burst: 40),
        .seatMap: RateLimit(count: 5, per: 1, burst: 10),
        .hold: RateLimit(count: 1, per: 1, burst: 3),
        .purchase: RateLimit(count: 1, per: 1, burst: 3),
        .account: RateLimit(count: 5, per: 60, burst: 5),
        .review: RateLimit(count: 10, per: 3600, burst: 5),
    ])

    public subscript(_ callClass: CallClass) -> RateLimit {
        get { limits[callClass] ?? Self.defaults.limits[callClass]! }
        set { limits[callClass] = newValue }
    }

    /// Applies "CLASS=COUNT/UNIT,BURST" settings, one per line or argument; `#` starts a comment.
    public mutating func apply(_ settings: [String]) throws(BoxOfficeError) {
        for raw in settings {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let setting = line.trimmingCharacters(in: " \t")
            if setting.isEmpty { continue }
            let parts = setting.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let callClass = CallClass(name: String(parts[0]).trimmingCharacters(in: " \t")) else {
                throw .invalidArgument("a rate limit setting is CLASS=COUNT/UNIT,BURST with CLASS one of "
                    + CallClass.allCases.map(\.description).joined(separator: ", ") + "; not \"\(setting)\"")
            }
            self[callClass] = try RateLimit(parsing: String(parts[1]).trimmingCharacters(in: " \t"))
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
