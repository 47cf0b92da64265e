import BoxOfficeClient
public import BoxOfficeCore
public import BoxOfficeProto
import BoxOfficeWire
import Foundation
import Synchronization

/// How virtual users pace their calls.
public enum Pacing: Sendable, Equatable {
    /// Each user sends its next call once the previous one is answered (after its think time, if it
    /// thinks): the server's speed sets the load.
    case closed
    /// `rate` arrivals per second over all users, each user's a Poisson process (a metronome's a
    /// fixed period). Latency counts from the intended send time, so a server that falls behind
    /// shows its queueing instead of slowing the load down.
    case open(rate: Double)
}

/// When the run is over: `duration` after measuring starts (however long the warm-up really
/// took), and optionally after a number of measured calls.
final class RunBudget: Sendable {
    let duration: Duration
    let maxCalls: Int?
    /// Set when measuring starts; nil while warming up.
    private let deadline = Mutex<ContinuousClock.Instant?>(nil)
    private let measured = Atomic<Int>(0)

    init(duration: Duration, maxCalls: Int?) {
        self.duration = duration
        self.maxCalls = maxCalls
    }

    /// The deadline, or the far future while warming up.
    var end: ContinuousClock.Instant { deadline.withLock { $0 } ?? .now + .seconds(86_400) }

    var isMeasuring: Bool { deadline.withLock { $0 != nil } }

    func startMeasuring() {
        deadline.withLock { $0 = .now + duration }
    }

    /// Takes the right to make one more call, or throws `RunOver`. Warm-up calls are free.
    func claim() throws(RunOver) {
        guard let end = deadline.withLock({ $0 }) else { return }
        if ContinuousClock.now >= end { throw RunOver() }
        if let maxCalls, measured.add(1, ordering: .relaxed).newValue > maxCalls { throw RunOver() }
    }
}

/// Thrown to a journey when the run's time or calls are spent.
struct RunOver: Error {}

/// One simulated person (or bot) on a shared connection: sends calls as its role, paced by the run,
/// and records every answer.
public struct VirtualUser: Sendable {
    public let index: Int
    public let role: Role
    public let connection: SharedConnection
    /// UNAVAILABLE answers (a node gone, ownership moving, a database switching) retried per call.
    let retries: Int
    /// A signed-in user's token; nil for an anonymous visitor.
    public let token: String?
    /// The local date whose showtimes buyers and sweepers hold seats in.
    public let saleDate: String
    public var random: SplitMix64
    let recorder: Recorder
    let budget: RunBudget
    /// The next intended send time in an open loop; nil in a closed loop.
    var nextArrival: ContinuousClock.Instant?
    /// Mean seconds between this user's arrivals in an open loop.
    let meanInterval: Double
    /// A person's pause between calls in a closed loop, in milliseconds; nil for no pause.
    let thinkMilliseconds: ClosedRange<Int>?
    private var metronomeNext: ContinuousClock.Instant?
    /// Different runs make different choices.
    private static let runSeed = UInt64.random(in: 0...UInt64.max)

    init(index: Int, role: Role, connection: SharedConnection, retries: Int = 0, token: String?, saleDate: String, recorder: Recorder,
         budget: RunBudget, pacing: Pacing, users: Int, thinkMilliseconds: ClosedRange<Int>?) {
        self.index = index
        self.saleDate = saleDate
        self.role = role
        self.connection = connection
        self.retries = retries
        self.token = token
        // One stream per user: plain seeds 1, 2, 3... would give every user the same sequence, a step apart.
        self.random = SplitMix64(seed: Self.runSeed, stream: UInt64(index))
        self.recorder = recorder
        self.budget = budget
        self.thinkMilliseconds = thinkMilliseconds
        if case .open(let rate) = pacing {
            meanInterval = Double(users) / rate
            // Users start spread over one interval, not all at once.
            nextArrival = .now + .seconds(meanInterval * Double(index) / Double(users))
        } else {
            meanInterval = 0
        }
    }

    /// Sends `call` as this user and records its answer under the call's name. Waits for the
    /// user's next arrival first in an open loop. A failure the client itself reports (a timeout,
    /// a lost connection) is recorded under its code and returned as the answer. With `retries`,
    /// an UNAVAILABLE answer is tried again after its retry-after, on a new connection when the old
    /// one closed, with the same idempotency key; the last answer is the one recorded, its latency
    /// counting every attempt.
    public mutating func send(_ call: Boxoffice_V1_Request.OneOf_Call, idempotencyKey: String = "") async throws -> Boxoffice_V1_Response {
        try budget.claim()
        var intended = ContinuousClock.now
        if let arrival = nextArrival {
            intended = arrival
            let gap = role == .metronome ? meanInterval : -log(1 - random.unit()) * meanInterval
            nextArrival = arrival + .seconds(gap)
            if arrival > .now { try await Task.sleep(until: arrival) }
        }
        var response: Boxoffice_V1_Response
        var attempt = 0
        while true {
            let client = connection.current
            do {
                response = try await client.send(call, options: .init(idempotencyKey: idempotencyKey, authToken: token))
            } catch let error as BoxOfficeError {
                response = .failure(callID: 0, error)
            }
            // ABORTED with a retry-after under a key: the first attempt's hold is still being saved.
            let retryable = response.status.code == .unavailable
                || (response.status.code == .aborted && !idempotencyKey.isEmpty && response.status.retryAfterMs > 0)
            guard retryable, attempt < retries else { break }
            attempt += 1
            recorder.retried()
            if !client.isOpen { _ = try? await connection.reopen(after: client) }
            try await Task.sleep(for: .milliseconds(min(2_000, max(50, Int(response.status.retryAfterMs)))))
        }
        let took = ContinuousClock.now - intended
        recorder.record(call.name, role: role, microseconds: UInt64(max(0, took.microseconds)), status: response.status.code)
        if [.resourceExhausted, .permissionDenied].contains(response.status.code) {
            // Told to wait, people wait; bots retry after at most a second. Neither spins.
            let wait = Int(response.status.retryAfterMs)
            try await Task.sleep(until: min(.now + .milliseconds(role.isBot ? min(wait, 1_000) : wait), budget.end))
            // The wait was the user's choice, not the server's queue: its next arrival is from now on.
            if let arrival = nextArrival, arrival < .now { nextArrival = .now }
        }
        return response
    }

    /// A new idempotency key, for a hold: its retries after a lost answer get the same hold back.
    public mutating func newKey() -> String {
        "k" + String(random.next(), radix: 36) + String(random.next(), radix: 36)
    }

    /// A person's pause before the next call (closed loop only: an open loop's arrivals pace it).
    public mutating func think() async throws {
        guard nextArrival == nil, let range = thinkMilliseconds else { return }
        try await Task.sleep(for: .milliseconds(random.int(range)))
    }

    /// A metronome's beat: returns exactly `period` after the previous beat (closed loop; an open
    /// loop already gives a metronome a fixed period).
    public mutating func beat(every period: Duration) async throws {
        guard nextArrival == nil else { return }
        let next = (metronomeNext ?? .now) + period
        metronomeNext = next
        try await Task.sleep(until: next)
    }

    public func count(_ outcome: Outcome) { recorder.count(outcome) }
    public func confirm(_ booking: ConfirmedBooking) { recorder.confirm(booking) }
    public func touch(showtime: Int64) { recorder.touch(showtime: showtime) }
}

extension Duration {
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
