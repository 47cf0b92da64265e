import BoxOfficeBooking
import BoxOfficeClient
import BoxOfficeCluster
import BoxOfficeCore
import BoxOfficeGuard
import BoxOfficeProto
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import Testing

/// Two nodes of one cluster in this process, on one PostgreSQL database, each with its peer
/// listener on loopback and its heartbeat rounds driven by hand. Their clock is a hand-moved one, so
/// a node's view never goes stale on its own while a slow machine runs a test.
@Suite(.enabled(if: TestPostgres.url != nil, "needs the test PostgreSQL"), .timeLimit(.minutes(2)))
struct ClusterCallTests {
    static let secret = Data((0..<32).map { UInt8($0 &* 7) })

    /// Housekeeping by hand, so nothing runs unless a test says; the heartbeat's rounds through `beat`.
    static func schedule(_ beat: ManualTicks) -> HousekeepingSchedule {
        HousekeepingSchedule(holdReaper: .manual(ManualTicks()), keyExpiry: .manual(ManualTicks()), refundRetry: .manual(ManualTicks()),
                             paymentSweep: .manual(ManualTicks()), revocationSync: .manual(ManualTicks()), clusterHeartbeat: .manual(beat))
    }

    /// A cluster node's configuration: one signing key for all, its peer listener on a free loopback port.
    static func node(_ id: String, trusting trusted: [String] = ["127.0.0.0/8"]) -> (inout ServerConfiguration) -> Void {
        { configuration in
            configuration.signingSecret = secret
            var cluster = ClusterSettings(nodeID: id)
            cluster.peerPort = 0
            cluster.trustedPeers = try! TrustedNetworks(trusted)
            configuration.cluster = cluster
        }
    }

    /// Runs `body` with nodes "node-a" and "node-b" started one after the other, each having seen
    /// the other (a round on the first after the second joined).
    func withTwoNodes(trustedPeersOfA: [String] = ["127.0.0.0/8"],
                      _ body: (_ a: TestServer, _ b: TestServer) async throws -> Void) async throws {
        let beatA = ManualTicks()
        try await TestServer.withRunning(onPostgres: true, configure: Self.node("node-a", trusting: trustedPeersOfA),
                                         clock: ManualClock(), schedule: Self.schedule(beatA)) { a, _ in
            try await TestServer.withRunning(beside: a, configure: Self.node("node-b"), clock: ManualClock(),
                                             schedule: Self.schedule(ManualTicks())) { b, _ in
                await beatA.runRound()
                try await body(a, b)
            }
        }
    }

    /// A showtime of tomorrow near Chicago that `node` owns.
    func showtime(ownedBy node: String, client: BoxOfficeConnection) async throws -> Int64 {
        let shows = try await client.searchShowtimes(.with {
            $0.near = .with { $0.zip = "60601" }
            $0.date = TestCatalogue.startDate.adding(days: 1).description
            $0.pageSize = 100
        })
        return try #require(shows.showtimes.map(\.id).first { RendezvousHash.owner(of: $0, among: ["node-a", "node-b"]) == node })
    }

    func seatState(_ label: String, in map: Boxoffice_V1_SeatMap) -> Boxoffice_V1_SeatState? {
        map.screen.rows.lazy.flatMap(\.seats).first { $0.label == label }?.state
    }

    @Test func aSeatHeldThroughOneNodeIsTheOwnersWhicheverNodeIsAsked() async throws {
        try await withTwoNodes { a, b in
            let viaA = try await a.connect(), viaB = try await b.connect()
            viaA.authToken = try await viaA.signUp(.with { $0.email = "one@example.com"; $0.name = "One"; $0.password = "long enough" }).token
            viaB.authToken = try await viaB.signUp(.with { $0.email = "two@example.com"; $0.name = "Two"; $0.password = "long enough" }).token
            let show = try await showtime(ownedBy: "node-b", client: viaA)

            // Held through node-a: forwarded to node-b, the owner.
            let hold = try await viaA.holdSeats(.with { $0.showtimeID = show; $0.seats = ["E5", "E6"] })
            #expect(a.metric("boxoffice_calls_forwarded_total") == 1)
            // node-b decided it: asked directly, it refuses the same seat to someone else.
            let refused = try await viaB.send(.holdSeats(.with { $0.showtimeID = show; $0.seats = ["E6"] }))
            #expect(refused.status.code == .alreadyExists)
            #expect(refused.status.message.contains("taken"))
            // Both nodes' seat maps are the owner's: the seats are held.
            #expect(seatState("E5", in: try await viaA.seatMap(.with { $0.showtimeID = show })) == .held)
            #expect(seatState("E5", in: try await viaB.seatMap(.with { $0.showtimeID = show })) == .held)

            // Bought through node-a with a key, and the retry with that key through node-b finds the same booking.
            let request = Boxoffice_V1_PurchaseRequest.with {
                $0.holdID = hold.holdID
                $0.card = .with { $0.number = SimulatedPaymentProcessor.approvedCard; $0.expMonth = 12; $0.expYear = 30; $0.cvc = "123"; $0.zip = "60601" }
            }
            let booking = try await viaA.purchase(request, options: .init(idempotencyKey: "cluster-key-1"))
            viaB.authToken = viaA.authToken
            let again = try await viaB.purchase(request, options: .init(idempotencyKey: "cluster-key-1"))
            #expect(again.code == booking.code)
            #expect(seatState("E6", in: try await viaB.seatMap(.with { $0.showtimeID = show })) == .sold)

            // Cancelled through node-a (forwarded): the seats are free on the owner.
            _ = try await viaA.cancelBooking(.with { $0.code = booking.code })
            #expect(seatState("E6", in: try await viaB.seatMap(.with { $0.showtimeID = show })) == .available)
            await viaA.close()
            await viaB.close()
        }
    }

    @Test func aShowtimeOwnedHereIsAnsweredHereAndANodeThatLeftHandsItsShowtimesOver() async throws {
        let beatA = ManualTicks()
        try await TestServer.withRunning(onPostgres: true, configure: Self.node("node-a"), clock: ManualClock(),
                                         schedule: Self.schedule(beatA)) { a, _ in
            let viaA = try await a.connect()
            viaA.authToken = try await viaA.signUp(.with { $0.email = "own@example.com"; $0.name = "Own"; $0.password = "long enough" }).token
            let mine = try await showtime(ownedBy: "node-a", client: viaA)
            let theirs = try await showtime(ownedBy: "node-b", client: viaA)
            try await TestServer.withRunning(beside: a, configure: Self.node("node-b"), clock: ManualClock(),
                                             schedule: Self.schedule(ManualTicks())) { b, _ in
                await beatA.runRound()
                _ = try await viaA.holdSeats(.with { $0.showtimeID = mine; $0.seats = ["C3"] })
                #expect(a.metric("boxoffice_calls_forwarded_total") == 0, "a showtime of its own is decided where it is asked")
                _ = try await viaA.holdSeats(.with { $0.showtimeID = theirs; $0.seats = ["C3"] })
                #expect(a.metric("boxoffice_calls_forwarded_total") == 1)
                #expect(b.metric("boxoffice_cluster_nodes_live") == 2)
            }
            // node-b stopped and left the table: at node-a's next round its showtimes are node-a's,
            // loaded from the database with the hold node-b made.
            await beatA.runRound()
            #expect(a.metric("boxoffice_cluster_nodes_live") == 1)
            let refused = try await viaA.send(.holdSeats(.with { $0.showtimeID = theirs; $0.seats = ["C3"] }))
            #expect(refused.status.code == .alreadyExists, "node-b's hold came over with its showtime")
            _ = try await viaA.holdSeats(.with { $0.showtimeID = theirs; $0.seats = ["C4"] })
            #expect(a.metric("boxoffice_calls_forwarded_total") == 1)
            await viaA.close()
        }
    }

    @Test func aPeerListenerRefusesAddressesOutsideItsTrustedPeersAndTheCallIsUnavailable() async throws {
        // node-a trusts no loopback peer: node-b's forwards to it are closed on arrival.
        try await withTwoNodes(trustedPeersOfA: ["10.0.0.0/8"]) { a, b in
            let viaB = try await b.connect()
            viaB.authToken = try await viaB.signUp(.with { $0.email = "far@example.com"; $0.name = "Far"; $0.password = "long enough" }).token
            let show = try await showtime(ownedBy: "node-a", client: viaB)
            let answer = try await viaB.send(.holdSeats(.with { $0.showtimeID = show; $0.seats = ["D4"] }))
            #expect(answer.status.code == .unavailable)
            #expect(answer.status.retryAfterMs > 0)
            #expect(answer.status.message.contains("node-a"))
            // Nothing was held: node-a itself, asked directly, holds the seat.
            let viaA = try await a.connect()
            viaA.authToken = viaB.authToken
            _ = try await viaA.holdSeats(.with { $0.showtimeID = show; $0.seats = ["D4"] })
            await viaA.close()
            await viaB.close()
        }
    }

    /// Seats left in a search on a node that does not own the showtime come from a copy read from
    /// the database, dropped at that node's next heartbeat: at most a round old. The owner's are exact.
    @Test func seatsLeftOnAnotherNodeAreAtMostOneHeartbeatOld() async throws {
        let beatA = ManualTicks()
        try await TestServer.withRunning(onPostgres: true, configure: Self.node("node-a"), clock: ManualClock(),
                                         schedule: Self.schedule(beatA)) { a, _ in
            try await TestServer.withRunning(beside: a, configure: Self.node("node-b"), clock: ManualClock(),
                                             schedule: Self.schedule(ManualTicks())) { b, _ in
                await beatA.runRound()
                let viaA = try await a.connect(), viaB = try await b.connect()
                viaB.authToken = try await viaB.signUp(.with { $0.email = "count@example.com"; $0.name = "C"; $0.password = "long enough" }).token
                let show = try await showtime(ownedBy: "node-b", client: viaA)
                func seatsLeft(_ client: BoxOfficeConnection) async throws -> UInt32? {
                    let page = try await client.searchShowtimes(.with {
                        $0.near = .with { $0.zip = "60601" }
                        $0.date = TestCatalogue.startDate.adding(days: 1).description
                        $0.pageSize = 100
                    })
                    return page.showtimes.first { $0.id == show }?.seatsLeft
                }
                let before = try #require(try await seatsLeft(viaA))  // node-a now has a read-only copy
                _ = try await viaB.holdSeats(.with { $0.showtimeID = show; $0.seats = ["F1", "F2", "F3"] })
                #expect(try await seatsLeft(viaB) == before - 3, "the owner's count is exact at once")
                #expect(try await seatsLeft(viaA) == before, "node-a's copy predates the hold")
                await beatA.runRound()
                #expect(try await seatsLeft(viaA) == before - 3, "after node-a's next heartbeat its count is current")
                await viaA.close()
                await viaB.close()
            }
        }
    }
}
