import BoxOfficeServer
import NIOCore
import NIOPosix
import Testing

@Suite("Start-up checks", .timeLimit(.minutes(1)))
struct ListenCheckTests {
    /// A server that closed its connections first leaves them in TIME_WAIT on its port for a
    /// minute; a server restarted there must still start.
    @Test func aPortWithConnectionsLeftInTimeWaitCanBeListenedOnAgain() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { $0.close() }  // the server closes first: its side waits in TIME_WAIT
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let client = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port).get()
        try await client.closeFuture.get()
        try await listener.close()
        try await StartupChecks.canListen(host: "127.0.0.1", port: port)
    }

    @Test func aPortSomeoneListensOnIsNamed() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        await #expect(throws: StartupChecks.Failure.self) { try await StartupChecks.canListen(host: "127.0.0.1", port: port) }
        try await listener.close()
    }
}
