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
}
