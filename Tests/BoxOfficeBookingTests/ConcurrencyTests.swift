import BoxOfficeCore
import BoxOfficeBooking
@testable import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Testing

@Suite(.timeLimit(.minutes(3)))
struct ConcurrencyTests {
    enum Outcome: Sendable {
        case held(HoldResult)
        case refused(BoxOfficeError.Code?)
    }

    @Test func twoHundredHoldersRaceForOverlappingSeats() async throws {
        let fixture = try BookingFixture(users: 200)
        defer { fixture.remove() }
        let (showtime, layout) = try fixture.futureShowtime(minimumCapacity: 150)
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)

        // Most ask for 3 seats out of the same 16 at the front; every fourth asks for the best 2.
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for user in 1...200 {
                let request: SeatRequest = user % 4 == 0
                    ? .bestAvailable(count: 2, kind: .standard)
                    : .labels((1...3).map { "\(user % 2 == 0 ? "A" : "B")\((user * 7) % 6 + $0)" })
                group.addTask {
                    do {
                        return .held(try await allocator.hold(showtimeID: showtime.id, userID: Int64(user), seats: request))
                    } catch {
                        return .refused((error as? BoxOfficeError)?.code)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }

        var winners: [HoldResult] = []
        var refusals: [BoxOfficeError.Code?] = []
        for outcome in outcomes {
            switch outcome {
            case .held(let hold): winners.append(hold)
            case .refused(let code): refusals.append(code)
            }
        }
        #expect(winners.count + refusals.count == 200)
        #expect(refusals.allSatisfy { $0 == .alreadyExists }, "every loser hears ALREADY_EXISTS: \(Set(refusals.map { $0?.name ?? "?" }))")
        #expect(winners.count >= 50 + 2, "every best-available request and some labelled ones win")

        var owner: [Int: String] = [:]
        for hold in winners {
            for seat in hold.seatIndices { #expect(owner.updateValue(hold.holdID, forKey: seat) == nil, "seat \(seat) held twice") }
        }
        let taken = try await allocator.takenSeats(of: showtime)
        let free = layout.seats.filter { !taken.held.contains($0.index) && !taken.sold.contains($0.index) }.count
        #expect(taken.held == Set(owner.keys))
        #expect(taken.held.count + free == layout.capacity)
        #expect(try fixture.claims(of: showtime.id) == owner, "the seat_claims table agrees with memory")
    }

    @Test func concurrentHoldsShareTransactions() async throws {
        let fixture = try BookingFixture(users: 64)
        defer { fixture.remove() }
        let (showtime, layout) = try fixture.futureShowtime(minimumCapacity: 64)
        let counter = HoldCommitCounter()
        fixture.store.dbPool.add(transactionObserver: counter)
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        _ = try await allocator.takenSeats(of: showtime)   // load first, so the holds race only for the writer

        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in 1...64 {
                let label = layout.seats[user - 1].label
                group.addTask {
                    _ = try await allocator.hold(showtimeID: showtime.id, userID: Int64(user), seats: .labels([label]))
                }
            }
            try await group.waitForAll()
        }
        let statistics = await allocator.statistics
        #expect(statistics.committedRequests == 64)
        #expect(statistics.transactions < 64, "\(statistics.transactions) transactions for 64 holds")
        #expect(statistics.largestBatch > 1)
        #expect(counter.commits == statistics.transactions, "SQLite saw as many commits as the allocator counted")
        #expect(try fixture.claims(of: showtime.id).count == 64)
    }

    @Test func requestsTheStoreRefusesFailAndMemoryIsReadAgainFromTheStore() async throws {
        let fixture = try BookingFixture(users: 17)
        defer { fixture.remove() }
        let (showtime, layout) = try fixture.futureShowtime(minimumCapacity: 64)
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let kept = try await allocator.hold(showtimeID: showtime.id, userID: 17, seats: .labels(["A1"]))
        let before = try await allocator.takenSeats(of: showtime)
        let claimsBefore = try fixture.claims(of: showtime.id)

        // A real failure inside SQLite: every insert of a hold aborts its statement.
        try await fixture.store.dbPool.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse_holds BEFORE INSERT ON holds BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        }
        let labels = (0..<16).map { layout.seats[10 + $0].label }
        let codes = await withTaskGroup(of: BoxOfficeError.Code?.self) { group in
            for user in 1...16 {
                group.addTask {
                    await errorCode {
                        _ = try await allocator.hold(showtimeID: showtime.id, userID: Int64(user), seats: .labels([labels[user - 1]]))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(codes.allSatisfy { $0 == .aborted }, "\(codes)")
        #expect(try await allocator.takenSeats(of: showtime) == before)
        #expect(try fixture.claims(of: showtime.id) == claimsBefore)
        let statistics = await allocator.statistics
        #expect(statistics.refusedRequests + statistics.failedTransactions >= 1)
        #expect(statistics.showtimesReloaded >= 1, "memory that disagreed with the store was dropped")

        // Memory was read again, not poisoned: the same seats can be held once the store is healthy.
        try await fixture.store.dbPool.write { try $0.execute(sql: "DROP TRIGGER refuse_holds") }
        for user in 1...16 {
            _ = try await allocator.hold(showtimeID: showtime.id, userID: Int64(user), seats: .labels([labels[user - 1]]))
        }
        try await allocator.release(holdID: kept.holdID, userID: 17)
        #expect(try fixture.claims(of: showtime.id).count == 16)
    }

    /// Another process claimed a seat behind this allocator's back: the hold that asks for it is
    /// refused by the store, alone; the holds written in the same transaction commit; and memory,
    /// read again, knows the seat is taken.
    @Test func oneConflictingRequestFailsAloneNeverItsBatchMates() async throws {
        let fixture = try BookingFixture(users: 33)
        defer { fixture.remove() }
        let (showtime, layout) = try fixture.futureShowtime(minimumCapacity: 64)
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        _ = try await allocator.takenSeats(of: showtime)   // in memory before the other process writes
        let contested = layout.seats[5]
        try await fixture.store.dbPool.write { db in
            try db.execute(sql: "INSERT INTO holds (id, user_id, showtime_id, seats, expires_at, state) VALUES ('elsewhere', 33, ?, ?, ?, 'live')",
                           arguments: [showtime.id, "\(contested.index)", Int64.max / 2])
            try db.execute(sql: "INSERT INTO seat_claims (showtime_id, seat_index, hold_id, expires_at) VALUES (?, ?, 'elsewhere', ?)",
                           arguments: [showtime.id, contested.index, Int64.max / 2])
        }
        let codes = await withTaskGroup(of: (Int, BoxOfficeError.Code?).self) { group in
            for user in 1...32 {
                group.addTask {
                    (user, await errorCode {
                        _ = try await allocator.hold(showtimeID: showtime.id, userID: Int64(user), seats: .labels([layout.seats[user].label]))
                    })
                }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(codes[5] == .alreadyExists, "the seat another process holds: \(String(describing: codes[5]))")
        let others = codes.filter { $0.key != 5 }
        // Requests queued behind the refused one's transaction were decided on the memory it
        // proved wrong: they may be told to try again, but none is refused for the seat.
        #expect(others.values.allSatisfy { $0 == .ok || $0 == .aborted }, "\(codes)")
        #expect(others.values.contains(.ok))
        let claims = try fixture.claims(of: showtime.id)
        #expect(claims[contested.index] == "elsewhere")
        #expect(claims.count == 1 + others.values.filter { $0 == .ok }.count, "every answered hold, and only those, is in the store")
        let taken = try await allocator.takenSeats(of: showtime)
        #expect(taken.held.contains(contested.index), "memory read again from the store knows the seat is taken")
        #expect(await allocator.statistics.refusedRequests == 1)
    }
}
