import BoxOfficeClient
import BoxOfficeCore
import NIOCore
import NIOPosix
import Testing

/// A peer on a real loopback socket that reads every request and never answers: the client's own
/// behaviour while it waits is all that is left to see.
private func withSilentPeer<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channel = try await ServerBootstrap(group: group)
        .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
        .bind(host: "127.0.0.1", port: 0).get()
    do {
        let value = try await body(channel.localAddress!.port!)
        try await channel.close()
        try await group.shutdownGracefully()
        return value
    } catch {
        try? await channel.close()
        try? await group.shutdownGracefully()
        throw error
    }
}

@Suite("Client cancellation", .timeLimit(.minutes(1)))
struct CancellationTests {
    @Test func aCancelledCallEndsAtOnceWithCancelledNotAtItsDeadline() async throws {
        try await withSilentPeer { port in
            let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: port)
            // The deadline is far past the suite's time limit: only cancellation can end this call.
            let call = Task { try await client.getInfo(options: .init(deadline: .seconds(600))) }
            call.cancel()
            await #expect(throws: BoxOfficeError(.cancelled, "the call was cancelled by its caller")) { _ = try await call.value }
            await client.close()
        }
    }

    @Test func otherCallsOnTheConnectionAreNotDisturbed() async throws {
        try await withSilentPeer { port in
            let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: port)
            let waiting = Task { try await client.getInfo(options: .init(deadline: .milliseconds(1))) }
            let cancelled = Task { try await client.getInfo(options: .init(deadline: .seconds(600))) }
            cancelled.cancel()
            await #expect(throws: BoxOfficeError.self) { _ = try await cancelled.value }
            // The other call still waits for its own deadline and ends with it, not with the cancellation.
            let outcome: BoxOfficeError.Code
            do {
                _ = try await waiting.value
                outcome = .ok
            } catch let error as BoxOfficeError {
                outcome = error.code
            }
            #expect(outcome == .deadlineExceeded)
            await client.close()
        }
    }
}
