import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import NIOCore
import Synchronization

/// Sends a call to the node that owns its showtime, over that node's peer listener (the same
/// framed protocol), and hands back its answer. One connection per peer, opened on first use and
/// again after it closes; many calls share it.
final class PeerForwarder: Sendable {
    private let group: any EventLoopGroup
    private let connections = Mutex<[String: Task<BoxOfficeConnection, any Error>]>([:])

    init(group: any EventLoopGroup) {
        self.group = group
    }

    /// The owner's answer to `request`, with the client's call id. Never throws: a peer that cannot
    /// be reached, or that went quiet mid-call, is UNAVAILABLE with a retry-after for the client.
    func forward(_ request: Boxoffice_V1_Request, to node: NodeRecord, context: CallContext) async -> Boxoffice_V1_Response {
        let connection: BoxOfficeConnection
        do {
            connection = try await self.connection(to: node)
        } catch {
            return .failure(callID: request.callID, BoxOfficeError(
                .unavailable, "the node that sells this showtime (\(node.id)) cannot be reached: retry in a moment",
                retryAfterMilliseconds: 500))
        }
        guard let call = request.call else { return .failure(callID: request.callID, .internalError("nothing to forward")) }
        // The owner gets what is left of the client's deadline, less a margin so that its answer
        // (even DEADLINE_EXCEEDED) comes back before the client's own deadline passes here.
        let left = Duration.nanoseconds((context.deadline - .now()).nanoseconds) - .milliseconds(50)
        let options = BoxOfficeConnection.CallOptions(deadline: max(left, .milliseconds(1)), idempotencyKey: request.idempotencyKey,
                                                      authToken: request.authToken)
        do {
            var response = try await connection.send(call, options: options)
            response.callID = request.callID
            return response
        } catch let error as BoxOfficeError where error.code == .cancelled {
            return .failure(callID: request.callID, error)
        } catch {
            // Sent, and no answer: it may or may not have been done there.
            let retry = if case .purchase = call { "retry with the same idempotency key" } else { "retry in a moment" }
            return .failure(callID: request.callID, BoxOfficeError(
                .unavailable, "the node that sells this showtime (\(node.id)) did not answer: \(retry)", retryAfterMilliseconds: 500))
        }
    }

    /// The open connection to `node`, made if there is none.
    private func connection(to node: NodeRecord) async throws -> BoxOfficeConnection {
        let key = node.peerAddress
        let existing = connections.withLock { $0[key] }
        if let existing, let open = try? await existing.value, open.isOpen { return open }
        let (host, port) = try Self.split(node.peerAddress)
        let group = self.group
        let made = connections.withLock { connections -> Task<BoxOfficeConnection, any Error> in
            // Another caller may have started a new connection meanwhile: share it.
            if let current = connections[key], current != existing { return current }
            let task = Task { try await BoxOfficeConnection.connect(host: host, port: port, connectTimeout: .seconds(1), group: group) }
            connections[key] = task
            return task
        }
        do {
            return try await made.value
        } catch {
            connections.withLock { if $0[key] == made { $0[key] = nil } }
            throw error
        }
    }

    /// Closes every peer connection (at shutdown).
    func closeAll() async {
        let all = connections.withLock { connections in
            defer { connections.removeAll() }
            return Array(connections.values)
        }
        for task in all { await (try? task.value)?.close() }
    }

    /// `host:port`, with IPv6 hosts in brackets.
    static func split(_ address: String) throws -> (host: String, port: Int) {
        guard let endpoint = HostPort(parsing: address) else {
            throw BoxOfficeError(.internalError, "peer address \"\(address)\" is not host:port")
        }
        return (endpoint.host, endpoint.port)
    }
}
