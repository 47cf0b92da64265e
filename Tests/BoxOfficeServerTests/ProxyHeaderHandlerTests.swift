@testable import BoxOfficeServer
import NIOCore
import NIOEmbedded
import Testing

@Suite("PROXY header handler")
struct ProxyHeaderHandlerTests {
    /// Stands for the handlers after the PROXY handler: records what reaches it, in order, and the
    /// client address as it stood when the connection began for it.
    private final class Probe: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        enum Event: Equatable {
            case active, read([UInt8]), readComplete, inactive
        }

        private let clientAddress: ClientAddress
        private(set) var events: [Event] = []
        private(set) var clientAtActive: SocketAddress?

        init(clientAddress: ClientAddress) {
            self.clientAddress = clientAddress
        }

        var activations: Int { events.count(where: { $0 == .active }) }

        /// Every byte read, joined.
        var bytesRead: [UInt8] {
            events.flatMap { event -> [UInt8] in
                if case .read(let bytes) = event { return bytes }
                return []
            }
        }

        func channelActive(context: ChannelHandlerContext) {
            clientAtActive = clientAddress.value
            events.append(.active)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            events.append(.read(Array(unwrapInboundIn(data).readableBytesView)))
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            events.append(.readComplete)
        }

        func channelInactive(context: ChannelHandlerContext) {
            events.append(.inactive)
        }
    }

    /// A connection from the proxy at 192.0.2.10, with the PROXY handler and a probe after it.
    private final class Connection {
        let channel: EmbeddedChannel
        let clientAddress = ClientAddress()
        let probe: Probe
        private(set) var rejections: [String] = []

        static let proxy = try! SocketAddress(ipAddress: "192.0.2.10", port: 40000)

        init(deadline: TimeAmount = .seconds(5)) throws {
            probe = Probe(clientAddress: clientAddress)
            channel = EmbeddedChannel()
            let handler = ProxyHeaderHandler(clientAddress: clientAddress, deadline: deadline) { [unowned self] reason in
                rejections.append(reason)
            }
            try channel.pipeline.syncOperations.addHandlers([handler, probe])
            // The socket's peer is the proxy.
            try channel.connect(to: Self.proxy).wait()
        }

        var handlerIsInPipeline: Bool {
            (try? channel.pipeline.syncOperations.handler(type: ProxyHeaderHandler.self)) != nil
        }

        func write(_ bytes: [UInt8]) throws {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        }
    }

    private static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// HAProxy's header for a client at 203.0.113.7:51234 that reached it at 10.0.0.5:7100.
    private static let proxied = signature + [0x21, 0x11, 0x00, 0x0C] + [203, 0, 113, 7, 10, 0, 0, 5, 0xC8, 0x22, 0x1B, 0xBC]
    /// HAProxy's health check.
    private static let healthCheck = signature + [0x20, 0x00, 0x00, 0x00]
    /// Two BoxOffice frames.
    private static let frames: [UInt8] = [0x00, 0x00, 0x00, 0x04, 0x08, 0x01, 0x52, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02]
    private static let client = try! SocketAddress(ipAddress: "203.0.113.7", port: 51234)

    @Test func beginsTheConnectionOnlyOnceTheHeaderHasCome() throws {
        let connection = try Connection()
        #expect(connection.probe.events.isEmpty)
        #expect(connection.clientAddress.value == nil)
        #expect(connection.handlerIsInPipeline)
        _ = try connection.channel.finish()
    }

    @Test func passesTheBytesAfterAHeaderInTheSameRead() throws {
        let connection = try Connection()
        try connection.write(Self.proxied + Self.frames)
        #expect(connection.clientAddress.value == Self.client)
        #expect(connection.probe.clientAtActive == Self.client)
        #expect(connection.probe.events == [.active, .read(Self.frames), .readComplete])
        #expect(!connection.handlerIsInPipeline)
        #expect(connection.rejections.isEmpty)
        #expect(try connection.channel.finish().isClean)
    }

    @Test func readsAHeaderSentOneByteAtATime() throws {
        let connection = try Connection()
        for byte in Self.proxied {
            #expect(connection.probe.events.isEmpty)
            try connection.write([byte])
        }
        #expect(connection.probe.events == [.active, .readComplete])
        #expect(connection.probe.clientAtActive == Self.client)
        #expect(!connection.handlerIsInPipeline)
        for byte in Self.frames { try connection.write([byte]) }
        #expect(connection.probe.bytesRead == Self.frames)
        #expect(connection.probe.activations == 1)
        #expect(connection.rejections.isEmpty)
        #expect(try connection.channel.finish().isClean)
    }

    @Test func readsAV1Header() throws {
        let connection = try Connection()
        let line = Array("PROXY TCP4 203.0.113.7 10.0.0.5 51234 7100\r\n".utf8)
        try connection.write(Array(line.prefix(20)))
        try connection.write(Array(line.dropFirst(20)) + Self.frames)
        #expect(connection.probe.events == [.active, .read(Self.frames), .readComplete])
        #expect(connection.clientAddress.value == Self.client)
        #expect(try connection.channel.finish().isClean)
    }

    @Test func keepsTheSocketsAddressForALocalHeader() throws {
        let connection = try Connection()
        try connection.write(Self.healthCheck)
        #expect(connection.clientAddress.value == Connection.proxy)
        #expect(connection.probe.clientAtActive == Connection.proxy)
        #expect(connection.probe.events == [.active, .readComplete])
        #expect(!connection.handlerIsInPipeline)
        #expect(try connection.channel.finish().isClean)
    }

    @Test func closesAConnectionWithAMalformedHeader() throws {
        let connection = try Connection()
        try connection.write(Self.frames)  // a client that skipped the proxy
        #expect(!connection.channel.isActive)
        #expect(connection.probe.events.isEmpty)
        #expect(connection.rejections == ["not a PROXY protocol header"])
        #expect(connection.clientAddress.value == nil)
        _ = try connection.channel.finish(acceptAlreadyClosed: true)
    }

    @Test func closesAConnectionWhoseHeaderGoesBadPartWay() throws {
        let connection = try Connection()
        try connection.write(Self.signature)
        #expect(connection.channel.isActive)
        try connection.write([0x11])  // version 1
        #expect(!connection.channel.isActive)
        #expect(connection.probe.events.isEmpty)
        #expect(connection.rejections == ["unsupported PROXY v2 version 1 (only 2 is defined)"])
        _ = try connection.channel.finish(acceptAlreadyClosed: true)
    }

    @Test func closesAConnectionWithoutAHeaderByTheDeadline() throws {
        let connection = try Connection(deadline: .seconds(5))
        try connection.write(Array(Self.proxied.prefix(10)))
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(4999))
        #expect(connection.channel.isActive)
        #expect(connection.rejections.isEmpty)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!connection.channel.isActive)
        #expect(connection.probe.events.isEmpty)
        #expect(connection.rejections == ["no complete PROXY header within 5 s"])
        _ = try connection.channel.finish(acceptAlreadyClosed: true)
    }

    @Test func cancelsTheDeadlineOnceTheHeaderHasCome() throws {
        let connection = try Connection(deadline: .seconds(5))
        try connection.write(Self.proxied)
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(connection.channel.isActive)
        #expect(connection.rejections.isEmpty)
        #expect(try connection.channel.finish().isClean)
    }

    @Test func reportsAConnectionThatEndsBeforeItsHeader() throws {
        let connection = try Connection()
        try connection.write(Array(Self.proxied.prefix(20)))
        try connection.channel.close().wait()
        #expect(connection.probe.events.isEmpty)
        #expect(connection.rejections == ["the connection closed before its PROXY header was complete"])
        _ = try connection.channel.finish(acceptAlreadyClosed: true)
    }
}
