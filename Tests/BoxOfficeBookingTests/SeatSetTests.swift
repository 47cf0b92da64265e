import BoxOfficeBooking
import Testing

struct SeatSetTests {
    @Test func insertRemoveContainsCount() {
        var set = SeatSet(capacity: 130)
        #expect(set.isEmpty)
        for seat in [0, 63, 64, 129] {
            let inserted = set.insert(seat)
            #expect(inserted)
        }
        let again = set.insert(64)
        #expect(!again)
        #expect(set.count == 4)
        #expect(set.contains(129) && !set.contains(128) && !set.contains(130) && !set.contains(-1))
        let removed = set.remove(63), removedAgain = set.remove(63)
        #expect(removed && !removedAgain)
        #expect(Array(set) == [0, 64, 129])
    }

    @Test func algebra() {
        let a = SeatSet(capacity: 200, [1, 2, 3, 150])
        let b = SeatSet(capacity: 200, [3, 4, 199])
        #expect(Array(a.union(b)) == [1, 2, 3, 4, 150, 199])
        #expect(Array(a.subtracting(b)) == [1, 2, 150])
        #expect(Array(a.intersection(b)) == [3])
        #expect(!a.isDisjoint(with: b))
        #expect(a.subtracting(b).isDisjoint(with: b))
        #expect(a.indexSet == [1, 2, 3, 150])
    }
}
