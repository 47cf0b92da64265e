/// A `boxofficed` node of a cluster as the others see it: its name and where its peers reach it.
public struct NodeRecord: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Unique in the cluster and stable across the node's restarts (it decides which showtimes it owns).
    public var id: String
    /// `host:port` of the node's peer listener, where other nodes forward calls.
    public var peerAddress: String

    public init(id: String, peerAddress: String) {
        self.id = id
        self.peerAddress = peerAddress
    }

    public static func < (lhs: NodeRecord, rhs: NodeRecord) -> Bool { lhs.id < rhs.id }
    public var description: String { "\(id) (\(peerAddress))" }
}

/// The `nodes` table: every node writes its heartbeat there and reads who else is alive. Times are
/// the database server's, so the nodes' own clocks need not agree.
public protocol NodeRegistry: Sendable {
    /// Records that `node` is alive now and returns every node whose last heartbeat is within
    /// `window` milliseconds of now, `node` included, by id.
    func heartbeat(_ node: NodeRecord, liveWithin window: Int64) async throws -> [NodeRecord]
    /// Every node whose last heartbeat is within `window` milliseconds of now, by id, writing nothing:
    /// the view an operator asks for (`boxofficed nodes`), which a node would have at its next beat.
    func liveNodes(within window: Int64) async throws -> [NodeRecord]
    /// Takes `nodeID` out of the table (a graceful stop), so the others take over its showtimes at
    /// their next heartbeat instead of after the liveness window.
    func leave(nodeID: String) async throws
}
