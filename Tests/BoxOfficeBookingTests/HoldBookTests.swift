@testable import BoxOfficeBooking
import Testing

struct HoldBookTests {
    /// Three holds of one 64-seat house expiring at 1 s, 2 s and 3 s (unix ms), added out of order.
    func book() -> HoldBook {
        var book = HoldBook(capacity: 64)
        book.add(Hold(id: "late", userID: 1, seats: SeatSet(capacity: 64, [5]), expiresAt: 3000))
        book.add(Hold(id: "early", userID: 1, seats: SeatSet(capacity: 64, [1, 2]), expiresAt: 1000))
        book.add(Hold(id: "middle", userID: 2, seats: SeatSet(capacity: 64, [3]), expiresAt: 2000))
        return book
    }

    @Test func aHoldStopsBlockingAtItsExpiryWithoutBeingReaped() {
        let book = book()
        #expect(Array(book.heldSeats(at: 999)) == [1, 2, 3, 5])
        #expect(Array(book.heldSeats(at: 1000)) == [3, 5])
        #expect(Array(book.heldSeats(at: 2500)) == [5])
        #expect(book.heldSeats(at: 3000).isEmpty)
        #expect(book.liveHolds(at: 2500).map(\.id) == ["late"])
        #expect(book.liveHoldCount(of: 1, at: 999) == 2)
        #expect(book.liveHoldCount(of: 1, at: 1000) == 1)
        #expect(book.holds.count == 3, "nothing is removed until the reaper runs")
    }

    @Test func reapingReturnsExpiredHoldsInExpiryOrder() {
        var book = book()
        #expect(book.reap(at: 999).isEmpty)
        #expect(book.reap(at: 2000).map(\.id) == ["early", "middle"])
        #expect(book.nextExpiry == 3000)
        #expect(book["early"] == nil && book["late"] != nil)
        #expect(book.reap(at: 10_000).map(\.id) == ["late"])
        #expect(book.nextExpiry == nil)
    }

    @Test func aReleasedHoldIsNeverReaped() {
        var book = book()
        #expect(book.remove(id: "early")?.seats == SeatSet(capacity: 64, [1, 2]))
        #expect(book.nextExpiry == 2000)
        #expect(book.reap(at: 5000).map(\.id) == ["middle", "late"])
        // The freed seats can be held again.
        book.add(Hold(id: "again", userID: 3, seats: SeatSet(capacity: 64, [1, 2, 3, 5]), expiresAt: 9000))
        #expect(book.heldSeats(at: 5000).count == 4)
    }

    @Test func staleEntriesOfReleasedHoldsAreSkipped() {
        var book = HoldBook(capacity: 64)
        book.add(Hold(id: "anchor", userID: 1, seats: SeatSet(capacity: 64, [0]), expiresAt: 1))
        for round in 0..<1000 {
            book.add(Hold(id: "h\(round)", userID: 2, seats: SeatSet(capacity: 64, [1]), expiresAt: 10 + Int64(round)))
            book.remove(id: "h\(round)")
        }
        #expect(book.reap(at: 100_000).map(\.id) == ["anchor"])
    }
}
