import Benchmark
import BoxOfficeCore
import BoxOfficeStore
import Foundation
import GRDB

/// The storage baseline: BoxOffice's own booking writes (the hold's transaction, then the purchase's:
/// booking, tickets, idempotency key, seats marked sold), as the allocator hands them to the store
/// (`SeatChange` values through `SQLiteStore` on the blocking pool), on a fresh SQLite file with the server's
/// durability (WAL, synchronous=FULL), from one writer, with no server in between. Run with one
/// booking per transaction (every booking pays its own two fsyncs), with 22 (the batch the
/// server's group commit reaches under load) and with 64 (the batch of 64 a bare C loop over SQLite
/// used for its ceiling, see BENCHMARKS.md's reference figures), to show what the single write
/// pipeline can carry here.
///
/// One iteration is one batch: its two transactions are the measured part (wall clock per pair of
/// commits); `bookings/s` is the batch's bookings over that time.
let benchmarks: @Sendable () -> Void = {
    for batch in [1, 22, 64] {
        let run = Box<StorageRun>()
        Benchmark(
            "booking writes, \(batch) per transaction",
            configuration: .init(
                metrics: [.wallClock, bookingsPerSecond, .mallocCountTotal],
                timeUnits: .microseconds,
                units: [bookingsPerSecond: .count],
                maxDuration: .seconds(5),
                maxIterations: 1_000_000
            )
        ) { benchmark in
            let storageRun = run.value!
            let holds = try storageRun.nextHolds(batch)
            benchmark.startMeasurement()
            let began = ContinuousClock.now
            try await storageRun.write(holds)
            let took = ContinuousClock.now - began
            benchmark.stopMeasurement()
            storageRun.record(bookings: batch, took: took)
            benchmark.measurement(bookingsPerSecond, Int((Double(batch) / took.seconds).rounded()))
        } setup: {
            run.value = try StorageRun()
        } teardown: {
            if let storageRun = run.value { print(storageRun.summary(batch: batch)) }
            run.value = nil
        }
    }
}

/// Durable bookings a second, per batch: higher is better, not scaled by an inner loop.
let bookingsPerSecond = BenchmarkMetric.custom("bookings/s", polarity: .prefersLarger, useScalingFactor: false)

/// A benchmark's state, made in its setup (not when the benchmarks are listed) and read by its teardown.
final class Box<Value> {
    var value: Value?
}

/// A fresh database with a small catalogue, one user and the seats still free.
final class StorageRun {
    let directory: URL
    /// The store the allocator writes through, as the server builds it.
    let ledger: SQLiteStore
    let store: CatalogueStore
    let userID: Int64
    var seats: SeatSupply
    var serial = 0
    var bookings = 0
    var writing = Duration.zero

    /// A fixed instant (noon UTC on the catalogue's first day): the writes check no clock.
    static let startDate = LocalDate(year: 2026, month: 7, day: 1)
    static let now = Int64(startDate.daysSinceEpoch) * 86_400_000 + 12 * 3_600_000

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("baseline.sqlite").path
        store = try CatalogueStore(path: path)
        ledger = SQLiteStore(database: store, pool: BlockingPool(.singleton))
        // The writer is where commits happen: check that it has the server's durability.
        guard try store.commitsAreDurable() else { throw BoxOfficeError.internalError("the writer does not run synchronous=FULL") }
        _ = try CatalogueGenerator(options: .init(theatres: 12, days: 7, seed: 7, startDate: Self.startDate, metros: ["New York"]))
            .generate(into: store)
        userID = try store.createUser(email: "baseline@example.com", name: "Baseline", passwordHash: "-", createdAtMilliseconds: Self.now)
        seats = try SeatSupply(databaseAt: path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// The next `count` holds of two seats each, on showtime after showtime.
    func nextHolds(_ count: Int) throws -> [(id: String, showtimeID: Int64, seats: [Int])] {
        var holds: [(id: String, showtimeID: Int64, seats: [Int])] = []
        holds.reserveCapacity(count)
        for _ in 0..<count {
            serial += 1
            let (showtimeID, pair) = try seats.next()
            holds.append(("baseline-\(serial)", showtimeID, pair))
        }
        return holds
    }

    /// The hold's transaction, then the purchase's, as the allocator and the purchase handler write them.
    func write(_ holds: [(id: String, showtimeID: Int64, seats: [Int])]) async throws {
        let userID = userID
        let now = Self.now
        try await ledger.apply(holds.map { hold in
            [.hold(id: hold.id, userID: userID, showtimeID: hold.showtimeID, seats: hold.seats, expiresAt: now + 300_000)]
        })
        try await ledger.apply(holds.map { hold in
            let code = ConfirmationCode.random().description
            let booking = BookingRecord(
                code: code, userID: userID, showtimeID: hold.showtimeID, subtotalCents: 3000, feesCents: 300, taxCents: 293,
                totalCents: 3593, cardBrand: "Visa", cardLastFour: "4242", processorReference: "sim-\(hold.id)", createdAt: now,
                tickets: hold.seats.map { .init(seatIndex: $0, seatLabel: "S\($0)", type: .adult, priceCents: 1500) })
            let key = IdempotencyUse(key: hold.id, userID: userID, requestDigest: "-", usedAt: now)
            return [.purchase(holdID: hold.id, seatCount: hold.seats.count, booking: booking, key: key)]
        })
    }

    func record(bookings count: Int, took: Duration) {
        bookings += count
        writing += took
    }

    func summary(batch: Int) -> String {
        let seconds = writing.seconds
        let perSecond = seconds > 0 ? Int((Double(bookings) / seconds).rounded()) : 0
        return "StorageBaseline: \(batch) per transaction: \(bookings) bookings in \(String(format: "%.2f", seconds)) s of writing: "
            + "\(perSecond) durable bookings/s (two commits each batch)"
    }
}

/// Pairs of free seats, showtime after showtime of the baseline catalogue.
struct SeatSupply {
    var showtimes: [(id: Int64, seats: Int)]
    var current = 0
    var nextSeat = 0

    /// Reads the showtimes from a second, read-only connection to the file (the store's own API is its operations).
    init(databaseAt path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        showtimes = try DatabaseQueue(path: path, configuration: configuration).read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.id, sc.capacity FROM showtimes s JOIN screens sc ON sc.id = s.screen_id ORDER BY s.id
                """).map { (id: $0["id"], seats: $0["capacity"]) }
        }
    }

    mutating func next() throws -> (Int64, [Int]) {
        while current < showtimes.count, nextSeat + 2 > showtimes[current].seats {
            current += 1
            nextSeat = 0
        }
        guard current < showtimes.count else {
            throw BoxOfficeError.internalError("the storage baseline ran out of seats: give it a shorter maxDuration")
        }
        defer { nextSeat += 2 }
        return (showtimes[current].id, [nextSeat, nextSeat + 1])
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
