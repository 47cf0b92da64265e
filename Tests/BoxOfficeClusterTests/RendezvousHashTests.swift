import BoxOfficeCluster
import BoxOfficeStore
import Testing

@Suite struct RendezvousHashTests {
    let showtimes = Int64(1)...30_000

    @Test func everyNodeOwnsAboutItsShareAndTheAnswerIgnoresOrder() {
        let nodes = ["node-a", "node-b", "node-c"]
        var owned: [String: Int] = [:]
        for showtime in showtimes {
            let owner = RendezvousHash.owner(of: showtime, among: nodes)
            #expect(owner == RendezvousHash.owner(of: showtime, among: nodes.reversed()))
            owned[owner ?? "none", default: 0] += 1
        }
        // 10,000 each; within 3 % (the binomial spread is about 0.8 %).
        for node in nodes { #expect((9_700...10_300).contains(owned[node] ?? 0), "\(node) owns \(owned[node] ?? 0)") }
    }

    @Test func aNodeLeavingMovesOnlyItsOwnShowtimes() {
        let before = ["node-a", "node-b", "node-c"], after = ["node-a", "node-c"]
        var moved = 0
        for showtime in showtimes {
            let was = RendezvousHash.owner(of: showtime, among: before), now = RendezvousHash.owner(of: showtime, among: after)
            if was != "node-b" { #expect(was == now) } else { moved += 1 }
        }
        #expect((9_700...10_300).contains(moved))
    }

    @Test func aNodeJoiningTakesAboutAQuarterFromEachOfTheOthers() {
        let before = ["node-a", "node-b", "node-c"], after = before + ["node-d"]
        var taken = 0
        for showtime in showtimes {
            let now = RendezvousHash.owner(of: showtime, among: after)
            if now == "node-d" { taken += 1 } else { #expect(now == RendezvousHash.owner(of: showtime, among: before)) }
        }
        #expect((7_200...7_800).contains(taken))
    }

    @Test func scoresAreFixedAcrossProcessesAndReleases() {
        // Every node must compute the same owner: the score may not depend on a per-process seed.
        // These values were computed independently (FNV-1a, then SplitMix64's finaliser, in Python).
        #expect(RendezvousHash.score(node: "", showtimeID: 0) == 0xF52A_15E9_A9B5_E89B)
        #expect(RendezvousHash.score(node: "node-a", showtimeID: 42) == 0x783D_A1CD_AF90_0632)
        #expect(RendezvousHash.owner(of: 1, among: [String]()) == nil)
    }

    @Test func aViewNamesTheOwnersRecord() {
        let view = ClusterView(nodes: [NodeRecord(id: "b", peerAddress: "127.0.0.1:2"), NodeRecord(id: "a", peerAddress: "127.0.0.1:1")])
        #expect(view.nodes.map(\.id) == ["a", "b"])
        let owner = view.owner(of: 7)
        #expect(owner?.id == RendezvousHash.owner(of: 7, among: ["a", "b"]))
        #expect(ClusterView(nodes: []).owner(of: 7) == nil)
    }
}
