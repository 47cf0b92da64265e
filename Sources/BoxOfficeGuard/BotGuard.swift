import Foundation
import Synchronization

/// Scores each client by how automated its behaviour looks and blocks it for a cool-down past a
/// threshold (see `BotPolicy` for the heuristics). It sees calls after they are answered and
/// expired holds from the reaper; it never looks at content beyond ids and sizes.
public final class BotGuard: Sendable {
    /// A block: until when, and which heuristics caused it.
    public struct Block: Equatable, Sendable {
        public var retryAfterMilliseconds: UInt32
        public var reasons: [BotSign]
        /// True when this very call or event started the block (it is then logged and counted).
        public var startedNow = false
    }

    /// What one call tells the guard.
    public enum Event: Sendable {
        /// A seat map of this showtime.
        case seatMap(showtimeID: Int64)
        /// A successful hold; `isMaximum` when it took as many seats as a hold may.
        case hold(isMaximum: Bool)
        /// A successful sign-in (or sign-up) to this account, from the client's address.
        case signIn(userID: Int64)
    }

    /// Per-client evidence: 96 bytes. Times are seconds since the guard started, milliseconds for intervals.
    struct Evidence {
        var holdWindow: Int32 = 0
        var holds: UInt16 = 0
        var abandoned: UInt16 = 0
        var seatMapMinute: Int32 = -1
        var seatMapSketch: UInt64 = 0
        var lastCall: Int64 = -1
        var intervals: UInt16 = 0
        var intervalMean: Float = 0
        var intervalSquares: Float = 0
        var sweepWindow: Int32 = 0
        var maximumHolds: UInt16 = 0
        var signInWindow: Int32 = 0
        var signInSketch: UInt64 = 0
        /// Second each sign last fired, by `BotSign.rawValue`; Int32.min when never.
        var fired: (Int32, Int32, Int32, Int32, Int32) = (.min, .min, .min, .min, .min)
        var blockedUntil: Int32 = .min
        var blockReasons: UInt8 = 0
    }

    public let policy: BotPolicy
    private let epochMilliseconds: Int64
    private let seed: UInt64
    private let table: Mutex<BoundedClientTable<Evidence>>

    public init(policy: BotPolicy, maxClients: Int, startMilliseconds: Int64) {
        self.policy = policy
        self.epochMilliseconds = startMilliseconds
        var generator = SystemRandomNumberGenerator()
        self.seed = generator.next()
        self.table = Mutex(BoundedClientTable(capacity: maxClients, blank: Evidence()))
    }

    /// Admits a call of `key`, or answers the block in force. In the same table lookup it times
    /// the call for the metronome sign, which can start a block there and then. One lookup per call
    /// keeps the guard's cost at a few hundred nanoseconds.
    public func admit(_ key: ClientKey, nowMilliseconds: Int64) -> Block? {
        let now = seconds(nowMilliseconds)
        let policy = policy
        let epoch = epochMilliseconds
        return table.withLock { table in
            table.withValue(for: key, at: UInt32(clamping: nowMilliseconds / 1000), makeValue: { Evidence() }) { evidence in
                if let block = Self.activeBlock(evidence, at: now, epoch: epoch, nowMilliseconds: nowMilliseconds) { return block }
                var fired: [BotSign] = []
                Self.timing(&evidence, at: nowMilliseconds - epoch, policy: policy, fired: &fired)
                guard !fired.isEmpty else { return nil }
                return Self.score(&evidence, fired: fired, at: now, policy: policy, epochMilliseconds: epoch, nowMilliseconds: nowMilliseconds)
            }
        }
    }

    /// The block in force for `key`, if any, without counting a call.
    public func block(of key: ClientKey, nowMilliseconds: Int64) -> Block? {
        let now = seconds(nowMilliseconds)
        return table.withLock { table in
            table.peek(key).flatMap { Self.activeBlock($0, at: now, epoch: epochMilliseconds, nowMilliseconds: nowMilliseconds) }
        }
    }

    /// Records `event` for `key`; returns the block it starts, if it tips the client over the threshold.
    @discardableResult
    public func observe(_ event: Event, for key: ClientKey, nowMilliseconds: Int64) -> Block? {
        let now = seconds(nowMilliseconds)
        let policy = policy
        let seed = seed
        return table.withLock { table in
            table.withValue(for: key, at: UInt32(clamping: nowMilliseconds / 1000), makeValue: { Evidence() }) { evidence in
                var fired: [BotSign] = []
                switch event {
                case .seatMap(let showtimeID):
                    if evidence.seatMapMinute != now / 60 {
                        evidence.seatMapMinute = now / 60
                        evidence.seatMapSketch = 0
                    }
                    evidence.seatMapSketch |= 1 << (Self.mix(UInt64(bitPattern: showtimeID), seed) & 63)
                    if Self.distinct(evidence.seatMapSketch) >= Double(policy.scrapeShowtimesPerMinute) { fired.append(.scraping) }
                case .hold(let isMaximum):
                    Self.roll(&evidence.holdWindow, every: 1800, at: now) { evidence.holds = 0; evidence.abandoned = 0 }
                    evidence.holds &+= 1
                    if isMaximum {
                        Self.roll(&evidence.sweepWindow, every: 600, at: now) { evidence.maximumHolds = 0 }
                        evidence.maximumHolds &+= 1
                        if evidence.maximumHolds >= policy.sweepMaxHolds { fired.append(.holdSweep) }
                    }
                case .signIn(let userID):
                    Self.roll(&evidence.signInWindow, every: 600, at: now) { evidence.signInSketch = 0 }
                    evidence.signInSketch |= 1 << (Self.mix(UInt64(bitPattern: userID), seed) & 63)
                    if Self.distinct(evidence.signInSketch) >= Double(policy.accountsPerAddress) { fired.append(.accountSpread) }
                }
                return Self.score(&evidence, fired: fired, at: now, policy: policy, epochMilliseconds: epochMilliseconds,
                                  nowMilliseconds: nowMilliseconds)
            }
        }
    }

    /// Records that one of `key`'s holds expired unpurchased.
    @discardableResult
    public func holdExpired(for key: ClientKey, nowMilliseconds: Int64) -> Block? {
        let now = seconds(nowMilliseconds)
        let policy = policy
        return table.withLock { table in
            table.withValue(for: key, at: UInt32(clamping: nowMilliseconds / 1000), makeValue: { Evidence() }) { evidence in
                Self.roll(&evidence.holdWindow, every: 1800, at: now) { evidence.holds = 0; evidence.abandoned = 0 }
                evidence.abandoned &+= 1
                var fired: [BotSign] = []
                // A hold made before the window rolled still counts as made.
                let holds = max(Int(evidence.holds), Int(evidence.abandoned))
                if holds >= policy.abandonMinHolds && Double(evidence.abandoned) >= policy.abandonRatio * Double(holds) {
                    fired.append(.holdAbandon)
                }
                return Self.score(&evidence, fired: fired, at: now, policy: policy, epochMilliseconds: epochMilliseconds,
                                  nowMilliseconds: nowMilliseconds)
            }
        }
    }

    /// The heuristics that have fired for `key` and still weigh on its score, strongest first (for tests and logs).
    public func signs(of key: ClientKey, nowMilliseconds: Int64) -> [BotSign] {
        let now = seconds(nowMilliseconds)
        return table.withLock { table in
            guard let evidence = table.peek(key) else { return [] }
            return Self.contributions(evidence, at: now, policy: policy).filter { $0.1 > 1 }.map(\.0)
        }
    }

    public var trackedClients: Int { table.withLock { $0.count } }
    public var footprintBytes: Int { table.withLock { $0.footprintBytes } }

    // MARK: Heuristics

    /// The metronome check, on every call: Welford's running mean and variance of the intervals.
    private static func timing(_ evidence: inout Evidence, at milliseconds: Int64, policy: BotPolicy, fired: inout [BotSign]) {
        defer { evidence.lastCall = milliseconds }
        guard evidence.lastCall >= 0 else { return }
        let interval = Float(milliseconds - evidence.lastCall)
        evidence.intervals = evidence.intervals == .max ? .max : evidence.intervals + 1
        let count = Float(evidence.intervals)
        let delta = interval - evidence.intervalMean
        evidence.intervalMean += delta / count
        evidence.intervalSquares += delta * (interval - evidence.intervalMean)
        guard Int(evidence.intervals) + 1 >= policy.metronomeMinCalls, evidence.intervalMean >= 200 else { return }
        let deviation = (evidence.intervalSquares / count).squareRoot()
        if Double(deviation / evidence.intervalMean) < policy.metronomeVariation { fired.append(.metronome) }
    }

    private static func score(_ evidence: inout Evidence, fired: [BotSign], at now: Int32, policy: BotPolicy,
                              epochMilliseconds: Int64, nowMilliseconds: Int64) -> Block? {
        for sign in fired { setFired(&evidence, sign, now) }
        guard !fired.isEmpty, evidence.blockedUntil <= now else { return nil }
        let contributions = contributions(evidence, at: now, policy: policy)
        guard contributions.reduce(0, { $0 + $1.1 }) >= policy.threshold else { return nil }
        evidence.blockedUntil = now + Int32(policy.cooldownSeconds)
        let reasons = contributions.filter { $0.1 > 1 }.map(\.0)
        evidence.blockReasons = reasons.reduce(0) { $0 | 1 << UInt8($1.rawValue) }
        guard var block = activeBlock(evidence, at: now, epoch: epochMilliseconds, nowMilliseconds: nowMilliseconds) else { return nil }
        block.startedNow = true
        return block
    }

    /// The block `evidence` records as in force at `now`, with the milliseconds left of it.
    private static func activeBlock(_ evidence: Evidence, at now: Int32, epoch: Int64, nowMilliseconds: Int64) -> Block? {
        guard evidence.blockedUntil > now else { return nil }
        let wait = Int64(evidence.blockedUntil) * 1000 + epoch - nowMilliseconds
        return Block(retryAfterMilliseconds: UInt32(clamping: max(1, wait)), reasons: signs(evidence.blockReasons))
    }

    /// Each fired sign's weight now, strongest first.
    private static func contributions(_ evidence: Evidence, at now: Int32, policy: BotPolicy) -> [(BotSign, Double)] {
        BotSign.allCases.compactMap { sign -> (BotSign, Double)? in
            let at = firedAt(evidence, sign)
            guard at != .min else { return nil }
            return (sign, sign.weight(in: policy) * pow(0.5, Double(now - at) / policy.halfLifeSeconds))
        }.sorted { $0.1 > $1.1 }
    }

    private static func firedAt(_ evidence: Evidence, _ sign: BotSign) -> Int32 {
        switch sign {
        case .holdAbandon: evidence.fired.0
        case .scraping: evidence.fired.1
        case .metronome: evidence.fired.2
        case .holdSweep: evidence.fired.3
        case .accountSpread: evidence.fired.4
        }
    }

    private static func setFired(_ evidence: inout Evidence, _ sign: BotSign, _ now: Int32) {
        switch sign {
        case .holdAbandon: evidence.fired.0 = now
        case .scraping: evidence.fired.1 = now
        case .metronome: evidence.fired.2 = now
        case .holdSweep: evidence.fired.3 = now
        case .accountSpread: evidence.fired.4 = now
        }
    }

    private static func signs(_ mask: UInt8) -> [BotSign] {
        BotSign.allCases.filter { mask & 1 << UInt8($0.rawValue) != 0 }
    }

    /// Starts a new window of `every` seconds when the current one is over.
    private static func roll(_ window: inout Int32, every period: Int32, at now: Int32, reset: () -> Void) {
        if now - window >= period {
            window = now
            reset()
        }
    }

    /// Linear counting: the number of distinct values hashed into a 64-bit sketch.
    private static func distinct(_ sketch: UInt64) -> Double {
        let empty = Double(64 - sketch.nonzeroBitCount)
        return empty == 0 ? 64 * log(64.0) : -64 * log(empty / 64)
    }

    private static func mix(_ value: UInt64, _ seed: UInt64) -> UInt64 {
        var x = value &+ seed &* 0x9E37_79B9_7F4A_7C15
        x = (x ^ x >> 30) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ x >> 27) &* 0x94D0_49BB_1331_11EB
        return x ^ x >> 31
    }

    private func seconds(_ milliseconds: Int64) -> Int32 {
        Int32(clamping: (milliseconds - epochMilliseconds) / 1000)
    }
}
