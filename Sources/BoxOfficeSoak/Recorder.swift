import BoxOfficeCore
public import BoxOfficeProto
import Histogram
import Synchronization

/// Who made a call: a person, or one of the bots the `bots` and `mixed` scenarios mix in.
public enum Role: String, Codable, Sendable, CaseIterable {
    case human
    /// Reads the seat maps of one showtime after another, as fast as it is let.
    case scraper
    /// Holds the largest blocks of seats it can, on showtime after showtime, and never pays.
    case holdSweeper = "hold-sweeper"
    /// Calls on a fixed period, to the millisecond, as no person does.
    case metronome

    public var isBot: Bool { self != .human }
}

/// What a funnel ended in.
public enum Outcome: String, Codable, Sendable, CaseIterable {
    case held, purchased, released, abandoned
}

/// A booking the tool saw confirmed, to be found again by the invariant checks.
public struct ConfirmedBooking: Sendable, Codable, Hashable {
    public var code: String
    public var showtimeID: Int64
    public var seats: [String]
    /// The buyer's token, to read the booking back as its owner.
    public var token: String
}

/// Every answer of a run, by call type and by role: latency (from the intended send time in an
/// open loop), status codes, funnel outcomes, and the bookings the run saw confirmed. Shared by all
/// virtual users; one lock, held for a few hundred nanoseconds per call.
public final class Recorder: Sendable {
    /// Latencies are kept in microseconds, up to a minute, to three significant digits.
    static let highestMicroseconds: UInt64 = 60_000_000

    struct CallStats {
        var latency = Histogram<UInt64>(highestTrackableValue: Recorder.highestMicroseconds, numberOfSignificantValueDigits: .three)
        var ok = 0
        var errors: [String: Int] = [:]
    }

    struct RoleStats {
        var calls = 0
        /// Refused by a rate limit (RESOURCE_EXHAUSTED).
        var limited = 0
        /// Refused by the bot guard (PERMISSION_DENIED).
        var blocked = 0
    }

    struct State {
        var calls: [String: CallStats] = [:]
        var roles: [Role: RoleStats] = [:]
        var outcomes: [Outcome: Int] = [:]
        var all = Histogram<UInt64>(highestTrackableValue: Recorder.highestMicroseconds, numberOfSignificantValueDigits: .three)
        var intervalCalls = 0
        var intervalErrors: [String: Int] = [:]
        /// Kept across the warm-up's reset: the invariants cover everything the run did.
        var confirmed: [ConfirmedBooking] = []
        var touched: Set<Int64> = []
        /// UNAVAILABLE answers tried again (with --retries).
        var retries = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// One answer: `microseconds` from the intended send time to the answer.
    public func record(_ kind: String, role: Role, microseconds: UInt64, status: Boxoffice_V1_StatusCode) {
        state.withLock { state in
            let clamped = min(microseconds, Self.highestMicroseconds)
            // Changed in place: a copy taken out of the dictionary would copy the histogram's
            // counts on every call.
            _ = state.calls[kind, default: CallStats()].latency.record(clamped)
            state.roles[role, default: RoleStats()].calls += 1
            if status == .ok {
                state.calls[kind]!.ok += 1
            } else {
                let code = BoxOfficeError.Code(rawValue: status.rawValue).name
                state.calls[kind]!.errors[code, default: 0] += 1
                state.intervalErrors[code, default: 0] += 1
                if status == .resourceExhausted { state.roles[role]!.limited += 1 }
                if status == .permissionDenied { state.roles[role]!.blocked += 1 }
            }
            _ = state.all.record(clamped)
            state.intervalCalls += 1
        }
    }

    public func count(_ outcome: Outcome) {
        state.withLock { $0.outcomes[outcome, default: 0] += 1 }
    }

    public func confirm(_ booking: ConfirmedBooking) {
        state.withLock { $0.confirmed.append(booking); $0.touched.insert(booking.showtimeID) }
    }

    /// A showtime the run held seats in, whose counts the invariant checks verify.
    public func touch(showtime: Int64) {
        _ = state.withLock { $0.touched.insert(showtime) }
    }

    /// Forgets the warm-up's answers (not its bookings, which the invariants still cover).
    public func startMeasuring() {
        state.withLock { state in
            let confirmed = state.confirmed, touched = state.touched
            state = State()
            state.confirmed = confirmed
            state.touched = touched
        }
    }

    public var confirmed: [ConfirmedBooking] { state.withLock { $0.confirmed } }
    /// A call answered UNAVAILABLE is being tried again.
    func retried() { state.withLock { $0.retries += 1 } }
    /// UNAVAILABLE answers tried again since measuring began.
    public var retryCount: Int { state.withLock { $0.retries } }
    public var touched: Set<Int64> { state.withLock { $0.touched } }

    /// The calls and errors since the previous tick, and the p99 of the whole run so far.
    func tick() -> (calls: Int, errors: [String: Int], p99Microseconds: UInt64) {
        state.withLock { state in
            defer { state.intervalCalls = 0; state.intervalErrors = [:] }
            return (state.intervalCalls, state.intervalErrors, state.all.totalCount == 0 ? 0 : state.all.valueAtPercentile(99))
        }
    }

    /// The run's figures, over `seconds` of measuring.
    func summary(seconds: Double) -> SoakReport.Figures {
        state.withLock { state in
            func latency(_ histogram: Histogram<UInt64>) -> SoakReport.Latency {
                func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
                return SoakReport.Latency(p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9), max: Double(histogram.max) / 1000)
            }
            let calls = state.calls.map { kind, stats in
                SoakReport.CallFigures(call: kind, calls: Int(stats.latency.totalCount), ok: stats.ok,
                                       perSecond: Double(stats.latency.totalCount) / seconds, latency: latency(stats.latency),
                                       errors: stats.errors)
            }.sorted { $0.call < $1.call }
            var errors: [String: Int] = [:]
            for stats in state.calls.values { errors.merge(stats.errors, uniquingKeysWith: +) }
            let roles = state.roles.map { role, stats in
                SoakReport.RoleFigures(role: role, calls: stats.calls, rateLimited: stats.limited, blocked: stats.blocked)
            }.sorted { $0.role.rawValue < $1.role.rawValue }
            return SoakReport.Figures(
                seconds: seconds,
                calls: Int(state.all.totalCount),
                perSecond: Double(state.all.totalCount) / seconds,
                latency: state.all.totalCount == 0 ? nil : latency(state.all),
                byCall: calls,
                errors: errors,
                outcomes: Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0.rawValue, state.outcomes[$0] ?? 0) }),
                roles: roles
            )
        }
    }
}
