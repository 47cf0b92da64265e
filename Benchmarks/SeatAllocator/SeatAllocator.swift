import Benchmark
import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB

/// Holds committed per second through the seat allocator with `holders` concurrent holders, each
/// holding one seat (its own) on `showtimesPerIteration` showtimes in turn, on a real SQLite copy of
/// the demo catalogue with the server's durability (WAL, synchronous=FULL): what the allocator's
/// group commit makes of one fsync per transaction. No server, no network, no payment.
///
/// One iteration is `holders × showtimesPerIteration` holds; `holds/s` is those over the iteration's
/// wall clock, and `hold latency` is each hold's, from the call to its commit.
let benchmarks: @Sendable () -> Void = {
    for holders in [16, 64, 256] {
        let run = Box<AllocatorRun>()
        Benchmark(
            "allocator holds, \(holders) concurrent holders",
            configuration: .init(
                metrics: [.wallClock, holdsPerSecond, holdLatency, .mallocCountTotal],
                timeUnits: .milliseconds,
                units: [holdsPerSecond: .count, holdLatency: .count],
                maxDuration: .seconds(5),
                maxIterations: 1_000_000
            )
        ) { benchmark in
            let allocatorRun = run.value!
            let round = try await allocatorRun.nextRound()  // its showtimes loaded before the clock starts
            benchmark.startMeasurement()
            let began = ContinuousClock.now
            let latencies = try await round.run()
            let took = ContinuousClock.now - began
            benchmark.stopMeasurement()
            allocatorRun.record(latencies, took: took)
            benchmark.measurement(holdsPerSecond, Int((Double(latencies.count) / took.seconds).rounded()))
            for latency in latencies { benchmark.measurement(holdLatency, Int(latency.microseconds)) }
        } setup: {
            run.value = try AllocatorRun(holders: holders)
        } teardown: {
            if let allocatorRun = run.value { print(await allocatorRun.summary()) }
            run.value = nil
        }
    }
}

/// Holds committed a second, per iteration: higher is better, not scaled by an inner loop.
let holdsPerSecond = BenchmarkMetric.custom("holds/s", polarity: .prefersLarger, useScalingFactor: false)
/// Each hold's time from the call to its commit, in microseconds.
let holdLatency = BenchmarkMetric.custom("hold latency (µs)", polarity: .prefersSmaller, useScalingFactor: false)

/// Showtimes each holder holds a seat on in one iteration.
let showtimesPerIteration = 10

// MARK: The allocator's API, in one place

/// What the benchmark asks of the allocator, as closures over one `SeatAllocator`.
struct AllocatorCalls: Sendable {
    /// Loads a showtime's seats into the allocator's memory (so the first hold does not pay for it).
    var load: @Sendable (ShowtimeRecord) async throws -> Void
    /// Holds the seat labelled `label` on showtime `showtimeID` for user `userID`.
    var hold: @Sendable (_ showtimeID: Int64, _ userID: Int64, _ label: String) async throws -> Void
    /// The allocator's group-commit statistics.
    var statistics: @Sendable () async -> AllocatorStatistics
}

/// The only code that calls `SeatAllocator`, through the store the server uses: `SQLiteStore` on
/// the blocking pool (NIO's shared thread pool here), deciding at the test catalogue's fixed now.
func allocatorCalls(store: CatalogueStore) -> AllocatorCalls {
    let allocator = SeatAllocator(ledger: SQLiteStore(database: store, pool: BlockingPool(.singleton)), clock: TestCatalogue.clock)
    return AllocatorCalls(
        load: { showtime in _ = try await allocator.takenSeats(of: showtime) },
        hold: { showtimeID, userID, label in
            _ = try await allocator.hold(showtimeID: showtimeID, userID: userID, seats: .labels([label]))
        },
        statistics: { await allocator.statistics }
    )
}

// MARK: The run

/// A benchmark's state, made in its setup (not when the benchmarks are listed) and read by its teardown.
final class Box<Value> {
    var value: Value?
}

/// A copy of the demo catalogue, `holders` users, the allocator, and the future showtimes not used yet.
final class AllocatorRun {
    let holders: Int
    let directory: URL
    let store: CatalogueStore
    let calls: AllocatorCalls
    let userIDs: [Int64]
    /// Showtimes starting two hours or more after `TestCatalogue.now` on screens of at least `holders` seats.
    let showtimes: [Int64]
    var nextShowtime = 0
    var latencies: [Duration] = []
    var measured = Duration.zero

    init(holders: Int) throws {
        self.holders = holders
        directory = try TestCatalogue.makeTemporaryDirectory()
        let (store, path) = try TestCatalogue.makeStore(in: directory)
        self.store = store
        // Commits happen on the writer: check that it has the server's durability.
        guard try store.commitsAreDurable() else { throw BoxOfficeError.internalError("the writer does not run synchronous=FULL") }
        let createdAt = Milliseconds.sinceEpoch(TestCatalogue.now)
        userIDs = try (1...holders).map { index in
            try store.createUser(email: "holder\(index)@example.com", name: "Holder \(index)", passwordHash: "-",
                                 createdAtMilliseconds: createdAt)
        }
        showtimes = try DatabaseQueue(path: path, configuration: Self.readOnly).read { db in
            try Int64.fetchAll(db, sql: """
                SELECT s.id FROM showtimes s JOIN screens sc ON sc.id = s.screen_id
                WHERE s.starts_at > ? AND sc.capacity >= ? ORDER BY s.id
                """, arguments: [Int64(TestCatalogue.now.timeIntervalSince1970) + 7200, holders])
        }
        calls = allocatorCalls(store: store)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The store's file opened a second time, read-only, to pick showtimes (the store's own API is its operations).
    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// The next iteration's showtimes, loaded into the allocator, with each holder's seat label.
    func nextRound() async throws -> Round {
        guard nextShowtime + showtimesPerIteration <= showtimes.count else {
            throw BoxOfficeError.internalError("the demo catalogue ran out of showtimes with \(holders) seats: give a shorter maxDuration")
        }
        let ids = Array(showtimes[nextShowtime..<nextShowtime + showtimesPerIteration])
        nextShowtime += showtimesPerIteration
        var labels: [Int64: [String]] = [:]
        for id in ids {
            guard let record = try store.showtime(id: id), let screen = try store.screen(id: record.screenID) else {
                throw BoxOfficeError.notFound("no showtime \(id) in the demo catalogue")
            }
            try await calls.load(record)
            labels[id] = screen.layout.seats.prefix(holders).map(\.label)
        }
        return Round(calls: calls, userIDs: userIDs, showtimes: ids, labels: labels)
    }

    func record(_ round: [Duration], took: Duration) {
        latencies += round
        measured += took
    }

    func summary() async -> String {
        let statistics = await calls.statistics()
        let sorted = latencies.sorted()
        func percentile(_ p: Int) -> String {
            sorted.isEmpty ? "-" : String(format: "%.2f ms", sorted[min(sorted.count - 1, sorted.count * p / 100)].seconds * 1000)
        }
        let perSecond = measured > .zero ? Int((Double(sorted.count) / measured.seconds).rounded()) : 0
        let perTransaction = statistics.transactions > 0 ? Double(statistics.committedRequests) / Double(statistics.transactions) : 0
        return "SeatAllocator: \(holders) holders: \(sorted.count) holds (warm-up included), \(perSecond) holds/s, p50 \(percentile(50)), "
            + "p99 \(percentile(99)); \(statistics.committedRequests) committed in \(statistics.transactions) transactions "
            + "(\(String(format: "%.1f", perTransaction)) a transaction, largest \(statistics.largestBatch))"
    }
}

/// One iteration: every holder, concurrently, holds its own seat on each showtime in turn.
struct Round: Sendable {
    let calls: AllocatorCalls
    let userIDs: [Int64]
    let showtimes: [Int64]
    let labels: [Int64: [String]]

    /// Each hold's latency, from the call to its commit.
    func run() async throws -> [Duration] {
        try await withThrowingTaskGroup(of: [Duration].self) { group in
            for (holder, userID) in userIDs.enumerated() {
                group.addTask {
                    let clock = ContinuousClock()
                    var latencies: [Duration] = []
                    latencies.reserveCapacity(showtimes.count)
                    for id in showtimes {
                        let begin = clock.now
                        try await calls.hold(id, userID, labels[id]![holder])
                        latencies.append(clock.now - begin)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
