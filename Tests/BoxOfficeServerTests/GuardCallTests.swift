import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import NIOCore
import Testing

/// The guard in front of a real server on loopback, with loopback not trusted and a hand-moved clock.
@Suite("Guard over loopback", .timeLimit(.minutes(2)))
struct GuardCallTests {
    @Test func reconnectingDoesNotResetALimitAndTheRetryIsHonoured() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(configure: { $0.trustedNetworks = TrustedNetworks() }, clock: clock) { server, _ in
            var client = try await server.connect()
            let search = Boxoffice_V1_Request.OneOf_Call.searchTheatres(.with { $0.near = .with { $0.zip = "60601" } })
            for _ in 0..<40 { #expect(try await client.send(search).status.code == .ok) }
            let refused = try await client.send(search)
            #expect(refused.status.code == .resourceExhausted)
            #expect(refused.status.retryAfterMs == 50)
            #expect(refused.status.message.contains("search"))
            // A new connection is the same address: still refused.
            await client.close()
            client = try await server.connect()
            #expect(try await client.send(search).status.code == .resourceExhausted)
            clock.advance(seconds: 0.050)
            #expect(try await client.send(search).status.code == .ok)
            await client.close()
        }
    }

    @Test func aWallClockStepNeitherRefillsNorDrainsABucket() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(configure: { $0.trustedNetworks = TrustedNetworks() }, clock: clock) { server, _ in
            let client = try await server.connect()
            let search = Boxoffice_V1_Request.OneOf_Call.searchTheatres(.with { $0.near = .with { $0.zip = "60601" } })
            for _ in 0..<40 { #expect(try await client.send(search).status.code == .ok) }
            #expect(try await client.send(search).status.code == .resourceExhausted)
            // NTP moves the wall an hour ahead: limits are measured on the monotonic clock, so still refused.
            clock.stepWallClock(seconds: 3600)
            let refused = try await client.send(search)
            #expect(refused.status.code == .resourceExhausted)
            #expect(refused.status.retryAfterMs == 50)
            // And an hour back does not push the refill an hour away.
            clock.stepWallClock(seconds: -7200)
            clock.advance(seconds: 0.050)
            #expect(try await client.send(search).status.code == .ok)
            await client.close()
        }
    }

    @Test func aScraperIsBlockedAsAutomatedAndServedAgainAfterTheCooldown() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(configure: { $0.trustedNetworks = TrustedNetworks() }, clock: clock) { server, _ in
            let client = try await server.connect()
            client.authToken = try await client.signUp(.with { $0.email = "bot@example.com"; $0.name = "Bot"; $0.password = "long enough" }).token
            let shows = try await client.searchShowtimes(.with { $0.near = .with { $0.zip = "60601" }; $0.pageSize = 100 })
            try #require(shows.showtimes.count >= 40)
            var denied: Boxoffice_V1_Status?
            for show in shows.showtimes.prefix(40) where denied == nil {
                clock.advance(seconds: 0.25)  // within the seat-map rate limit: the guard, not the limiter, must stop it
                let answer = try await client.send(.getSeatMap(.with { $0.showtimeID = show.id }))
                if answer.status.code != .ok { denied = answer.status }
            }
            let status = try #require(denied)
            #expect(status.code == .permissionDenied)
            #expect(status.message.contains("automated"))
            #expect(status.message.contains("seat-map-scraping"))
            #expect(status.retryAfterMs > 0)
            // Every call is refused during the cool-down, searches too.
            #expect(try await client.send(.getInfo(.init())).status.code == .permissionDenied)
            clock.advance(seconds: Double(status.retryAfterMs) / 1000)
            #expect(try await client.send(.getInfo(.init())).status.code == .ok)
            await client.close()
        }
    }

    @Test func trustedAddressesAreNotLimited() async throws {
        try await TestServer.withRunning { server, _ in  // TestServer trusts loopback
            let client = try await server.connect()
            for _ in 0..<100 { #expect(try await client.send(.getInfo(.init())).status.code == .ok) }
            await client.close()
        }
    }

    @Test func connectionsOverTheCapsAreRefusedAndClosed() async throws {
        try await TestServer.withRunning(configure: {
            $0.trustedNetworks = TrustedNetworks()
            $0.maxConnectionsPerAddress = 3
        }) { server, _ in
            var open: [BoxOfficeConnection] = []
            for _ in 0..<3 {
                let client = try await server.connect()
                #expect(try await client.send(.getInfo(.init())).status.code == .ok)
                open.append(client)
            }
            let refused = try await RawConnection.connect(host: server.host, port: server.port)
            let answer = try await refused.withStreams { inbound, _ in
                var frames: [ByteBuffer] = []
                for try await frame in inbound { frames.append(frame) }  // ends when the server closes
                return frames
            }
            #expect(answer.count == 1)
            let response = try Boxoffice_V1_Response(serializedBytes: Array(buffer: try #require(answer.first)))
            #expect(response.callID == 0)
            #expect(response.status.code == .resourceExhausted)
            #expect(response.status.message.contains("maximum of 3 connections"))
            // Closing one makes room for another.
            await open.removeLast().close()
            // The server counts a connection out once it has seen it close; until then a new one is
            // refused. Waiting on that, not on a time (the suite's limit bounds it).
            var again = try await server.connect()
            while (try? await again.send(.getInfo(.init())).status.code) != .ok {
                await again.close()
                try await Task.sleep(for: .milliseconds(20))
                again = try await server.connect()
            }
            for client in open + [again] { await client.close() }
        }
    }

    @Test func infoShowsTheLimits() async throws {
        try await TestServer.withRunning(configure: { $0.rateLimits?[.search] = RateLimit(count: 50, per: 1, burst: 80) }) { server, _ in
            let client = try await server.connect()
            let limits = try await client.getInfo().limits
            #expect(limits.rateLimits.map(\.callClass) == ["search", "seat-map", "hold", "purchase", "account", "review"])
            #expect(limits.rateLimits.first?.count == 50 && limits.rateLimits.first?.burst == 80)
            #expect(limits.rateLimits.last?.periodSeconds == 3600)
            #expect(limits.maxConnections == 10_000 && limits.maxConnectionsPerAddress == 64)
            #expect(limits.botBlockThreshold == 100)
            await client.close()
        }
    }
}
