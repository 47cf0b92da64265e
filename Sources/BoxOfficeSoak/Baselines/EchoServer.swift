import BoxOfficeProto
import BoxOfficeWire
import NIOCore
import NIOPosix

/// The framing baseline: a bare SwiftNIO server that reads the same length-prefixed request frames
/// as BoxOffice and answers each at once with an OK response of the same call id and an empty
/// result, with no dispatcher, guard, handler or database. What the tool drives through it is the
/// most the frames, the protobuf envelopes, the event loops and this client can carry here.
final class EchoServer: Sendable {
    private let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> EchoServer {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([ByteToMessageHandler(FrameDecoder()), EchoHandler()])
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return EchoServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Answers every request frame with an OK response carrying its call id; flushes once per read burst.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            let request = try FrameCoding.decode(Boxoffice_V1_Request.self, from: unwrapInboundIn(data))
            var response = Boxoffice_V1_Response()
            response.callID = request.callID
            response.status = .with { $0.code = .ok }
            response.result = .searchTheatres(Boxoffice_V1_SearchTheatresResponse())
            context.write(wrapOutboundOut(try FrameCoding.frame(of: response, allocator: context.channel.allocator)), promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
