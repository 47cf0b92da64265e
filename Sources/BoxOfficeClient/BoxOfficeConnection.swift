import BoxOfficeCore
public import BoxOfficeProto
import BoxOfficeWire
public import NIOCore
public import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An async client for a BoxOffice server: one TCP connection, many calls in flight on it.
///
/// Every method throws `BoxOfficeError` carrying the server's status code and message, or
/// UNAVAILABLE when the connection is lost, DEADLINE_EXCEEDED when no answer came in time, or
/// CANCELLED at once when the calling task is cancelled.
public final class BoxOfficeConnection: Sendable {
    /// Options of one call.
    public struct CallOptions: Sendable {
        /// How long the server may take; nil leaves the server's default.
        public var deadline: Duration?
        /// Makes a retried hold or purchase safe: the same key gives the same hold or booking back.
        public var idempotencyKey: String
        /// The bearer token of this call when it is not the client's `authToken` (many buyers on one connection).
        public var authToken: String?

        public init(deadline: Duration? = nil, idempotencyKey: String = "", authToken: String? = nil) {
            self.deadline = deadline
            self.idempotencyKey = idempotencyKey
            self.authToken = authToken
        }
    }

    /// How long to wait for an answer when the call sets no deadline.
    public static let defaultTimeout: Duration = .seconds(30)
    /// Largest answer accepted from a server.
    public static let maxResponseLength = 16 << 20

    private let channel: any Channel
    private let nextCallID = Atomic<UInt64>(1)
    private let token = Mutex<String>("")

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects to a server, from `localAddress` when given (a load tool gives each connection its
    /// own loopback address so that per-address limits see separate clients).
    public static func connect(
        host: String,
        port: Int,
        localAddress: SocketAddress? = nil,
        connectTimeout: Duration = .seconds(10),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> BoxOfficeConnection {
        do {
            var bootstrap = ClientBootstrap(group: group)
            if let localAddress { bootstrap = bootstrap.bind(to: localAddress) }
            let channel = try await bootstrap
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(TimeAmount(connectTimeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(FrameDecoder(maxFrameLength: maxResponseLength)),
                            ClientConnectionHandler(),
                        ])
                    }
                }
                .connect(host: host, port: port)
                .get()
            return BoxOfficeConnection(channel: channel)
        } catch let error as NIOConnectionError {
            let reasons = error.connectionErrors.map { Self.reason($0.error) } + (error.dnsAError.map { ["cannot resolve \(host): \($0)"] } ?? [])
            throw BoxOfficeError(.unavailable, "cannot connect to \(host):\(port): "
                + (reasons.first ?? "no address to try") + " (is boxofficed running there?)")
        } catch {
            throw BoxOfficeError(.unavailable, "cannot connect to \(host):\(port): \(Self.reason(error))")
        }
    }

    /// A socket error in words, without NIO's wrapping ("connection reset (error set): … (errno: 111)").
    private static func reason(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        switch error.errnoCode {
        case ECONNREFUSED: return "nothing is listening there (connection refused)"
        case ETIMEDOUT: return "the connection timed out"
        case EHOSTUNREACH, ENETUNREACH: return "the host cannot be reached"
        default: return String(cString: strerror(error.errnoCode)).lowercased()
        }
    }

    /// The bearer token sent with every call; set it after signing in.
    public var authToken: String {
        get { token.withLock { $0 } }
        set { token.withLock { $0 = newValue } }
    }

    /// Whether the connection is still open (a server that closed it or died is seen on the next read).
    public var isOpen: Bool { channel.isActive }

    /// Closes the connection; calls still waiting fail with UNAVAILABLE.
    public func close() async {
        try? await channel.close()
    }

    /// Sends one call and waits for its answer, whatever its status.
    public func send(_ call: Boxoffice_V1_Request.OneOf_Call, options: CallOptions = .init()) async throws -> Boxoffice_V1_Response {
        var request = Boxoffice_V1_Request()
        request.callID = nextCallID.add(1, ordering: .relaxed).oldValue
        request.call = call
        request.authToken = options.authToken ?? authToken
        request.idempotencyKey = options.idempotencyKey
        var timeout = Self.defaultTimeout
        if let deadline = options.deadline {
            let milliseconds = Milliseconds.of(deadline)
            request.deadlineMs = UInt32(clamping: max(1, milliseconds))
            // Wait a little past the server's deadline so its DEADLINE_EXCEEDED, not ours, arrives.
            timeout = deadline + .seconds(1)
        }
        let promise = channel.eventLoop.makePromise(of: Boxoffice_V1_Response.self)
        let outgoing = OutgoingCall(request: request, response: promise, timeout: TimeAmount(timeout))
        // On a connection the server has already closed, the write never reaches the handler that
        // would answer or time out the call: fail it here, or the caller waits forever.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { _ in
            promise.fail(BoxOfficeError(.unavailable, "the connection to the server closed"))
        }
        channel.write(outgoing, promise: written)  // the handler coalesces flushes
        // A cancelled caller is answered CANCELLED at once instead of waiting out its deadline;
        // the cancellation reaches the handler after the write, on the same event loop.
        let channel = self.channel
        let callID = request.callID
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.triggerUserOutboundEvent(CancelCall(callID: callID), promise: nil)
        }
    }

    /// Sends one call and returns its result, throwing the status when it is not OK.
    public func call(_ call: Boxoffice_V1_Request.OneOf_Call, options: CallOptions = .init()) async throws -> Boxoffice_V1_Response.OneOf_Result {
        let response = try await send(call, options: options)
        guard response.status.code == .ok else { throw response.status.error }
        guard let result = response.result else {
            throw BoxOfficeError(.internalError, "the server answered OK without a result")
        }
        return result
    }
}
