import BoxOfficeBooking
import BoxOfficeCluster
import Logging

/// The node's heartbeat rounds: write the heartbeat, read who is alive, and keep in the
/// allocator's memory only the showtimes this node owns.
///
/// Not a housekeeping service: those stop at the start of a graceful shutdown, and a node must
/// keep beating while it finishes its calls in flight, or the others would take its showtimes
/// over while it still decides them. The server stops it once it has drained, then leaves.
struct ClusterHeartbeat: Sendable {
    let membership: ClusterMembership
    let allocator: SeatAllocator
    let metrics: ServerMetrics
    let ticks: HousekeepingTicks
    let logger: Logger

    /// Rounds until cancelled. A failed round (the database away) is logged; the next one tries
    /// again, and if the gap grew past the liveness window it finds that out.
    func run() async {
        await ticks.forEachRound {
            do {
                try await round()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("cluster heartbeat failed", metadata: ["error": "\(error)"])
            }
        }
    }

    func round() async throws {
        let round = try await membership.beat()
        switch round {
        case .steady:
            break
        case .changed(let view):
            logger.notice("cluster nodes changed", metadata: ["boxoffice.nodes": "\(view.nodes.map(\.id).joined(separator: ","))"])
        case .rejoined(let view):
            // Others may have counted this node gone and sold its showtimes' seats meanwhile.
            metrics.clusterRejoined()
            logger.warning("no heartbeat for longer than the liveness window: dropping all seat memory", metadata: [
                "boxoffice.nodes": "\(view.nodes.map(\.id).joined(separator: ","))",
            ])
            await allocator.forget { _ in true }
        }
        // Every round, not only on a change: memory of showtimes this node does not own (loaded
        // to answer seat counts) lives one round at most, so those counts are at most that old.
        let membership = self.membership
        await allocator.forget { !membership.owns($0) }
        metrics.clusterRound(liveNodes: membership.view?.nodes.count ?? 0, showtimesInMemory: await allocator.showtimesInMemory)
    }
}
