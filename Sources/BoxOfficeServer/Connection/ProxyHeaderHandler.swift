import BoxOfficeWire
import NIOCore
import Synchronization

/// The client's address on one connection: the socket's peer, or, behind a trusted proxy, the client
/// its PROXY header names. A holder rather than a value because a connection's handlers are all
/// built before the header arrives; they read it once the connection is active.
final class ClientAddress: Sendable {
    private let address: Mutex<SocketAddress?>

    init(_ value: SocketAddress? = nil) {
        address = Mutex(value)
    }

    var value: SocketAddress? {
        get { address.withLock { $0 } }
        set { address.withLock { $0 = newValue } }
    }
}

/// First in the pipeline of a connection from a trusted proxy: reads the PROXY protocol header (v1 or
/// v2) the proxy sends before any of the client's bytes, records the client it names, and only then
/// lets the connection begin for the handlers after it. They see `channelActive` once the client is
/// in `clientAddress`, then the bytes after the header in one read, and never the header itself;
/// this handler then leaves the pipeline, so later bytes pass at no cost.
///
/// Until then the connection has not begun for them: a malformed header, none complete within the
/// deadline, or a connection that ends first, closes it without their seeing an event, and
/// `onRejected` hears why, once, so the server can log and count it.
final class ProxyHeaderHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        /// Not active yet: bytes (there should be none) are only kept.
        case idle
        /// Active, reading the header, under the deadline.
        case awaitingHeader
        /// The header was accepted and the connection passed on; only until this handler is removed.
        case forwarding
        /// Closed for a bad or missing header: nothing more goes on.
        case rejected
    }

    private let clientAddress: ClientAddress
    private let deadline: TimeAmount
    private let onRejected: (String) -> Void
    private var state = State.idle
    /// The bytes so far, at most a header's worth and the rest of the read that completes it.
    private var pending: ByteBuffer?
    private var timeout: Scheduled<Void>?

    /// - Parameters:
    ///   - deadline: How long a connection may take to send its whole header. The spec asks for at
    ///     least 3 s, to cover a TCP retransmit.
    ///   - onRejected: Called with the reason when a connection is closed for its header.
    init(clientAddress: ClientAddress, deadline: TimeAmount = .seconds(5), onRejected: @escaping (String) -> Void) {
        self.clientAddress = clientAddress
        self.deadline = deadline
        self.onRejected = onRejected
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Added to a live connection, there is no channelActive to wait for.
        if context.channel.isActive { begin(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        begin(context: context)
    }

    private func begin(context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        state = .awaitingHeader
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: deadline) { [self] in
            guard case .awaitingHeader = state else { return }
            reject("no complete PROXY header within \(deadline)", context: context)
        }
        examinePending(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .idle, .awaitingHeader:
            var bytes = unwrapInboundIn(data)
            if var earlier = pending.take() {
                earlier.writeBuffer(&bytes)
                bytes = earlier
            }
            pending = bytes
            if case .awaitingHeader = state { examinePending(context: context) }
        case .forwarding:
            context.fireChannelRead(data)
        case .rejected:
            break
        }
    }

    /// Parses the bytes so far from the start: the header is at most 552 bytes, so reading it again
    /// on each of its reads costs little, and the parser stays a pure function of the bytes.
    private func examinePending(context: ChannelHandlerContext) {
        guard var bytes = pending.take() else { return }
        do throws(ProxyHeaderError) {
            guard let parse = try ProxyHeaderParser.parse(bytes) else {
                pending = bytes
                return
            }
            bytes.moveReaderIndex(forwardBy: parse.length)
            accept(parse.header, leftover: bytes, context: context)
        } catch {
            reject(error.message, context: context)
        }
    }

    private func accept(_ header: ProxyHeader, leftover: ByteBuffer, context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        state = .forwarding
        // LOCAL is the proxy's own connection (a health check), and a PROXY header without an address
        // (v1 UNKNOWN, v2 UNSPEC or AF_UNIX) means the same to the spec: the socket's peer stands.
        clientAddress.value = switch header.command {
        case .local: context.channel.remoteAddress
        case .proxy: header.source ?? context.channel.remoteAddress
        }
        context.fireChannelActive()
        // A handler after this one may have closed the connection on its activation.
        if leftover.readableBytes > 0 && context.channel.isActive {
            context.fireChannelRead(wrapInboundOut(leftover))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func reject(_ reason: String, context: ChannelHandlerContext) {
        timeout?.cancel()
        timeout = nil
        state = .rejected
        pending = nil
        onRejected(reason)
        context.close(promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The handlers after this one hear of reads only once the connection has begun for them.
        if case .forwarding = state { context.fireChannelReadComplete() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .idle, .awaitingHeader:
            reject("the connection closed before its PROXY header was complete", context: context)
        case .forwarding:
            context.fireChannelInactive()
        case .rejected:
            // The handlers after this one never saw the connection begin, so they do not see it end.
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch state {
        case .idle, .awaitingHeader:
            if case .inputClosed = event as? ChannelEvent {
                reject("the connection ended its input before its PROXY header was complete", context: context)
            } else {
                context.fireUserInboundEventTriggered(event)
            }
        case .forwarding:
            context.fireUserInboundEventTriggered(event)
        case .rejected:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .idle, .awaitingHeader:
            reject("the connection failed before its PROXY header was complete: \(error)", context: context)
        case .forwarding:
            context.fireErrorCaught(error)
        case .rejected:
            break
        }
    }
}
