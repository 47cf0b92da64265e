/// The bot heuristics' knobs. Each heuristic "fires" when its pattern shows; a client's score is
/// the sum of the weights of the heuristics that fired, each halving every `halfLifeSeconds` since
/// it last fired; at `threshold` the client is blocked for `cooldownSeconds`. With the defaults a
/// pattern no person produces (scraping, sweeping, many accounts) blocks alone, and the weaker
/// signs (abandoned holds, a metronome) block only together.
public struct BotPolicy: Hashable, Sendable {
    /// Score at which a client is blocked.
    public var threshold = 100.0
    /// How long a block lasts.
    public var cooldownSeconds = 900
    /// How fast a fired heuristic's weight fades.
    public var halfLifeSeconds = 600.0

    /// Hold abandonment: at least `abandonMinHolds` holds in 30 minutes, and at least this share of
    /// them expired unpurchased (released ones do not count: changing one's mind is human).
    public var abandonRatio = 0.8
    public var abandonMinHolds = 5
    public var abandonWeight = 60.0

    /// Scraping: seat maps of at least this many distinct showtimes within one minute.
    public var scrapeShowtimesPerMinute = 30
    public var scrapeWeight = 100.0

    /// A metronome: at least `metronomeMinCalls` calls whose intervals, on average at least
    /// 200 ms apart, vary by less than this coefficient of variation (people are never this regular).
    public var metronomeVariation = 0.05
    public var metronomeMinCalls = 20
    public var metronomeWeight = 60.0

    /// Hold sweeping: at least this many holds of the maximum size within 10 minutes.
    public var sweepMaxHolds = 3
    public var sweepWeight = 100.0

    /// Account spread: sign-ins to at least this many distinct accounts from one address within 10 minutes.
    public var accountsPerAddress = 5
    public var accountsWeight = 100.0

    public init() {}
}

/// The heuristics, by the name logs, messages and metrics use.
public enum BotSign: Int, CaseIterable, Sendable, CustomStringConvertible {
    case holdAbandon, scraping, metronome, holdSweep, accountSpread

    public var description: String {
        switch self {
        case .holdAbandon: "hold-abandon"
        case .scraping: "seat-map-scraping"
        case .metronome: "metronome-timing"
        case .holdSweep: "hold-sweeping"
        case .accountSpread: "many-accounts-one-address"
        }
    }

    func weight(in policy: BotPolicy) -> Double {
        switch self {
        case .holdAbandon: policy.abandonWeight
        case .scraping: policy.scrapeWeight
        case .metronome: policy.metronomeWeight
        case .holdSweep: policy.sweepWeight
        case .accountSpread: policy.accountsWeight
        }
    }
}
