import BoxOfficeCore
import BoxOfficeServer
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Testing

/// Run by hand: `BOXOFFICE_BENCH=1 swift test --filter AllocatorBenchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BOXOFFICE_BENCH"] == "1"))
struct AllocatorBenchmark {
    /// Holds committed per second and latency percentiles with `holders` concurrent holders, each
    /// holding one seat (its own) on `rounds` showtimes in turn; synchronous=FULL as in production.
    func measure(holders: Int, rounds: Int) async throws -> (perSecond: Double, p50: Duration, p99: Duration, transactions: Int) {
        let fixture = try BookingFixture(users: holders)
        defer { fixture.remove() }
        // GRDB's DatabasePool sets the writer to synchronous=NORMAL after prepareDatabase runs, so
        // CatalogueStore's FULL reaches only the readers: set it on the writer, where commits happen.
        let synchronous = try await fixture.store.dbPool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(synchronous == 2, "FULL")
        let showtimes = try await fixture.store.dbPool.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT s.id FROM showtimes s JOIN screens sc ON sc.id = s.screen_id
                WHERE s.starts_at > ? AND sc.capacity >= ? ORDER BY s.id LIMIT ?
                """, arguments: [Int64(TestCatalogue.now.timeIntervalSince1970) + 7200, holders, rounds])
        }
        #expect(showtimes.count == rounds)
        let allocator = SeatAllocator(store: fixture.store, clock: TestCatalogue.clock)
        var labels: [Int64: [String]] = [:]
        for id in showtimes {
            let record = try #require(try fixture.store.showtime(id: id))
            _ = try await allocator.takenSeats(of: record)   // loaded before the clock starts
            labels[id] = try #require(try fixture.store.screen(id: record.screenID)).layout.seats.prefix(holders).map(\.label)
        }
        let seatLabels = labels
        let clock = ContinuousClock()
        let started = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for holder in 0..<holders {
                group.addTask {
                    var latencies: [Duration] = []
                    for id in showtimes {
                        let begin = clock.now
                        _ = try await allocator.hold(showtimeID: id, userID: Int64(holder + 1),
                                                     seats: .labels([seatLabels[id]![holder]]), now: TestCatalogue.now)
                        latencies.append(clock.now - begin)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let statistics = await allocator.statistics
        #expect(statistics.committedRequests == holders * rounds)
        return (Double(latencies.count) / seconds, latencies[latencies.count / 2], latencies[latencies.count * 99 / 100],
                statistics.transactions)
    }

    @Test func holdsPerSecond() async throws {
        let single = try await measure(holders: 1, rounds: 300)
        print("BENCH 1 holder:   \(Int(single.perSecond)) holds/s, p50 \(single.p50), p99 \(single.p99), \(single.transactions) transactions")
        let grouped = try await measure(holders: 64, rounds: 150)
        print("BENCH 64 holders: \(Int(grouped.perSecond)) holds/s, p50 \(grouped.p50), p99 \(grouped.p99), \(grouped.transactions) transactions for \(64 * 150) holds")
    }
}
