import BoxOfficeCore
import BoxOfficeGuard
import BoxOfficeProto
import BoxOfficeServer
import BoxOfficeTesting
import BoxOfficeWire
import NIOCore
import Testing

/// The server behind a load balancer that sends the PROXY protocol: over real loopback sockets,
/// the test playing HAProxy.
@Suite("Connections through a trusted proxy", .timeLimit(.minutes(2)))
struct ProxiedConnectionTests {
    /// HAProxy's `send-proxy-v2` header for a TCP client over IPv4 (the bytes it sends on this machine).
    static func proxyV2(from client: (UInt8, UInt8, UInt8, UInt8), port: UInt16) -> [UInt8] {
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C,
         client.0, client.1, client.2, client.3, 127, 0, 0, 1, UInt8(port >> 8), UInt8(port & 0xFF), 0x1B, 0x9E]
    }

    /// The proxy's trust, and a header deadline no loaded test machine can outrun between the
    /// test's connect and its first write (the deadline itself is ProxyHeaderHandlerTests' to test).
    static func trusting(_ proxy: String) -> @Sendable (inout ServerConfiguration) -> Void {
        { $0.trustedProxies = try! TrustedNetworks([proxy]); $0.proxyHeaderTimeout = .seconds(90) }
    }

    static let getInfo: ByteBuffer = try! FrameCoding.frame(
        of: Boxoffice_V1_Request.with { $0.callID = 1; $0.getInfo = .init() }, allocator: ByteBufferAllocator())

    /// Sends `bytes` on a new connection and reads frames until the server closes it or `frames` came.
    func exchange(_ server: TestServer, _ bytes: [UInt8], frames: Int = 1) async throws -> [Boxoffice_V1_Response] {
        let connection = try await RawConnection.connect(host: server.host, port: server.port)
        return try await connection.withStreams { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            var answers: [Boxoffice_V1_Response] = []
            for try await frame in inbound {
                answers.append(try FrameCoding.decode(Boxoffice_V1_Response.self, from: frame))
                if answers.count == frames { break }
            }
            return answers
        }
    }

    @Test func aHeaderFromTheTrustedProxyIsReadAndTheCallAnswered() async throws {
        try await TestServer.withRunning(configure: Self.trusting("127.0.0.1/32")) { server, _ in
            // Header and frame in one write, as HAProxy's first packet may carry both.
            let answers = try await exchange(server, Self.proxyV2(from: (203, 0, 113, 7), port: 51_234) + Array(buffer: Self.getInfo))
            #expect(answers.map(\.callID) == [1])
            #expect(answers.first?.status.code == .ok)
            // HAProxy's health check: a LOCAL header, then the GetInfo frame.
            let local: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00]
            #expect(try await exchange(server, local + Array(buffer: Self.getInfo)).first?.status.code == .ok)
        }
    }

    @Test func aConnectionFromTheTrustedProxyWithoutAValidHeaderIsClosedUnanswered() async throws {
        try await TestServer.withRunning(configure: Self.trusting("127.0.0.1/32")) { server, _ in
            // A client reaching the node past the proxy's address would be told nothing.
            let bare = try await exchange(server, Array(buffer: Self.getInfo))
            #expect(bare.isEmpty)
            let malformed = try await exchange(server, Array("PROXY TCP4 1.2.3.4 5.6.7.8 80\r\n".utf8) + Array(buffer: Self.getInfo))
            #expect(malformed.isEmpty)
            #expect(server.metric("boxoffice_proxy_headers_rejected_total") == 2)
        }
    }

    @Test func aForgedHeaderFromAnUntrustedAddressIsNotReadAndTheConnectionIsClosed() async throws {
        // Only 127.0.0.2 is the proxy: this client, on 127.0.0.1, may not say who it is.
        try await TestServer.withRunning(configure: Self.trusting("127.0.0.2/32")) { server, _ in
            let answers = try await exchange(server, Self.proxyV2(from: (8, 8, 8, 8), port: 1) + Array(buffer: Self.getInfo))
            // The header's first bytes read as a frame length far over the maximum: refused, closed.
            #expect(answers.count == 1)
            #expect(answers.first?.status.code == .resourceExhausted)
            #expect(server.metric("boxoffice_proxy_headers_rejected_total") == 0)
        }
    }

    @Test func theGuardCountsTheClientTheHeaderNamesNotTheProxy() async throws {
        try await TestServer.withRunning(configure: {
            Self.trusting("127.0.0.1/32")(&$0)
            $0.trustedNetworks = TrustedNetworks()
            $0.maxConnectionsPerAddress = 1
        }) { server, _ in
            // Two clients behind the one proxy address: each has its own cap of one connection.
            let first = try await RawConnection.connect(host: server.host, port: server.port)
            try await first.withStreams { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: Self.proxyV2(from: (198, 51, 100, 1), port: 1000) + Array(buffer: Self.getInfo)))
                var frames = inbound.makeAsyncIterator()
                #expect(try await frames.next().map { try FrameCoding.decode(Boxoffice_V1_Response.self, from: $0).status.code } == .ok)
                // While the first is open: another client is served, the same client is refused.
                let other = try await exchange(server, Self.proxyV2(from: (198, 51, 100, 2), port: 1000) + Array(buffer: Self.getInfo))
                #expect(other.first?.status.code == .ok)
                let same = try await exchange(server, Self.proxyV2(from: (198, 51, 100, 1), port: 1001) + Array(buffer: Self.getInfo))
                #expect(same.first?.status.code == .resourceExhausted)
                #expect(same.first?.status.message.contains("maximum of 1 connections") == true)
            }
        }
    }
}
