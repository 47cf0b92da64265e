import BoxOfficeCore
import BoxOfficeBooking
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Testing

@Suite(.timeLimit(.minutes(3)))
struct SeatAllocatorTests {
    @Test func holdReleaseAndTheStoreAgree() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let hold = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["a1", "A2"]))
        #expect(hold.seatLabels == ["A1", "A2"])
        #expect(hold.holdID.count == 26)
        #expect(hold.expiresAt == TestCatalogue.now.addingTimeInterval(300))
        #expect(try await allocator.takenSeats(of: showtime).held == Set(hold.seatIndices))
        #expect(try fixture.claims(of: showtime.id) == [hold.seatIndices[0]: hold.holdID, hold.seatIndices[1]: hold.holdID])

        // A second allocator (a restarted server) sees the hold from the store alone.
        let restarted = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        #expect(try await restarted.takenSeats(of: showtime).held == Set(hold.seatIndices))
        try await restarted.release(holdID: hold.holdID, userID: 1)
        #expect(try await restarted.takenSeats(of: showtime) == .none)
        #expect(try fixture.claims(of: showtime.id).isEmpty)
        #expect(try fixture.holdState(hold.holdID) == "released")
    }

    @Test func refusalsCarryTheRightCodes() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let clock = ManualClock()
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: clock)
        let first = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["B1"]))
        _ = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["B2"]))

        #expect(await errorCode { _ = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["B3"])) } == .failedPrecondition)
        let taken = await #expect(throws: BoxOfficeError.self) {
            try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(["B3", "B2", "B1"]))
        }
        #expect(taken?.code == .alreadyExists)
        #expect(taken?.message.contains("B1, B2") == true)

        #expect(await errorCode { _ = try await allocator.hold(showtimeID: -5, userID: 2, seats: .labels(["A1"])) } == .notFound)
        #expect(await errorCode { _ = try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(["ZZ99"])) } == .notFound)
        #expect(await errorCode { _ = try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(Array(repeating: "A1", count: 2))) } == .invalidArgument)
        let eleven = (1...11).map { "C\($0)" }
        #expect(await errorCode { _ = try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(eleven)) } == .invalidArgument)
        #expect(await errorCode { _ = try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .bestAvailable(count: 5, kind: .wheelchair)) } == .invalidArgument)
        // Someone else's hold is not theirs to release, nor even to know of.
        #expect(await errorCode { try await allocator.release(holdID: first.holdID, userID: 2) } == .notFound)
        #expect(await errorCode { try await allocator.release(holdID: "nosuchhold", userID: 1) } == .notFound)
        // Once the show starts, holds are closed.
        clock.advance(seconds: TimeInterval(showtime.startsAt) - clock.now.timeIntervalSince1970)
        #expect(await errorCode { _ = try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(["D1"])) } == .failedPrecondition)
    }

    @Test func onesOwnHoldAndAMissingSeatKindAreNotCalledTaken() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let first = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["C1", "C2"]))
        let again = await #expect(throws: BoxOfficeError.self) {
            try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["C2", "C3"]))
        }
        #expect(again == BoxOfficeError(.alreadyExists, "you already hold seats C2 in hold \(first.holdID): buy or release that hold"))
        let someoneElse = await #expect(throws: BoxOfficeError.self) {
            try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(["C1"]))
        }
        #expect(someoneElse == BoxOfficeError(.alreadyExists, "seats C1 are taken: choose others"))

        // A screen that has no premium seats says so, instead of "not enough are free".
        let plain = try #require(try fixture.futureShowtimeWithout(.premium))
        let missing = await #expect(throws: BoxOfficeError.self) {
            try await allocator.hold(showtimeID: plain, userID: 3, seats: .bestAvailable(count: 2, kind: .premium))
        }
        #expect(missing?.code == .notFound)
        #expect(missing?.message.contains("has no premium seats") == true)
    }

    @Test func anExpiredHoldFreesItsSeatsBeforeTheReaperRuns() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let clock = ManualClock()
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: clock, holdDuration: .seconds(300))
        let early = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["A1", "A2"]))
        clock.advance(seconds: 100)
        let later = try await allocator.hold(showtimeID: showtime.id, userID: 2, seats: .labels(["A3"]))

        clock.advance(seconds: 201)   // 301 s after the first hold, 201 s after the second
        #expect(try await allocator.takenSeats(of: showtime).held == Set(later.seatIndices))
        #expect(try fixture.holdState(early.holdID) == "live", "not reaped yet")
        #expect(await errorCode { try await allocator.release(holdID: early.holdID, userID: 1) } == .failedPrecondition)
        // Another user gets A1 although the reaper has not run.
        let taker = try await allocator.hold(showtimeID: showtime.id, userID: 3, seats: .labels(["A1"]))
        #expect(try fixture.holdState(early.holdID) == "expired")
        #expect(try fixture.claims(of: showtime.id)[taker.seatIndices[0]] == taker.holdID)

        clock.advance(seconds: 400)
        let reaped = try await allocator.reapExpired()
        #expect(reaped.map(\.hold.id) == [later.holdID, taker.holdID], "earliest expiry first")
        #expect(try fixture.holdState(later.holdID) == "expired")
        #expect(try fixture.claims(of: showtime.id).isEmpty)
        #expect(try await allocator.reapExpired().isEmpty)
    }

    @Test func purchaseThenCancelMovesTheSeats() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let allocator = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let hold = try await allocator.hold(showtimeID: showtime.id, userID: 1, seats: .bestAvailable(count: 3, kind: .standard))
        #expect(try await allocator.heldSeats(holdID: hold.holdID, userID: 1).seats.map(\.label) == hold.seatLabels)

        // A booking the store refuses (its code is taken) fails the purchase and leaves the hold as it was.
        try fixture.plantBooking(code: "BK0", showtimeID: showtime.id)
        let refused = await #expect(throws: BoxOfficeError.self) {
            try await allocator.confirmPurchase(holdID: hold.holdID, userID: 1, booking: testBooking(code: "BK0", for: hold, userID: 1))
        }
        #expect(refused?.code == .aborted)
        // Tickets for other seats than the hold's are refused before anything is written.
        var wrongSeats = testBooking(code: "BK1", for: hold, userID: 1)
        wrongSeats.tickets.removeLast()
        #expect(await errorCode { _ = try await allocator.confirmPurchase(holdID: hold.holdID, userID: 1, booking: wrongSeats) } == .internalError)
        #expect(try await allocator.takenSeats(of: showtime) == TakenSeats(held: Set(hold.seatIndices)))
        #expect(try fixture.holdState(hold.holdID) == "live")

        let bought = try await allocator.confirmPurchase(holdID: hold.holdID, userID: 1, booking: testBooking(code: "BK1", for: hold, userID: 1))
        #expect(bought.seats.map(\.index) == hold.seatIndices)
        #expect(try await allocator.takenSeats(of: showtime) == TakenSeats(sold: Set(hold.seatIndices)))
        #expect(try fixture.holdState(hold.holdID) == "purchased")
        #expect(Set(try fixture.claims(of: showtime.id).values) == ["BK1"])
        #expect(await errorCode { try await allocator.release(holdID: hold.holdID, userID: 1) } == .failedPrecondition)

        #expect(await errorCode { _ = try await allocator.cancel(bookingCode: "BK1", userID: 2) } == .notFound)
        let cancelled = try await allocator.cancel(bookingCode: "BK1", userID: 1)
        #expect(cancelled.seatIndices == hold.seatIndices)
        #expect(try await allocator.takenSeats(of: showtime) == .none)
        #expect(try fixture.claims(of: showtime.id).isEmpty)
        #expect(await errorCode { _ = try await allocator.cancel(bookingCode: "BK1", userID: 1) } == .failedPrecondition)
    }

    @Test func aRestartedAllocatorReapsHoldsItNeverLoadedAndKnowsWhatWasSold() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let clock = ManualClock()
        let before = SeatAllocator(ledger: fixture.ledger, clock: clock)
        let abandoned = try await before.hold(showtimeID: showtime.id, userID: 1, seats: .labels(["E1", "E2"]))
        let bought = try await before.hold(showtimeID: showtime.id, userID: 2, seats: .labels(["E3"]))
        _ = try await before.confirmPurchase(holdID: bought.holdID, userID: 2, booking: testBooking(code: "BK2", for: bought, userID: 2))

        clock.advance(seconds: 301)
        let after = SeatAllocator(ledger: fixture.ledger, clock: clock)
        let reaped = try await after.reapExpired()
        #expect(reaped.map(\.hold.id) == [abandoned.holdID])
        #expect(reaped.first?.hold.userID == 1)
        #expect(try fixture.holdState(abandoned.holdID) == "expired")
        #expect(try await after.takenSeats(of: showtime) == TakenSeats(sold: Set(bought.seatIndices)))
        let cancelled = try await after.cancel(bookingCode: "BK2", userID: 2)
        #expect(cancelled.seatIndices == bought.seatIndices)
    }
}
