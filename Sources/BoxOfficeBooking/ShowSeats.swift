import BoxOfficeCore
import BoxOfficeStore

/// The allocator's memory of one showtime: its layout, live holds and sold seats.
///
/// A value type, so snapshotting it before a batch's changes (for rollback) is a copy-on-write
/// reference copy, not a deep copy.
struct ShowSeats: Sendable {
    let showtimeID: Int64
    /// Unix milliseconds.
    let startsAt: Int64
    let layout: SeatLayout
    var holds: HoldBook
    var sold: SeatSet
    /// Sold seats by booking code, so that a cancellation gives back exactly its own.
    var bookings: [String: SeatSet]

    /// Builds the memory of a showtime from what the store holds.
    init(showtimeID: Int64, stored: StoredShowtimeSeats) {
        self.showtimeID = showtimeID
        self.startsAt = stored.startsAt * 1000
        self.layout = stored.layout
        let capacity = stored.layout.capacity
        var holds = HoldBook(capacity: capacity)
        // Claims are keyed by seat, so stored holds never overlap and the book accepts them all.
        for hold in stored.holds {
            holds.add(Hold(id: hold.id, userID: hold.userID, seats: SeatSet(capacity: capacity, hold.seatIndices),
                           expiresAt: hold.expiresAt, order: hold.order))
        }
        self.holds = holds
        let bookings = stored.bookings.mapValues { SeatSet(capacity: capacity, $0) }
        self.bookings = bookings
        self.sold = bookings.values.reduce(into: SeatSet(capacity: capacity)) { $0.formUnion($1) }
    }

    /// Seats that nobody else may take at `instant` (unix ms): sold ones and those of unexpired holds.
    func taken(at instant: Int64) -> SeatSet { sold.union(holds.heldSeats(at: instant)) }

    /// True when the show has started at `instant`: nothing can be held, bought or cancelled any more.
    func hasStarted(at instant: Int64) -> Bool { instant >= startsAt }

    /// "F7, F8" for error messages.
    func labels(_ seats: some Sequence<Int>) -> [String] { seats.map { layout.seats[$0].label } }
}
