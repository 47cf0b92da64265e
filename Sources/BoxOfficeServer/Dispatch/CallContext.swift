import BoxOfficeCore
public import Logging
public import NIOCore

/// What a handler knows about the call besides its message.
public struct CallContext: Sendable {
    /// The client's `call_id`.
    public var callID: UInt64
    /// The peer, for limits and logs.
    public var remoteAddress: SocketAddress?
    /// Bearer token, empty when none was sent.
    public var authToken: String
    /// The token's user once the dispatcher has verified it; nil when there is no valid token.
    public var userID: Int64?
    /// Idempotency key, empty when none was sent.
    public var idempotencyKey: String
    /// When the call must be answered by.
    public var deadline: NIODeadline
    public var logger: Logger
    /// Whether a client sent the call, or another node of the cluster forwarded it.
    public var origin: CallOrigin = .client

    /// The idempotency key for a call that honours one (a hold, a purchase), nil when none was
    /// sent; one over the protocol's limit is INVALID_ARGUMENT.
    func checkedIdempotencyKey() throws -> String? {
        guard idempotencyKey.utf8.count <= ProtocolLimits.maxIdempotencyKeyBytes else {
            throw BoxOfficeError.invalidArgument("idempotency_key is longer than \(ProtocolLimits.maxIdempotencyKeyBytes) bytes")
        }
        return idempotencyKey.isEmpty ? nil : idempotencyKey
    }
}

/// Where a call came from.
public enum CallOrigin: Sendable {
    /// A client connected to this server (directly or through the load balancer).
    case client
    /// Another node of the cluster, on the peer listener: the node the client reached, passing on
    /// a seat call for a showtime this node owns. Its guard already admitted the call.
    case peer
}
