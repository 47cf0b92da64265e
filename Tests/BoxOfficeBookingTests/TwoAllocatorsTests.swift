import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeStore
import BoxOfficeTesting
import Testing

/// Two allocators over one store, as two nodes of a cluster are for the moments their views of who
/// owns a showtime differ: the one that read the showtime first must not answer from that memory
/// as if it were the whole truth. (Found by the spin model in model/: a purchase there was told
/// "try again" forever, and a paid booking "already cancelled".)
@Suite struct TwoAllocatorsTests {
    @Test func aHoldAndABookingMadeByTheOtherAllocatorAreFoundByReadingTheShowtimeAgain() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let here = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let there = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        _ = try await here.takenSeats(of: showtime)  // here reads the showtime first

        let hold = try await there.hold(showtimeID: showtime.id, userID: 1, seats: .bestAvailable(count: 2, kind: .standard))
        // Here, the hold is unknown to memory but live in the store: read again, not "try again".
        #expect(try await here.heldSeats(holdID: hold.holdID, userID: 1).seats.map(\.label) == hold.seatLabels)

        _ = try await there.confirmPurchase(holdID: hold.holdID, userID: 1, booking: testBooking(code: "TWOALLOC1", for: hold, userID: 1))
        // The booking came after here's second read: cancelling it here reads once more.
        let cancelled = try await here.cancel(bookingCode: "TWOALLOC1", userID: 1)
        #expect(cancelled.seatIndices.sorted() == hold.seatIndices.sorted())
        // And now it is cancelled for real: the answer is definite.
        await #expect(throws: BoxOfficeError(.failedPrecondition, "booking TWOALLOC1 is already cancelled")) {
            _ = try await here.cancel(bookingCode: "TWOALLOC1", userID: 1)
        }
    }
    /// A hold retried under its idempotency key after its first answer was lost, as when the
    /// owner died after the commit and the retry reached the showtime's new owner.
    @Test func aHoldRetriedUnderItsKeyOnTheOtherAllocatorGetsTheSameHoldBack() async throws {
        let fixture = try BookingFixture()
        defer { fixture.remove() }
        let (showtime, _) = try fixture.futureShowtime()
        let first = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let second = SeatAllocator(ledger: fixture.ledger, clock: TestCatalogue.clock)
        let best = SeatRequest.bestAvailable(count: 2, kind: .standard)

        let made = try await first.hold(showtimeID: showtime.id, userID: 1, seats: best, requestKey: "key-1")
        #expect(try await first.hold(showtimeID: showtime.id, userID: 1, seats: best, requestKey: "key-1") == made)
        #expect(try await second.hold(showtimeID: showtime.id, userID: 1, seats: best, requestKey: "key-1") == made)
        #expect(try await second.liveHolds(of: 1).map(\.holdID) == [made.holdID], "one hold, not two")

        // The same key from another user, or for other seats, is not that hold.
        let other = try await second.hold(showtimeID: showtime.id, userID: 2, seats: best, requestKey: "key-1")
        #expect(other.holdID != made.holdID)
        #expect(await errorCode {
            _ = try await second.hold(showtimeID: showtime.id, userID: 1, seats: .bestAvailable(count: 3, kind: .standard), requestKey: "key-1")
        } == .invalidArgument)

        // Once the hold has ended, its key makes no new one: the answer says to use a new key, and
        // the allocator goes on deciding the showtime.
        try await second.release(holdID: made.holdID, userID: 1)
        await #expect(throws: SeatClaimLoss.holdExists(holdID: made.holdID)) {
            _ = try await second.hold(showtimeID: showtime.id, userID: 1, seats: best, requestKey: "key-1")
        }
        let fresh = try await second.hold(showtimeID: showtime.id, userID: 1, seats: best, requestKey: "key-2")
        #expect(fresh.seatIndices == made.seatIndices, "the released seats are free again")
    }
}
