public import BoxOfficeCore
public import BoxOfficeStore
import Synchronization

/// This node's place in the cluster: its heartbeat in the `nodes` table and its view of who else
/// is alive, from which it knows which showtimes it owns.
///
/// The liveness rule is the same on every node: a node whose heartbeat is older than `liveness`
/// (by the database's clock) is gone, and its showtimes belong to the next node in their rendezvous
/// order. So a node that could not beat for that long (paused, starved, cut off from the database)
/// must assume the others have taken its showtimes meanwhile: `beat()` says so (`.rejoined`), and
/// until a beat succeeds it owns nothing.
public final class ClusterMembership: Sendable {
    /// This node's name in the `nodes` table.
    public let nodeID: String
    /// How long a node may go without a heartbeat before the others count it gone.
    public let liveness: Duration
    private let registry: any NodeRegistry
    private let clock: any TimeSource
    private let state = Mutex(State())

    private struct State {
        /// Where the others reach this node: known once its peer listener is bound.
        var peerAddress: String?
        var view: ClusterView?
        /// When the last successful heartbeat was sent (monotonic): the database stamped it later.
        var lastBeatSent: Duration?
    }

    /// What a heartbeat round found.
    public enum Round: Sendable, Hashable {
        /// The same live nodes as the round before.
        case steady
        /// Nodes came or went: showtimes changed owners.
        case changed(ClusterView)
        /// This node went longer than the liveness window without a heartbeat: the others may
        /// have counted it gone and decided its showtimes' seats meanwhile, so nothing it
        /// remembers of any showtime can be trusted.
        case rejoined(ClusterView)
    }

    public init(nodeID: String, registry: any NodeRegistry, clock: any TimeSource, liveness: Duration = .seconds(3)) {
        self.nodeID = nodeID
        self.registry = registry
        self.clock = clock
        self.liveness = liveness
    }

    /// Sets where the other nodes reach this one (`host:port` of its peer listener); before the first beat.
    public func advertise(peerAddress: String) {
        state.withLock { $0.peerAddress = peerAddress }
    }

    /// Writes this node's heartbeat and reads the live nodes.
    public func beat() async throws -> Round {
        guard let address = state.withLock({ $0.peerAddress }) else {
            throw BoxOfficeError(.failedPrecondition, "node \(nodeID) has no peer address to advertise yet")
        }
        let sent = clock.monotonicNow
        let live = try await registry.heartbeat(NodeRecord(id: nodeID, peerAddress: address), liveWithin: Milliseconds.of(liveness))
        let answered = clock.monotonicNow
        let view = ClusterView(nodes: live)
        return state.withLock { state in
            defer { (state.view, state.lastBeatSent) = (view, sent) }
            // Measured to this beat's answer, the latest moment its write can have landed: a beat
            // that started in time but landed late may still have found this node counted gone.
            if let last = state.lastBeatSent, answered - last >= liveness { return .rejoined(view) }
            return state.view == view ? .steady : .changed(view)
        }
    }

    /// The node that decides `showtimeID`'s seats in this node's view; nil while this node has no
    /// current view (before its first heartbeat, or once its last one is older than the liveness
    /// window: the others may count it gone).
    public func owner(of showtimeID: Int64) -> NodeRecord? {
        let now = clock.monotonicNow
        return state.withLock { state in
            guard let view = state.view, let sent = state.lastBeatSent, now - sent < liveness else { return nil }
            return view.owner(of: showtimeID)
        }
    }

    /// Whether this node decides `showtimeID`'s seats now.
    public func owns(_ showtimeID: Int64) -> Bool { owner(of: showtimeID)?.id == nodeID }

    /// The live nodes of the last heartbeat.
    public var view: ClusterView? { state.withLock { $0.view } }

    /// Takes this node out of the table on a graceful stop, so its showtimes move at once.
    public func leave() async throws {
        state.withLock { $0.view = nil }
        try await registry.leave(nodeID: nodeID)
    }
}
