/// A set of seat indices of one auditorium as a fixed-size bitset: a 400-seat house is 7 words, so
/// set algebra over a showtime's holds costs a few machine instructions per hold.
public struct SeatSet: Hashable, Sendable, Sequence, CustomStringConvertible {
    /// How many seat indices (0..<capacity) the set can hold.
    public let capacity: Int
    private var words: [UInt64]

    /// An empty set for seats 0..<capacity.
    public init(capacity: Int) {
        precondition(capacity >= 0, "capacity must not be negative")
        self.capacity = capacity
        self.words = Array(repeating: 0, count: (capacity + 63) / 64)
    }

    /// A set holding `indices`; every index must be in 0..<capacity.
    public init<S: Sequence<Int>>(capacity: Int, _ indices: S) {
        self.init(capacity: capacity)
        for index in indices { insert(index) }
    }

    /// True when `index` is in the set.
    public func contains(_ index: Int) -> Bool {
        guard index >= 0, index < capacity else { return false }
        return words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Adds `index`; returns false when it was already there.
    @discardableResult
    public mutating func insert(_ index: Int) -> Bool {
        precondition(index >= 0 && index < capacity, "seat \(index) is outside 0..<\(capacity)")
        let bit: UInt64 = 1 << UInt64(index & 63)
        let had = words[index >> 6] & bit != 0
        words[index >> 6] |= bit
        return !had
    }

    /// Removes `index`; returns false when it was not there.
    @discardableResult
    public mutating func remove(_ index: Int) -> Bool {
        guard contains(index) else { return false }
        words[index >> 6] &= ~(1 << UInt64(index & 63))
        return true
    }

    /// The number of seats in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// True when the set has no seats.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// True when no seat is in both sets.
    public func isDisjoint(with other: SeatSet) -> Bool {
        precondition(capacity == other.capacity, "seat sets of different auditoriums")
        return zip(words, other.words).allSatisfy { $0 & $1 == 0 }
    }

    /// The seats in either set.
    public func union(_ other: SeatSet) -> SeatSet {
        var result = self
        result.formUnion(other)
        return result
    }

    /// Adds every seat of `other`.
    public mutating func formUnion(_ other: SeatSet) {
        precondition(capacity == other.capacity, "seat sets of different auditoriums")
        for i in words.indices { words[i] |= other.words[i] }
    }

    /// The seats of this set that are not in `other`.
    public func subtracting(_ other: SeatSet) -> SeatSet {
        var result = self
        result.subtract(other)
        return result
    }

    /// Removes every seat of `other`.
    public mutating func subtract(_ other: SeatSet) {
        precondition(capacity == other.capacity, "seat sets of different auditoriums")
        for i in words.indices { words[i] &= ~other.words[i] }
    }

    /// The seats in both sets.
    public func intersection(_ other: SeatSet) -> SeatSet {
        precondition(capacity == other.capacity, "seat sets of different auditoriums")
        var result = self
        for i in words.indices { result.words[i] &= other.words[i] }
        return result
    }

    /// The indices in ascending order.
    public func makeIterator() -> Iterator { Iterator(words: words) }

    /// Walks the set bits word by word.
    public struct Iterator: IteratorProtocol {
        private let words: [UInt64]
        private var wordIndex = 0
        private var word: UInt64

        init(words: [UInt64]) {
            self.words = words
            self.word = words.first ?? 0
        }

        /// The next index, or nil after the last.
        public mutating func next() -> Int? {
            while word == 0 {
                wordIndex += 1
                guard wordIndex < words.count else { return nil }
                word = words[wordIndex]
            }
            let bit = word.trailingZeroBitCount
            word &= word - 1
            return wordIndex * 64 + bit
        }
    }

    /// The indices as a `Set`, for `TakenSeats`.
    public var indexSet: Set<Int> { Set(self) }

    /// "{3, 4, 17}".
    public var description: String { "{\(map(String.init).joined(separator: ", "))}" }
}
