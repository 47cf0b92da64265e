import ArgumentParser
import BoxOfficeCluster
import BoxOfficeServer
import Logging

/// `boxofficed nodes`: the cluster as its nodes see it, from the database they share, for an
/// operator asking which nodes are up and which of them decides a showtime's seats.
struct NodesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "List a cluster's live nodes and, with --showtime, which of them decides each showtime's seats.",
        discussion: """
            Reads the nodes table of the cluster's PostgreSQL: a node is live while its last heartbeat is within \
            the liveness window, by the database's clock. The owners printed are those every node computes from \
            the same live nodes (a rendezvous hash); a node that just died still owns its showtimes until the \
            window has passed. Writes nothing.
            """)

    @Option(help: ArgumentHelp("The cluster's PostgreSQL database URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE).", valueName: "url"))
    var database: String

    @Option(help: ArgumentHelp("A showtime whose owner to print; repeatable.", valueName: "showtime-id"))
    var showtime: [Int64] = []

    @Option(help: "How recent a node's last heartbeat must be for it to count as live, in seconds (as the nodes' own window).")
    var livenessSeconds = Int(ClusterSettings(nodeID: "").liveness.components.seconds)

    func validate() throws {
        guard case .postgres = try DatabaseChoice(database) else {
            throw ValidationError("--database must be a postgres:// URL: only a cluster on PostgreSQL has nodes")
        }
        guard livenessSeconds > 0 else { throw ValidationError("--liveness-seconds must be positive") }
        guard showtime.allSatisfy({ $0 > 0 }) else { throw ValidationError("--showtime must be a positive showtime id") }
    }

    func run() async throws {
        guard case .postgres(let url) = try DatabaseChoice(database) else { return }
        var logger = Logger(label: "boxofficed.nodes")
        logger.logLevel = .warning
        let opened = try await OpenedPostgres.open(url, maximumConnections: 1, loadDemo: false, logger: logger)
        defer { opened.running.cancel() }
        let view = ClusterView(nodes: try await opened.store.liveNodes(within: Int64(livenessSeconds) * 1000))
        guard !view.nodes.isEmpty else {
            throw ValidationError("no node of \(url) has beaten within \(livenessSeconds) s: the cluster is down")
        }
        for node in view.nodes {
            print("\(node.id)  \(node.peerAddress)")
        }
        for id in showtime {
            print("showtime \(id): \(view.owner(of: id)?.id ?? "-")")
        }
    }
}
