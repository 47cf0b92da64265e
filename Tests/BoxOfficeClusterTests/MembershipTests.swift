import BoxOfficeCluster
import BoxOfficeCore
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import Testing

/// Heartbeats and views through a real `nodes` table on the test PostgreSQL.
@Suite(.enabled(if: TestPostgres.url != nil, "needs the test PostgreSQL"), .timeLimit(.minutes(1)))
struct MembershipTests {
    @Test func nodesSeeEachOtherAgreeOnOwnersAndALeaverIsGoneAtTheNextBeat() async throws {
        try await TestPostgres.withDatabase { store, _ in
            let clock = ManualClock()
            let a = ClusterMembership(nodeID: "node-a", registry: store, clock: clock)
            let b = ClusterMembership(nodeID: "node-b", registry: store, clock: clock)
            a.advertise(peerAddress: "127.0.0.1:7171")
            b.advertise(peerAddress: "127.0.0.1:7172")
            #expect(a.owner(of: 1) == nil, "no view before the first heartbeat")
            #expect(try await a.beat() == .changed(ClusterView(nodes: [NodeRecord(id: "node-a", peerAddress: "127.0.0.1:7171")])))
            let both = ClusterView(nodes: [NodeRecord(id: "node-a", peerAddress: "127.0.0.1:7171"),
                                           NodeRecord(id: "node-b", peerAddress: "127.0.0.1:7172")])
            #expect(try await b.beat() == .changed(both))
            #expect(try await a.beat() == .changed(both))
            #expect(try await a.beat() == .steady)
            var owned = 0
            for showtime in Int64(1)...200 {
                #expect(a.owner(of: showtime) == b.owner(of: showtime))
                #expect(a.owns(showtime) != b.owns(showtime))
                if a.owns(showtime) { owned += 1 }
            }
            #expect((60...140).contains(owned))
            try await b.leave()
            #expect(b.owner(of: 1) == nil, "a node that left owns nothing")
            #expect(try await a.beat() == .changed(ClusterView(nodes: [NodeRecord(id: "node-a", peerAddress: "127.0.0.1:7171")])))
            #expect((Int64(1)...200).allSatisfy { a.owns($0) })
        }
    }

    @Test func aNodeThatWentLongerThanTheLivenessWindowWithoutABeatOwnsNothingUntilItRejoins() async throws {
        try await TestPostgres.withDatabase { store, _ in
            let clock = ManualClock()
            let a = ClusterMembership(nodeID: "node-a", registry: store, clock: clock, liveness: .seconds(3))
            a.advertise(peerAddress: "127.0.0.1:7171")
            _ = try await a.beat()
            clock.advance(seconds: 2.9)
            #expect(a.owns(5))
            clock.advance(seconds: 0.2)
            // The others may count it gone by now: it must not decide anything on what it remembers.
            #expect(a.owner(of: 5) == nil)
            let round = try await a.beat()
            #expect(round == .rejoined(ClusterView(nodes: [NodeRecord(id: "node-a", peerAddress: "127.0.0.1:7171")])))
            #expect(a.owns(5))
        }
    }

    @Test func aNodeThatStopsBeatingLeavesTheOthersViewsAfterTheWindowByTheDatabasesClock() async throws {
        try await TestPostgres.withDatabase { store, _ in
            let clock = ManualClock()
            let window = Duration.milliseconds(300)
            let a = ClusterMembership(nodeID: "node-a", registry: store, clock: clock, liveness: window)
            let b = ClusterMembership(nodeID: "node-b", registry: store, clock: clock, liveness: window)
            a.advertise(peerAddress: "127.0.0.1:7171")
            b.advertise(peerAddress: "127.0.0.1:7172")
            _ = try await b.beat()
            #expect(try await a.beat() == .changed(ClusterView(nodes: [NodeRecord(id: "node-a", peerAddress: "127.0.0.1:7171"),
                                                                     NodeRecord(id: "node-b", peerAddress: "127.0.0.1:7172")])))
            // node-b is silent from here: node-a's beats see it go once the database's clock has
            // moved past the window (waited for as an event; the suite's limit bounds it).
            var view = a.view
            while view?.nodes.count != 1 {
                try await Task.sleep(for: .milliseconds(50))
                _ = try await a.beat()
                view = a.view
            }
            #expect(view?.nodes.map(\.id) == ["node-a"])
        }
    }
    @Test func boxofficedNodesListsTheLiveNodesAndTheOwnersTheyCompute() async throws {
        try await TestPostgres.withDatabase { store, url in
            let clock = ManualClock()
            let a = ClusterMembership(nodeID: "node-a", registry: store, clock: clock)
            let b = ClusterMembership(nodeID: "node-b", registry: store, clock: clock)
            a.advertise(peerAddress: "127.0.0.1:7171")
            b.advertise(peerAddress: "127.0.0.1:7172")
            _ = try await a.beat()
            _ = try await b.beat()
            _ = try await a.beat() // now node-a's view has node-b too
            let showtimes: [Int64] = [1, 2, 3, 4, 5, 6, 7, 8]
            let boxofficed = ServerProcess.buildDirectory.appendingPathComponent("boxofficed").path
            let listed = try await ChildProcess.run(
                boxofficed, ["nodes", "--database", url.connectionString] + showtimes.flatMap { ["--showtime", "\($0)"] })
            #expect(listed.status == 0, "\(listed.errors)")
            let expected = ["node-a  127.0.0.1:7171", "node-b  127.0.0.1:7172"]
                + showtimes.map { "showtime \($0): \(a.owner(of: $0)?.id ?? "?")" }
            #expect(listed.output.split(separator: "\n").map(String.init) == expected)
            // Both nodes own some of the eight: the listing is the hash's answer, not one name.
            #expect(Set(showtimes.compactMap { a.owner(of: $0)?.id }) == ["node-a", "node-b"])

            // The same command on a database whose nodes all stopped says the cluster is down.
            try await a.leave()
            try await b.leave()
            let down = try await ChildProcess.run(boxofficed, ["nodes", "--database", url.connectionString])
            #expect(down.status != 0)
            #expect(down.errors.contains("the cluster is down"))
        }
    }
}
