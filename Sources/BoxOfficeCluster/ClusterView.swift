public import BoxOfficeStore

/// The nodes one node believes alive, from its last heartbeat: who owns each showtime. Two nodes
/// with the same view agree on every owner; views differ only for the moments after a node comes
/// or goes, and the database's checks keep seats right through those moments.
public struct ClusterView: Sendable, Hashable {
    /// Live nodes, by id.
    public let nodes: [NodeRecord]

    public init(nodes: [NodeRecord]) {
        self.nodes = nodes.sorted()
    }

    /// The node that decides `showtimeID`'s seats; nil in an empty view.
    public func owner(of showtimeID: Int64) -> NodeRecord? {
        guard let id = RendezvousHash.owner(of: showtimeID, among: nodes.lazy.map(\.id)) else { return nil }
        return nodes.first { $0.id == id }
    }
}
