import BoxOfficeBooking
import BoxOfficeCluster
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore

/// In a cluster, which node decides a call: the seat calls of a showtime (its seat map, holds,
/// releases, quotes, purchases and cancellations) go to the node that owns it; everything else is
/// answered wherever it arrives.
final class ShowtimeRouter: Sendable {
    enum Route {
        /// This node answers.
        case here
        /// The owner answers; the call is forwarded to it.
        case forward(NodeRecord)
        /// Nobody can answer it now (ownership is moving, or this node lost touch with the others).
        case unavailable(BoxOfficeError)
    }

    let membership: ClusterMembership
    private let allocator: SeatAllocator
    private let ledger: any SeatLedger

    init(membership: ClusterMembership, allocator: SeatAllocator, ledger: any SeatLedger) {
        self.membership = membership
        self.allocator = allocator
        self.ledger = ledger
    }

    func route(_ call: Boxoffice_V1_Request.OneOf_Call, origin: CallOrigin) async throws -> Route {
        guard let showtimeID = try await showtime(of: call) else { return .here }
        guard let owner = membership.owner(of: showtimeID) else {
            return .unavailable(BoxOfficeError(
                .unavailable, "this node has lost touch with the cluster's database: retry in a moment", retryAfterMilliseconds: 1000))
        }
        if owner.id == membership.nodeID { return .here }
        switch origin {
        case .client:
            return .forward(owner)
        case .peer:
            // The forwarding node's view and this one's disagree: one of them has not seen a node
            // come or go yet. Within a heartbeat they agree again.
            return .unavailable(BoxOfficeError(
                .unavailable, "showtime \(showtimeID) is moving to another node: retry in a moment", retryAfterMilliseconds: 250))
        }
    }

    /// The showtime whose seats the call reads or changes; nil for other calls, and for a hold or
    /// booking that does not exist (this node answers "not found" itself).
    private func showtime(of call: Boxoffice_V1_Request.OneOf_Call) async throws -> Int64? {
        switch call {
        case .getSeatMap(let request): request.showtimeID
        case .holdSeats(let request): request.showtimeID
        case .releaseHold(let request): try await showtime(ofHold: request.holdID)
        case .quoteHold(let request): try await showtime(ofHold: request.holdID)
        case .purchase(let request): try await showtime(ofHold: request.holdID)
        case .cancelBooking(let request): try await ledger.bookingOwner(code: request.code)?.showtimeID
        default: nil
        }
    }

    private func showtime(ofHold holdID: String) async throws -> Int64? {
        if let showtimeID = await allocator.showtime(ofHold: holdID) { return showtimeID }
        return try await ledger.hold(id: holdID)?.showtimeID
    }
}
