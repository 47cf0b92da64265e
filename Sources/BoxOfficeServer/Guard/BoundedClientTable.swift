/// A fixed-bound map from `ClientKey` to per-client state that forgets the least recently seen
/// client when full: the memory of the limiter and the bot guard cannot grow with the number of
/// distinct clients, however many an attacker invents.
///
/// Entries live in one array and form a doubly linked recency list through array indices; an
/// open-addressing index (linear probing, backward-shift deletion) finds them. Both use 32-bit
/// indices and no per-entry allocation, so an entry costs its 24 bytes of key and links plus
/// `Value`, and the index at most 8 bytes more. Not thread-safe: its owner locks.
struct BoundedClientTable<Value> {
    private struct Entry {
        var key: ClientKey
        var newer: Int32
        var older: Int32
        var value: Value
    }

    let capacity: Int
    private var entries: [Entry] = []
    /// Entry index + 1 per slot; 0 is empty. Its size is a power of two at least twice the entries.
    private var slots: [Int32]
    private var newest: Int32 = -1
    private var oldest: Int32 = -1
    private let seed: UInt64

    init(capacity: Int) {
        precondition(capacity > 0 && capacity < Int(Int32.max) / 2)
        self.capacity = capacity
        self.slots = Array(repeating: 0, count: 64)
        var generator = SystemRandomNumberGenerator()
        self.seed = generator.next() | 1
    }

    var count: Int { entries.count }

    /// Bytes the table holds for `count` clients, by its arrays' capacities.
    var footprintBytes: Int {
        entries.capacity * MemoryLayout<Entry>.stride + slots.capacity * MemoryLayout<Int32>.stride
    }

    /// The entry of `key`, created with `makeValue()` (evicting the least recently seen when full),
    /// and marked most recently seen; `body` reads or changes its value in place.
    mutating func withValue<T>(for key: ClientKey, makeValue: () -> Value, _ body: (inout Value) -> T) -> T {
        let index: Int
        if let found = find(key) {
            index = found
            touch(Int32(index))
        } else {
            index = insert(key, value: makeValue())
        }
        return body(&entries[index].value)
    }

    /// The value of `key` without marking it seen, if the table has it.
    func peek(_ key: ClientKey) -> Value? {
        find(key).map { entries[$0].value }
    }

    // MARK: Index

    private func hash(_ key: ClientKey) -> Int {
        var x = key.high &* 0x9E37_79B9_7F4A_7C15 ^ key.low &+ seed
        x = (x ^ x >> 31) &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 29
        return Int(truncatingIfNeeded: x) & (slots.count - 1)
    }

    private func find(_ key: ClientKey) -> Int? {
        var slot = hash(key)
        while true {
            let stored = slots[slot]
            if stored == 0 { return nil }
            if entries[Int(stored) - 1].key == key { return Int(stored) - 1 }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    private mutating func slotOf(entry index: Int) -> Int {
        var slot = hash(entries[index].key)
        while slots[slot] != Int32(index + 1) { slot = (slot + 1) & (slots.count - 1) }
        return slot
    }

    private mutating func place(entry index: Int) {
        var slot = hash(entries[index].key)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(index + 1)
    }

    /// Empties `slot` and moves later entries of its probe run back, so lookups need no tombstones.
    private mutating func vacate(slot start: Int) {
        let mask = slots.count - 1
        var hole = start
        var slot = start
        slots[hole] = 0
        while true {
            slot = (slot + 1) & mask
            let stored = slots[slot]
            if stored == 0 { return }
            let home = hash(entries[Int(stored) - 1].key)
            // The entry may fill the hole if the hole lies on its probe path from `home`.
            if (slot - home) & mask >= (slot - hole) & mask {
                slots[hole] = stored
                slots[slot] = 0
                hole = slot
            }
        }
    }

    private mutating func growIndexIfNeeded() {
        guard (entries.count + 1) * 2 > slots.count else { return }
        slots = Array(repeating: 0, count: slots.count * 2)
        for index in entries.indices { place(entry: index) }
    }

    // MARK: Recency list

    private mutating func insert(_ key: ClientKey, value: Value) -> Int {
        if entries.count == capacity {
            // Reuse the least recently seen entry's storage for the newcomer.
            let index = Int(oldest)
            vacate(slot: slotOf(entry: index))
            unlink(oldest)
            entries[index] = Entry(key: key, newer: -1, older: -1, value: value)
            place(entry: index)
            pushNewest(Int32(index))
            return index
        }
        growIndexIfNeeded()
        entries.append(Entry(key: key, newer: -1, older: -1, value: value))
        let index = entries.count - 1
        place(entry: index)
        pushNewest(Int32(index))
        return index
    }

    private mutating func touch(_ index: Int32) {
        guard index != newest else { return }
        unlink(index)
        pushNewest(index)
    }

    private mutating func unlink(_ index: Int32) {
        let entry = entries[Int(index)]
        if entry.newer >= 0 { entries[Int(entry.newer)].older = entry.older } else { newest = entry.older }
        if entry.older >= 0 { entries[Int(entry.older)].newer = entry.newer } else { oldest = entry.newer }
    }

    private mutating func pushNewest(_ index: Int32) {
        entries[Int(index)].older = newest
        entries[Int(index)].newer = -1
        if newest >= 0 { entries[Int(newest)].newer = index }
        newest = index
        if oldest < 0 { oldest = index }
    }
}
