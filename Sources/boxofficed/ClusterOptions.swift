import ArgumentParser
import BoxOfficeCore
import BoxOfficeGuard
import BoxOfficeServer

/// `boxofficed serve`'s options for running as one node of a cluster on a shared PostgreSQL.
struct ClusterOptions: ParsableArguments {
    private static let defaults = ClusterSettings(nodeID: "")

    @Option(help: ArgumentHelp("""
        Run as a node of a cluster under this name (unique in the cluster, the same across restarts; needs \
        --database postgres://…). Each node decides the seats of the showtimes a rendezvous hash over the live nodes \
        gives it and forwards the other seat calls to their owners; without it the server decides every showtime alone.
        """, valueName: "name"))
    var nodeID: String?

    @Option(help: "Address of the peer listener, where the other nodes forward seat calls.")
    var peerHost = defaults.peerHost

    @Option(help: "Port of the peer listener (0 picks a free one).")
    var peerPort = defaults.peerPort

    @Option(help: ArgumentHelp(
        "HOST:PORT at which the other nodes reach the peer listener, when it is not --peer-host:--peer-port.", valueName: "host:port"))
    var advertisePeer: String?

    @Option(help: ArgumentHelp("""
        An address range allowed to connect to the peer listener (the cluster's nodes), e.g. 10.0.1.0/24; repeatable. \
        Calls from there skip the guard, so keep it to the nodes. Default: loopback only.
        """, valueName: "cidr"))
    var trustedPeers: [String] = []

    func validate() throws {
        if let nodeID {
            guard !nodeID.isEmpty, nodeID.count <= 64, nodeID.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ValidationError("--node-id must be 1 to 64 letters, digits, '-', '_' or '.'")
            }
        }
        guard (0...65_535).contains(peerPort) else { throw ValidationError("--peer-port must be 0...65535") }
        if let advertisePeer {
            guard HostPort(parsing: advertisePeer) != nil else { throw ValidationError("--advertise-peer must be HOST:PORT") }
        }
        _ = try peers()
    }

    /// The cluster settings, or nil without --node-id.
    func settings() throws -> ClusterSettings? {
        guard let nodeID else { return nil }
        var settings = ClusterSettings(nodeID: nodeID)
        settings.peerHost = peerHost
        settings.peerPort = peerPort
        settings.advertisedPeerAddress = advertisePeer
        settings.trustedPeers = try peers()
        return settings
    }

    private func peers() throws -> TrustedNetworks {
        do {
            return try TrustedNetworks(trustedPeers.isEmpty ? ["127.0.0.0/8", "::1"] : trustedPeers)
        } catch {
            throw ValidationError("--trusted-peers: \(error.message)")
        }
    }
}
