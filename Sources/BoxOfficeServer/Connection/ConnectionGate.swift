import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeWire
import Logging
import NIOCore

/// First in every connection's pipeline: counts the connection against the server's and its
/// address's caps, and a connection over a cap gets one RESOURCE_EXHAUSTED frame (call_id 0) and
/// is closed before any of its bytes are read.
final class ConnectionGate: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limiter: ConnectionLimiter
    private let metrics: ServerMetrics
    private let logger: Logger
    private let client: ClientAddress
    private var counted = false
    /// Kept from activation: a closed channel may no longer know its peer.
    private var address: SocketAddress?

    /// - Parameter client: the connection's client, read at activation: the socket's peer, or
    ///   behind a trusted proxy the client its PROXY header named.
    init(limiter: ConnectionLimiter, metrics: ServerMetrics, client: ClientAddress, logger: Logger) {
        self.limiter = limiter
        self.metrics = metrics
        self.client = client
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = client.value ?? context.channel.remoteAddress
        self.address = address
        if let refusal = limiter.open(from: address) {
            metrics.connectionRefused()
            logger.notice("refused a connection", metadata: ["boxoffice.peer": "\(address.map { "\($0)" } ?? "unknown")",
                                                             "boxoffice.reason": "\(refusal.message)"])
            let answer = Boxoffice_V1_Response.failure(
                callID: 0, BoxOfficeError(.resourceExhausted, refusal.message, retryAfterMilliseconds: 1000))
            if let frame = try? FrameCoding.frame(of: answer, allocator: context.channel.allocator) {
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
            }
            context.close(promise: nil)
            return
        }
        counted = true
        metrics.connectionOpened()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            limiter.close(from: address)
            metrics.connectionClosed()
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection's bytes go nowhere.
        guard counted else { return }
        context.fireChannelRead(data)
    }
}
