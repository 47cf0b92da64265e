public import BoxOfficeGuard

/// How a server takes part in a cluster: several nodes on one PostgreSQL database, each deciding
/// the seats of the showtimes a rendezvous hash over the live nodes gives it, and forwarding the
/// other showtimes' seat calls to their owners.
public struct ClusterSettings: Sendable {
    /// This node's name in the `nodes` table: unique in the cluster, and kept across restarts so a
    /// node that comes back gets its showtimes back.
    public var nodeID: String
    /// Address of the peer listener, where the other nodes forward calls.
    public var peerHost = "127.0.0.1"
    /// Port of the peer listener; 0 picks a free one (tests).
    public var peerPort = 7170
    /// The `host:port` the other nodes reach the peer listener at, when it is not
    /// `peerHost:peerPort` (a wildcard address, a port chosen at start).
    public var advertisedPeerAddress: String?
    /// The only addresses the peer listener accepts connections from (it trusts what they forward:
    /// the guard already admitted those calls on the node the client reached).
    public var trustedPeers = TrustedNetworks()
    /// A node whose heartbeat is older than this is gone, and its showtimes move.
    public var liveness: Duration = .seconds(3)

    public init(nodeID: String) {
        self.nodeID = nodeID
    }
}
