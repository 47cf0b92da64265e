import BoxOfficeCore
import Logging
import PostgresNIO
import Synchronization

/// Whether the database answers, so that calls fail at once while it is away instead of each
/// waiting in the pool for a connection that cannot be made.
///
/// postgres-nio queues a query until it has a connection, and while the database is down keeps
/// trying to connect for 15 seconds before failing the queue; a query already sent when the
/// connection dies may never be answered. So every store call runs under a deadline, and the first
/// that times out or meets a lost connection marks the database away: later calls are answered
/// UNAVAILABLE with a retry-after at once, while one probe (`SELECT 1`, every 250 ms) waits for the
/// database to come back and then lets calls through again.
final class PostgresHealth: Sendable {
    /// The longest one statement or transaction may take before the store gives up waiting for it.
    let statementDeadline: Duration
    private let client: PostgresClient
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var away = false
        var probing = false
        var reason = ""
    }

    init(client: PostgresClient, statementDeadline: Duration, logger: Logger) {
        self.client = client
        self.statementDeadline = statementDeadline
        self.logger = logger
    }

    /// Runs `body`, at most `deadline` (the statement deadline unless given): UNAVAILABLE at once
    /// while the database is away, or when `body` meets a lost connection or runs out of time. A
    /// body that runs out of time is cancelled and left behind: its outcome is unknown, which
    /// is what a COMMIT never answered means.
    func guarded<T: Sendable>(deadline: Duration? = nil, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        if let reason = state.withLock({ $0.away ? $0.reason : nil }) { throw Self.unavailable(reason) }
        do {
            return try await Self.withDeadline(deadline ?? statementDeadline, body)
        } catch let timeout as DeadlinePassed {
            markAway("no answer within \(timeout.limit)")
            throw Self.unavailable("no answer within \(timeout.limit)")
        } catch {
            let translated = PostgresFailure.translated(error)
            if let failure = translated as? BoxOfficeError, failure.code == .unavailable, PostgresFailure.isConnectionLoss(error) {
                markAway(PostgresFailure.describe(error))
            }
            throw translated
        }
    }

    private func markAway(_ reason: String) {
        let startProbe = state.withLock { state -> Bool in
            state.away = true
            state.reason = reason
            defer { state.probing = true }
            return !state.probing
        }
        guard startProbe else { return }
        logger.warning("the database is not answering: calls get UNAVAILABLE until it does", metadata: ["reason": "\(reason)"])
        Task { await probeUntilBack() }
    }

    private func probeUntilBack() async {
        while !Task.isCancelled {
            do {
                try await Self.withDeadline(.seconds(1)) { [client, logger] in
                    for try await _ in try await client.query("SELECT 1", logger: logger) {}
                }
                state.withLock {
                    $0.away = false
                    $0.probing = false
                }
                logger.notice("the database answers again")
                return
            } catch {
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    static func unavailable(_ reason: String) -> BoxOfficeError {
        BoxOfficeError(.unavailable, "the database is not answering (\(reason)): try again shortly",
                       retryAfterMilliseconds: PostgresFailure.retryAfterMilliseconds)
    }

    struct DeadlinePassed: Error {
        let limit: Duration
    }

    /// `body`'s result, or `DeadlinePassed` once `limit` has passed, whichever comes first. The
    /// body runs in a task of its own, so that a body that ignores cancellation (a query whose
    /// answer never comes) cannot hold the caller past the deadline.
    static func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try Task.checkCancellation()
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                // The timer first, so that a body finishing at once finds it to cancel.
                race.timer = Task {
                    guard (try? await Task.sleep(for: limit)) != nil else { return }
                    if race.finish(.failure(DeadlinePassed(limit: limit))) { race.work?.cancel() }
                }
                race.work = Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                }
            }
        } onCancel: {
            race.cancel()
        }
    }

    /// The first of the body, the timer and the caller's cancellation to finish resumes the caller.
    private final class Race<T: Sendable>: @unchecked Sendable {
        private let lock = Mutex<CheckedContinuation<T, any Error>?>(nil)
        private let tasks = Mutex<(work: Task<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))
        var work: Task<Void, Never>? {
            get { tasks.withLock { $0.work } }
            set { tasks.withLock { $0.work = newValue } }
        }
        var timer: Task<Void, Never>? {
            get { tasks.withLock { $0.timer } }
            set { tasks.withLock { $0.timer = newValue } }
        }

        func start(_ continuation: CheckedContinuation<T, any Error>) {
            lock.withLock { $0 = continuation }
        }

        @discardableResult
        func finish(_ result: Result<T, any Error>) -> Bool {
            guard let continuation = lock.withLock({ slot in defer { slot = nil }; return slot }) else { return false }
            timer?.cancel()
            continuation.resume(with: result)
            return true
        }

        func cancel() {
            if finish(.failure(CancellationError())) { work?.cancel() }
        }
    }
}
