import HeapModule

/// Seats set aside for one user until an instant; purchase turns them into tickets.
public struct Hold: Sendable, Hashable {
    /// Random and unguessable, or made from the idempotency key it was asked with; either way knowing
    /// an id is not enough to act on it, the owner's user id is checked too.
    public let id: String
    public let userID: Int64
    public let seats: SeatSet
    /// Unix milliseconds; the hold blocks its seats strictly before this instant only.
    public let expiresAt: Int64
    /// The seats in the order they were asked for: the order of answers and of a purchase's ticket types.
    public let order: [Int]

    /// Makes a hold; `order` lists `seats` in the buyer's order (ascending when empty or not the same seats).
    public init(id: String, userID: Int64, seats: SeatSet, expiresAt: Int64, order: [Int] = []) {
        self.id = id
        self.userID = userID
        self.seats = seats
        self.expiresAt = expiresAt
        self.order = order.count == seats.count && order.allSatisfy(seats.contains) ? order : Array(seats)
    }

    /// True when the hold still blocks its seats at `instant` (unix ms).
    public func isLive(at instant: Int64) -> Bool { instant < expiresAt }
}

/// The holds of one showtime in expiry order.
///
/// Expiry is decided by comparing instants, not by the reaper: a hold past its expiry stops
/// blocking seats at once and the reaper only tidies up, so a slow or late reaper never keeps a
/// seat from a buyer. The heap gives the reaper the next expiry in O(1) and each reaped hold in
/// O(log n); a hold released early leaves a stale heap entry that is skipped when it surfaces.
struct HoldBook: Sendable {
    private(set) var holds: [String: Hold] = [:]
    private var expiryOrder = Heap<Entry>()
    /// The seats of every hold in the book, expired or not: the answer whenever nothing has expired.
    private var allHeld: SeatSet

    private struct Entry: Comparable, Sendable {
        var expiresAt: Int64
        var id: String
        static func < (a: Entry, b: Entry) -> Bool { (a.expiresAt, a.id) < (b.expiresAt, b.id) }
    }

    /// An empty book for an auditorium of `capacity` seats.
    init(capacity: Int) { allHeld = SeatSet(capacity: capacity) }

    /// The hold with this id, live or expired, while it is in the book.
    subscript(id: String) -> Hold? { holds[id] }

    /// The earliest expiry of any hold in the book (unix ms).
    var nextExpiry: Int64? { expiryOrder.min?.expiresAt }

    /// Adds a hold; its seats must not be in any hold of the book (reap expired ones first).
    mutating func add(_ hold: Hold) {
        precondition(holds[hold.id] == nil, "hold \(hold.id) is already in the book")
        precondition(hold.seats.isDisjoint(with: allHeld), "hold \(hold.id) overlaps another hold: reap first")
        holds[hold.id] = hold
        allHeld.formUnion(hold.seats)
        expiryOrder.insert(Entry(expiresAt: hold.expiresAt, id: hold.id))
    }

    /// Takes a hold out of the book (released or purchased) and returns it.
    @discardableResult
    mutating func remove(id: String) -> Hold? {
        guard let hold = holds.removeValue(forKey: id) else { return nil }
        allHeld.subtract(hold.seats)
        dropStaleEntries()
        return hold
    }

    /// The seats blocked at `instant`: those of holds not yet expired.
    func heldSeats(at instant: Int64) -> SeatSet {
        guard let next = nextExpiry, next <= instant else { return allHeld }
        var seats = SeatSet(capacity: allHeld.capacity)
        for hold in holds.values where hold.isLive(at: instant) { seats.formUnion(hold.seats) }
        return seats
    }

    /// The holds that block seats at `instant`.
    func liveHolds(at instant: Int64) -> [Hold] { holds.values.filter { $0.isLive(at: instant) } }

    /// How many live holds `userID` has at `instant`.
    func liveHoldCount(of userID: Int64, at instant: Int64) -> Int {
        holds.values.reduce(0) { $0 + ($1.userID == userID && $1.isLive(at: instant) ? 1 : 0) }
    }

    /// Removes and returns every hold expired at `instant`, earliest expiry first.
    mutating func reap(at instant: Int64) -> [Hold] {
        var reaped: [Hold] = []
        while let top = expiryOrder.min, top.expiresAt <= instant {
            expiryOrder.removeMin()
            // A released hold's entry, or one whose id was reused, is stale: skip it.
            guard let hold = holds[top.id], hold.expiresAt == top.expiresAt else { continue }
            holds[top.id] = nil
            allHeld.subtract(hold.seats)
            reaped.append(hold)
        }
        dropStaleEntries()
        return reaped
    }

    /// Keeps the heap's top a real hold (so `nextExpiry` is exact) and its size near the book's.
    private mutating func dropStaleEntries() {
        while let top = expiryOrder.min, holds[top.id]?.expiresAt != top.expiresAt { expiryOrder.removeMin() }
        if expiryOrder.count > 2 * holds.count + 16 {
            expiryOrder = Heap(holds.values.map { Entry(expiresAt: $0.expiresAt, id: $0.id) })
        }
    }
}
