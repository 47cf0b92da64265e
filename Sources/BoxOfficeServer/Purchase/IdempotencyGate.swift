import Synchronization

/// The idempotency keys whose purchase is running right now, so that a retry arriving before the
/// first attempt has finished is told ABORTED instead of racing it to a second charge.
final class IdempotencyGate: Sendable {
    private struct Entry: Hashable {
        var userID: Int64
        var key: String
    }

    private let running = Mutex(Set<Entry>())

    /// Runs `body` unless `key` of `userID` is already running; nil when it is.
    func whileHolding<T: Sendable>(key: String, userID: Int64, _ body: () async throws -> T) async throws -> T? {
        let entry = Entry(userID: userID, key: key)
        guard running.withLock({ $0.insert(entry).inserted }) else { return nil }
        defer { running.withLock { _ = $0.remove(entry) } }
        return try await body()
    }
}
