import BoxOfficeClient
import BoxOfficeCore
import NIOCore
import NIOPosix
import Testing

@Suite("Client on a closed connection", .timeLimit(.minutes(1)))
struct ClosedConnectionTests {
    /// A peer that closes every connection as soon as it is accepted (a node's peer listener
    /// refusing an untrusted address does exactly this).
    @Test func aCallOnAConnectionTheServerClosedFailsAtOnceAsUnavailable() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { $0.close() }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: listener.localAddress!.port!)
        // Wait for the close to be seen (an event, bounded by the suite's limit), then call: the
        // deadline is far past the suite's limit, so only failing at once passes.
        while client.isOpen { try await Task.sleep(for: .milliseconds(5)) }
        await #expect(throws: BoxOfficeError(.unavailable, "the connection to the server closed")) {
            _ = try await client.getInfo(options: .init(deadline: .seconds(600)))
        }
        await client.close()
        try await listener.close()
        try await group.shutdownGracefully()
    }
}
