public import BoxOfficeClient
import Synchronization

/// The connection a group of virtual users shares, opened again when it closes: behind a load
/// balancer a node that dies takes its connections with it, and with `--retries` the users on them
/// carry on through another node. Without retries it is just the one connection.
public final class SharedConnection: Sendable {
    private let server: ServerAddress
    private let state: Mutex<(current: BoxOfficeConnection, reopening: Task<BoxOfficeConnection, any Error>?)>

    init(_ connection: BoxOfficeConnection, server: ServerAddress) {
        self.server = server
        state = Mutex((connection, nil))
    }

    /// The connection to send on now.
    public var current: BoxOfficeConnection { state.withLock { $0.current } }

    /// A new connection in place of `stale`, made once however many users found it closed.
    func reopen(after stale: BoxOfficeConnection) async throws -> BoxOfficeConnection {
        let server = self.server
        let task = state.withLock { state -> Task<BoxOfficeConnection, any Error>? in
            if state.current !== stale { return nil }
            if let reopening = state.reopening { return reopening }
            let task = Task { try await server.connect() }
            state.reopening = task
            return task
        }
        guard let task else { return current }
        do {
            let fresh = try await task.value
            state.withLock { state in
                if state.current === stale { state.current = fresh }
                state.reopening = nil
            }
            return fresh
        } catch {
            state.withLock { $0.reopening = nil }
            throw error
        }
    }

    func close() async { await current.close() }
}
