import BoxOfficeGuard
import Logging
import NIOCore

/// First in the peer listener's pipeline: a connection from outside the trusted peer range is
/// closed before any of its bytes are read. What a peer forwards skips the guard, so only the
/// cluster's own nodes may connect here.
final class PeerGate: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let trusted: TrustedNetworks
    private let logger: Logger
    private var admitted = false

    init(trusted: TrustedNetworks, logger: Logger) {
        self.trusted = trusted
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        guard let address = context.channel.remoteAddress, trusted.contains(address) else {
            logger.warning("refused a peer connection from outside the trusted peers", metadata: [
                "boxoffice.peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "unknown")",
            ])
            context.close(promise: nil)
            return
        }
        admitted = true
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard admitted else { return }
        context.fireChannelRead(data)
    }
}
