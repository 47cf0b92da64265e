public import BoxOfficeStore

/// How many of a showtime's seats are held and sold, and which.
public struct TakenSeats: Sendable, Hashable {
    public var held: Set<Int>
    public var sold: Set<Int>

    public init(held: Set<Int> = [], sold: Set<Int> = []) {
        self.held = held
        self.sold = sold
    }

    public static let none = TakenSeats()
}

/// The source of truth for which seats of a showtime are taken. Search asks it at answer time and
/// never caches its answer, so seat counts are never stale past a purchase.
public protocol SeatAvailability: Sendable {
    /// Which seats of `showtime` are held and sold now (for a seat map).
    func takenSeats(of showtime: ShowtimeRecord) async throws -> TakenSeats
    /// How many seats of each showtime are taken now, in order: one question for a whole list.
    func takenSeatCounts(of showtimes: [ShowtimeRecord]) async throws -> [Int]
}
