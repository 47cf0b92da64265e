import BoxOfficeGuard
import ArgumentParser
import BoxOfficeCore
import BoxOfficeServer
import Foundation

/// `boxofficed serve`'s options for the guard in front of the dispatcher: rate limits, connection
/// caps, the bot heuristics, trusted addresses, and the metrics endpoint.
struct GuardOptions: ParsableArguments {
    /// The server's own defaults: the help text and unset options come from them.
    private static let defaults = ServerConfiguration()
    private static let bots = BotPolicy()
    private static let limits = RateLimitPolicy.defaults

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("""
        A rate limit per client (signed-in user, else address; IPv6 by /64) as CLASS=COUNT/UNIT,BURST, \
        repeatable. Classes and defaults: search=\(limits[.search]) (searches, screens, info, bookings, holds list, quotes, reviews list), \
        seat-map=\(limits[.seatMap]), hold=\(limits[.hold]) (hold, release), purchase=\(limits[.purchase]) (purchase, cancel), \
        account=\(limits[.account]) (sign-up, sign-in, sign-out), review=\(limits[.review]) (rate, delete review). \
        UNIT is s, min or h.
        """, valueName: "class=rate"))
    var rateLimits: [String] = []

    @Option(help: ArgumentHelp("A file of rate limits, one CLASS=COUNT/UNIT,BURST per line, # comments; --rate-limit wins.",
                               valueName: "path"))
    var limitsFile: String?

    @Flag(help: "Turn rate limiting off (for load tests; prefer --trusted).")
    var noRateLimits = false

    @Option(help: ArgumentHelp("Clients the limiter and the bot guard each remember; the least recently seen are forgotten.",
                               valueName: "count"))
    var maxTrackedClients = defaults.maxTrackedClients

    @Option(name: .customLong("trusted"), help: ArgumentHelp(
        "An address range exempt from rate limits, the bot guard and the per-address connection cap, e.g. 10.0.0.0/8; repeatable.",
        valueName: "cidr"))
    var trusted: [String] = []

    @Option(help: ArgumentHelp("""
        A load balancer's address range, e.g. 127.0.0.10/32: connections from it must begin with a PROXY protocol header \
        (v1 or v2, as HAProxy's send-proxy-v2 sends) naming the real client, whom limits, caps and logs then see; one \
        without a valid header is closed. Connections from elsewhere are read without one. Repeatable.
        """, valueName: "cidr"))
    var trustedProxies: [String] = []

    @Option(help: "Connections open at once, in all; more are answered RESOURCE_EXHAUSTED and closed.")
    var maxConnections = defaults.maxConnections

    @Option(help: "Connections open at once from one address (IPv6: one /64).")
    var maxConnectionsPerAddress = defaults.maxConnectionsPerAddress

    @Flag(help: "Turn the bot guard off.")
    var noBotGuard = false

    @Option(help: ArgumentHelp("Bot score at which a client is blocked (each sign below adds its weight, fading by half every \(Int(bots.halfLifeSeconds) / 60) minutes).",
                               valueName: "score"))
    var botThreshold = bots.threshold

    @Option(help: ArgumentHelp("How long a client flagged as automated is refused, in seconds.", valueName: "seconds"))
    var botCooldown = bots.cooldownSeconds

    @Option(help: ArgumentHelp("Sign \(BotSign.scraping) (weight \(Int(bots.scrapeWeight))): seat maps of this many distinct showtimes in a minute.",
                               valueName: "count"))
    var botScrapeShowtimes = bots.scrapeShowtimesPerMinute

    @Option(help: ArgumentHelp("Sign \(BotSign.holdSweep) (weight \(Int(bots.sweepWeight))): this many holds of the maximum size within 10 minutes.",
                               valueName: "count"))
    var botSweepHolds = bots.sweepMaxHolds

    @Option(help: ArgumentHelp("Sign \(BotSign.accountSpread) (weight \(Int(bots.accountsWeight))): sign-ins to this many accounts from one address within 10 minutes.",
                               valueName: "count"))
    var botAccountsPerAddress = bots.accountsPerAddress

    @Option(help: ArgumentHelp("Sign \(BotSign.holdAbandon) (weight \(Int(bots.abandonWeight))): this share of at least \(bots.abandonMinHolds) holds in 30 minutes expired unpurchased.",
                               valueName: "ratio"))
    var botAbandonRatio = bots.abandonRatio

    @Option(help: ArgumentHelp("Sign \(BotSign.metronome) (weight \(Int(bots.metronomeWeight))): \(bots.metronomeMinCalls) calls whose intervals vary by less than this coefficient of variation.",
                               valueName: "ratio"))
    var botMetronomeVariation = bots.metronomeVariation

    @Option(help: ArgumentHelp("Port of the Prometheus endpoint GET /metrics (0 picks a free one); none when not given.",
                               valueName: "port"))
    var metricsPort: Int?

    func validate() throws {
        _ = try rateLimitPolicy()
        _ = try trustedNetworks()
        _ = try proxies()
        guard maxTrackedClients > 0, maxConnections > 0, maxConnectionsPerAddress > 0, botCooldown > 0, botThreshold > 0,
              botScrapeShowtimes > 0, botSweepHolds > 0, botAccountsPerAddress > 0,
              (0...1).contains(botAbandonRatio), botMetronomeVariation >= 0
        else { throw ValidationError("guard limits must be positive, and ratios between 0 and 1") }
        if let metricsPort, !(0...65_535).contains(metricsPort) { throw ValidationError("--metrics-port must be 0...65535") }
    }

    /// Applies these options to `configuration`.
    func apply(to configuration: inout ServerConfiguration) throws {
        configuration.rateLimits = noRateLimits ? nil : try rateLimitPolicy()
        configuration.botPolicy = noBotGuard ? nil : botPolicy
        configuration.maxTrackedClients = maxTrackedClients
        configuration.trustedNetworks = try trustedNetworks()
        configuration.trustedProxies = try proxies()
        configuration.maxConnections = maxConnections
        configuration.maxConnectionsPerAddress = maxConnectionsPerAddress
        configuration.metricsPort = metricsPort
    }

    private var botPolicy: BotPolicy {
        var policy = BotPolicy()
        policy.threshold = botThreshold
        policy.cooldownSeconds = botCooldown
        policy.scrapeShowtimesPerMinute = botScrapeShowtimes
        policy.sweepMaxHolds = botSweepHolds
        policy.accountsPerAddress = botAccountsPerAddress
        policy.abandonRatio = botAbandonRatio
        policy.metronomeVariation = botMetronomeVariation
        return policy
    }

    private func rateLimitPolicy() throws -> RateLimitPolicy {
        var policy = RateLimitPolicy.defaults
        do {
            if let limitsFile {
                guard let text = try? String(contentsOfFile: limitsFile, encoding: .utf8) else {
                    throw ValidationError("cannot read --limits-file \(limitsFile)")
                }
                try policy.apply(text.split(separator: "\n").map(String.init))
            }
            try policy.apply(rateLimits)
        } catch let error as BoxOfficeError {
            throw ValidationError(error.message)
        }
        return policy
    }

    private func proxies() throws -> TrustedNetworks {
        do {
            return try TrustedNetworks(trustedProxies)
        } catch {
            throw ValidationError("--trusted-proxies: \(error.message)")
        }
    }

    private func trustedNetworks() throws -> TrustedNetworks {
        do {
            return try TrustedNetworks(trusted)
        } catch {
            throw ValidationError(error.message)
        }
    }
}
