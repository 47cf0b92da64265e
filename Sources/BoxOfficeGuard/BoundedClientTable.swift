/// A fixed-bound map from `ClientKey` to per-client state that forgets a client not seen lately
/// when full: the memory of the limiter and the bot guard cannot grow with the number of distinct
/// clients, however many an attacker invents.
///
/// Built for one cache miss per lookup on a table of a million clients, since the guard runs on
/// every call: entries sit in the open-addressing table itself (linear probing, backward-shift
/// deletion, at most 80 % full, any table size through multiply-shift range reduction).
///
/// Eviction is sampled least-recently-seen, as Redis does it: a lookup stamps the entry it already
/// touched with the current second, and a full table evicts the stalest of 8 entries picked at
/// random. A true LRU list would write the entry's two neighbours on every lookup (three more cache
/// misses); a clock hand sweeping positions in order would, with linear probing, pile the
/// survivors behind the hand into one long probe run. Not thread-safe: its owner locks.
struct BoundedClientTable<Value> {
    private struct Entry {
        var key: ClientKey
        var value: Value
        /// The second (Unix time) it was last looked up.
        var seen: UInt32
    }

    /// Entries compared per eviction.
    private static var samples: Int { 8 }

    /// Marks an empty position; no client key has both halves all ones.
    private static var vacant: ClientKey { ClientKey(high: .max, low: .max) }

    let capacity: Int
    private let blank: Value
    private let largestTable: Int
    private var table: [Entry]
    private(set) var count = 0
    private var random: UInt64
    private let seed: UInt64

    /// A table for at most `capacity` clients; `blank` fills empty positions (and is never read as a client's value).
    init(capacity: Int, blank: Value) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.blank = blank
        self.largestTable = max(16, (capacity * 5 + 3) / 4)
        self.table = Array(repeating: Entry(key: Self.vacant, value: blank, seen: 0), count: min(64, largestTable))
        var generator = SystemRandomNumberGenerator()
        self.seed = generator.next() | 1
        self.random = generator.next() | 1
    }

    /// Bytes the table holds now, by its array's capacity.
    var footprintBytes: Int { table.capacity * MemoryLayout<Entry>.stride }

    /// The entry of `key`, created with `makeValue()` (evicting a client not seen lately when full),
    /// and stamped as seen at `second`; `body` reads or changes its value in place.
    mutating func withValue<T>(for key: ClientKey, at second: UInt32, makeValue: () -> Value, _ body: (inout Value) -> T) -> T {
        let index: Int
        if let found = find(key) {
            index = found
            table[index].seen = second
        } else {
            if count == capacity { evictOne() }
            if count + 1 > table.count * 4 / 5 && table.count < largestTable { grow() }
            index = place(Entry(key: key, value: makeValue(), seen: second))
            count += 1
        }
        return body(&table[index].value)
    }

    /// The value of `key` without marking it seen, if the table has it.
    func peek(_ key: ClientKey) -> Value? {
        find(key).map { table[$0].value }
    }

    // MARK: Probing

    /// The key's home position: both halves through SplitMix64's finalizer, so that every output bit
    /// depends on every input bit. Keys arrive in runs (consecutive addresses, user ids); a weaker
    /// mix lets their homes march across the table in step with the clock hand and pile into long
    /// probe runs.
    private func home(_ key: ClientKey) -> Int {
        let mixed = Self.mix(Self.mix(key.low ^ seed) ^ key.high)
        return Int(mixed.multipliedFullWidth(by: UInt64(table.count)).high)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ z >> 30) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ z >> 27) &* 0x94D0_49BB_1331_11EB
        return z ^ z >> 31
    }

    private func next(_ index: Int) -> Int { index + 1 == table.count ? 0 : index + 1 }

    private func find(_ key: ClientKey) -> Int? {
        var index = home(key)
        while true {
            let stored = table[index].key
            if stored == key { return index }
            if stored == Self.vacant { return nil }
            index = next(index)
        }
    }

    private mutating func place(_ entry: Entry) -> Int {
        var index = home(entry.key)
        while table[index].key != Self.vacant { index = next(index) }
        table[index] = entry
        return index
    }

    /// Empties `start` and moves later entries of its probe run back, so lookups need no tombstones.
    private mutating func remove(at start: Int) {
        let size = table.count
        var hole = start
        var index = next(start)
        while table[index].key != Self.vacant {
            let home = home(table[index].key)
            // The entry may fill the hole when the hole lies on its probe path from `home`.
            if (index - home + size) % size >= (index - hole + size) % size {
                table[hole] = table[index]
                hole = index
            }
            index = next(index)
        }
        table[hole] = Entry(key: Self.vacant, value: blank, seen: 0)
        count -= 1
    }

    private mutating func grow() {
        let old = table
        table = Array(repeating: Entry(key: Self.vacant, value: blank, seen: 0), count: min(largestTable, old.count * 2))
        for entry in old where entry.key != Self.vacant { _ = place(entry) }
    }

    // MARK: Eviction

    /// Removes the stalest of a few entries picked at random.
    private mutating func evictOne() {
        var stalest = -1
        var picked = 0
        while picked < Self.samples {
            // xorshift64: cheap, and uniform enough to pick positions.
            random ^= random << 13
            random ^= random >> 7
            random ^= random << 17
            let index = Int(random.multipliedFullWidth(by: UInt64(table.count)).high)
            guard table[index].key != Self.vacant else { continue }
            picked += 1
            if stalest < 0 || table[index].seen < table[stalest].seen { stalest = index }
        }
        remove(at: stalest)
    }
}
