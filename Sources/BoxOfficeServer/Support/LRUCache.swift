import Synchronization

/// A bounded least-recently-used cache whose entries also expire after a time to live.
///
/// Catalogue answers change rarely and the same questions repeat (a crowd searching the same
/// opening), so serving them from memory is what lets search go past SQLite's own speed. Seat
/// counts are never cached here: they come from the seat allocator at answer time.
final class LRUCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var key: Key
        var value: Value
        var expiresAt: ContinuousClock.Instant
        var newer: Int?
        var older: Int?
    }

    private struct State {
        var slots: [Entry] = []
        var indexByKey: [Key: Int] = [:]
        var newest: Int?
        var oldest: Int?
        var hits = 0
        var misses = 0
    }

    private let capacity: Int
    private let timeToLive: Duration
    private let state = Mutex(State())

    /// Where its hits and misses are counted (under the cache's name), when someone watches.
    let counters: CacheCounters?

    init(name: String, capacity: Int, timeToLive: Duration, metrics: ServerMetrics? = nil) {
        self.counters = metrics?.cacheCounters(name)
        precondition(capacity > 0, "a cache needs room for one entry")
        self.capacity = capacity
        self.timeToLive = timeToLive
    }

    /// The cached value, or nil when absent or expired.
    func value(forKey key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        state.withLock { state in
            guard let slot = state.indexByKey[key] else {
                state.misses += 1
                return nil
            }
            guard state.slots[slot].expiresAt > now else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            Self.moveToFront(slot, in: &state)
            return state.slots[slot].value
        }
    }

    func insert(_ value: Value, forKey key: Key, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            let expiresAt = now.advanced(by: timeToLive)
            if let slot = state.indexByKey[key] {
                state.slots[slot].value = value
                state.slots[slot].expiresAt = expiresAt
                Self.moveToFront(slot, in: &state)
                return
            }
            let slot: Int
            if state.slots.count < capacity {
                slot = state.slots.count
                state.slots.append(Entry(key: key, value: value, expiresAt: expiresAt))
            } else {
                // Reuse the least recently used slot.
                slot = state.oldest!
                Self.unlink(slot, in: &state)
                state.indexByKey.removeValue(forKey: state.slots[slot].key)
                state.slots[slot] = Entry(key: key, value: value, expiresAt: expiresAt)
            }
            state.indexByKey[key] = slot
            Self.linkAtFront(slot, in: &state)
        }
    }

    /// Hits and misses since the cache was made.
    var statistics: (hits: Int, misses: Int, count: Int) {
        state.withLock { ($0.hits, $0.misses, $0.indexByKey.count) }
    }

    private static func moveToFront(_ slot: Int, in state: inout State) {
        guard state.newest != slot else { return }
        unlink(slot, in: &state)
        linkAtFront(slot, in: &state)
    }

    private static func unlink(_ slot: Int, in state: inout State) {
        let entry = state.slots[slot]
        if let newer = entry.newer { state.slots[newer].older = entry.older } else { state.newest = entry.older }
        if let older = entry.older { state.slots[older].newer = entry.newer } else { state.oldest = entry.newer }
        state.slots[slot].newer = nil
        state.slots[slot].older = nil
    }

    private static func linkAtFront(_ slot: Int, in state: inout State) {
        state.slots[slot].older = state.newest
        state.slots[slot].newer = nil
        if let newest = state.newest { state.slots[newest].newer = slot }
        state.newest = slot
        if state.oldest == nil { state.oldest = slot }
    }
}
