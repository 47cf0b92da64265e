public import BoxOfficeStore
import PostgresNIO

/// The cluster's `nodes` table: heartbeats stamped with the database server's clock.
extension PostgresStore: NodeRegistry {
    public func heartbeat(_ node: NodeRecord, liveWithin window: Int64) async throws -> [NodeRecord] {
        let rows = try await run("""
            WITH beat AS (
                INSERT INTO nodes (id, peer_address, heartbeat_at)
                VALUES (\(node.id), \(node.peerAddress), (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
                ON CONFLICT (id) DO UPDATE SET peer_address = excluded.peer_address, heartbeat_at = excluded.heartbeat_at
                RETURNING id, peer_address, heartbeat_at
            )
            SELECT id, peer_address FROM beat
            UNION ALL
            SELECT n.id, n.peer_address FROM nodes n, beat
            WHERE n.id <> beat.id AND n.heartbeat_at > beat.heartbeat_at - \(window)
            ORDER BY id
            """, logger: logger)
        return try await all(rows) { row in
            let (id, address) = try row.decode((String, String).self)
            return NodeRecord(id: id, peerAddress: address)
        }
    }

    public func liveNodes(within window: Int64) async throws -> [NodeRecord] {
        let rows = try await run("""
            SELECT id, peer_address FROM nodes
            WHERE heartbeat_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - \(window)
            ORDER BY id
            """, logger: logger)
        return try await all(rows) { row in
            let (id, address) = try row.decode((String, String).self)
            return NodeRecord(id: id, peerAddress: address)
        }
    }

    public func leave(nodeID: String) async throws {
        try await execute("DELETE FROM nodes WHERE id = \(nodeID)")
    }
}
