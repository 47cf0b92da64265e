import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeTesting
import Testing

@Suite("Holds over loopback", .timeLimit(.minutes(2)))
struct HoldCallTests {
    /// A signed-in client.
    private func signedIn(_ server: TestServer, _ email: String) async throws -> BoxOfficeConnection {
        let client = try await server.connect()
        client.authToken = try await client.signUp(.with { $0.email = email; $0.name = email; $0.password = "long enough" }).token
        return client
    }

    /// A showtime later than the test clock's now, so holds are open.
    private func laterShowtime(_ client: BoxOfficeConnection) async throws -> Boxoffice_V1_Showtime {
        let shows = try await client.searchShowtimes(.with {
            $0.near = .with { $0.zip = "60601" }
            $0.date = TestCatalogue.startDate.adding(days: 1).description
        })
        return try #require(shows.showtimes.first)
    }

    @Test func aHeldSeatIsHeldOnceShowsInTheSeatMapAndComesBackOnRelease() async throws {
        try await TestServer.withRunning { server, _ in
            let alice = try await signedIn(server, "alice@example.com")
            let bob = try await signedIn(server, "bob@example.com")
            let show = try await laterShowtime(alice)

            let hold = try await alice.call(.holdSeats(.with { $0.showtimeID = show.id; $0.seats = ["B3", "B4"] }))
            guard case .holdSeats(let held) = hold else { Issue.record("no hold in \(hold)"); return }
            #expect(held.seats == ["B3", "B4"])
            #expect(held.expiresAtMs == Int64(TestCatalogue.now.timeIntervalSince1970 * 1000) + 300_000)

            let clash = try await bob.send(.holdSeats(.with { $0.showtimeID = show.id; $0.seats = ["B4", "B5"] }))
            #expect(clash.status.code == .alreadyExists)
            #expect(clash.status.message.contains("B4"))

            let map = try await bob.seatMap(.with { $0.showtimeID = show.id })
            #expect(map.held == 2)
            #expect(map.screen.rows.flatMap(\.seats).filter { $0.state == .held }.map(\.label) == ["B3", "B4"])
            let listed = try await bob.searchShowtimes(.with { $0.theatreID = show.theatreID; $0.date = TestCatalogue.startDate.adding(days: 1).description; $0.pageSize = 100 })
            #expect(listed.showtimes.first { $0.id == show.id }?.seatsLeft == show.capacity - 2)

            // Bob cannot release Alice's hold; Alice can.
            let stolen = try await bob.send(.releaseHold(.with { $0.holdID = held.holdID }))
            #expect(stolen.status.code == .notFound)
            let released = try await alice.call(.releaseHold(.with { $0.holdID = held.holdID }))
            guard case .releaseHold(let answer) = released else { Issue.record("no release in \(released)"); return }
            #expect(answer.releasedSeats == ["B3", "B4"])
            let retry = try await bob.send(.holdSeats(.with { $0.showtimeID = show.id; $0.seats = ["B4", "B5"] }))
            #expect(retry.status.code == .ok)
            await alice.close()
            await bob.close()
        }
    }

    @Test func aHoldRetriedUnderItsIdempotencyKeyIsTheSameHoldUntilItEnds() async throws {
        try await TestServer.withRunning { server, _ in
            let alice = try await signedIn(server, "alice@example.com")
            let show = try await laterShowtime(alice)
            let keyed = BoxOfficeConnection.CallOptions(idempotencyKey: "alice-hold-1")
            let best = Boxoffice_V1_Request.OneOf_Call.holdSeats(.with { $0.showtimeID = show.id; $0.bestAvailable = .with { $0.count = 2 } })

            let first = try await alice.send(best, options: keyed)
            let again = try await alice.send(best, options: keyed)
            #expect(first.status.code == .ok)
            #expect(again.result == first.result, "the retry answers the same hold")
            let map = try await alice.seatMap(.with { $0.showtimeID = show.id })
            #expect(map.held == 2, "two seats held, not four")
            guard case .holdSeats(let held) = first.result else { Issue.record("no hold in \(first)"); return }

            _ = try await alice.call(.releaseHold(.with { $0.holdID = held.holdID }))
            let reused = try await alice.send(best, options: keyed)
            #expect(reused.status.code == .failedPrecondition)
            #expect(reused.status.message.contains("use a new idempotency key"))
            let fresh = try await alice.send(best, options: .init(idempotencyKey: "alice-hold-2"))
            #expect(fresh.status.code == .ok)
            await alice.close()
        }
    }

    @Test func holdsNeedAValidTokenAndAWellFormedRequest() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await signedIn(server, "carol@example.com")
            let show = try await laterShowtime(client)
            let anonymous = try await server.connect()
            let noToken = try await anonymous.send(.holdSeats(.with { $0.showtimeID = show.id; $0.seats = ["A1"] }))
            #expect(noToken.status.code == .unauthenticated)
            anonymous.authToken = client.authToken + "x"
            let forged = try await anonymous.send(.holdSeats(.with { $0.showtimeID = show.id; $0.seats = ["A1"] }))
            #expect(forged.status.code == .unauthenticated)

            let cases: [(Boxoffice_V1_HoldSeatsRequest, Boxoffice_V1_StatusCode)] = [
                (.with { $0.showtimeID = show.id }, .invalidArgument),
                (.with { $0.showtimeID = show.id; $0.seats = (1...11).map { "C\($0)" } }, .invalidArgument),
                (.with { $0.showtimeID = show.id; $0.bestAvailable = .with { $0.count = 0 } }, .invalidArgument),
                (.with { $0.showtimeID = 987_654_321; $0.seats = ["A1"] }, .notFound),
                (.with { $0.showtimeID = show.id; $0.seats = ["ZZ99"] }, .notFound),
                (.with { $0.showtimeID = -1; $0.seats = ["A1"] }, .invalidArgument),
            ]
            for (request, code) in cases {
                let answer = try await client.send(.holdSeats(request))
                #expect(answer.status.code == code, "\(request): \(answer.status)")
            }
            let best = try await client.call(.holdSeats(.with { $0.showtimeID = show.id; $0.bestAvailable = .with { $0.count = 4 } }))
            guard case .holdSeats(let held) = best else { Issue.record("no hold"); return }
            #expect(held.seats.count == 4)
            #expect(Set(held.seats.map { $0.prefix { $0.isLetter } }).count == 1)  // one row
            await client.close()
            await anonymous.close()
        }
    }
}
