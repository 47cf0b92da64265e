/// Which node owns a showtime: rendezvous (highest-random-weight) hashing. Every node scores every
/// live node for the showtime and the highest score wins, so all nodes that agree on who is alive
/// agree on the owner without talking, and a node joining or leaving moves only the showtimes it
/// wins or held (about 1/N of them), never reshuffles the rest.
public enum RendezvousHash {
    /// The winner among `nodeIDs` for `showtimeID`; nil when there are none. Ties (astronomically
    /// unlikely) go to the smaller id, so the answer never depends on the order given.
    public static func owner<Nodes: Sequence<String>>(of showtimeID: Int64, among nodeIDs: Nodes) -> String? {
        var best: (id: String, score: UInt64)?
        for id in nodeIDs {
            let score = self.score(node: id, showtimeID: showtimeID)
            if let current = best, current.score > score || (current.score == score && current.id < id) { continue }
            best = (id, score)
        }
        return best?.id
    }

    /// A node's weight for a showtime: its name's FNV-1a hash combined with the showtime id, then
    /// mixed by SplitMix64's finaliser, so nearby ids and similar names score independently. The
    /// same on every machine and Swift release (Swift's own `Hasher` is seeded per process).
    public static func score(node id: String, showtimeID: Int64) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var z = hash ^ (UInt64(bitPattern: showtimeID) &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
