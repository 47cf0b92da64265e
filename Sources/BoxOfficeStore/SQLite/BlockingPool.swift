public import NIOPosix

/// The one way BoxOffice's blocking work leaves Swift's cooperative pool: SQLite calls and
/// password hashes run on this small thread pool, never on an event loop or a concurrency thread.
public struct BlockingPool: Sendable {
    private let threadPool: NIOThreadPool

    /// A pool over a started `NIOThreadPool`; its owner shuts it down.
    public init(_ threadPool: NIOThreadPool) {
        self.threadPool = threadPool
    }

    /// Runs `body` on a pool thread and returns its result; CancellationError once the pool has stopped.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(body)
    }
}
