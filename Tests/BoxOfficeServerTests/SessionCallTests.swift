import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import Testing

/// `SignOut` and `WhoAmI` over loopback.
@Suite("Sessions over loopback", .timeLimit(.minutes(2)))
struct SessionCallTests {
    @Test func whoAmISaysWhoseTokenItIsAndUntilWhen() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let session = try await client.signUp(.with { $0.email = "Who@Example.com"; $0.name = "Who Ever"; $0.password = "long enough" })
            client.authToken = session.token
            let account = try await client.whoAmI()
            #expect(account.userID == session.userID)
            #expect(account.name == "Who Ever")
            #expect(account.email == "who@example.com")
            #expect(account.tokenExpiresAtMs == session.expiresAtMs)
            client.authToken = ""
            #expect(try await client.send(.whoAmI(.init())).status.code == .unauthenticated)
            await client.close()
        }
    }

    @Test func aSignedOutTokenIsRefusedOnEveryConnectionWhileOtherSessionsGoOn() async throws {
        try await TestServer.withRunning { server, _ in
            let first = try await server.connect()
            let token = try await first.signUp(.with { $0.email = "out@example.com"; $0.name = "Out"; $0.password = "long enough" }).token
            first.authToken = token
            let second = try await server.connect()
            second.authToken = token
            let laptop = try await server.connect()
            laptop.authToken = try await laptop.signIn(.with { $0.email = "out@example.com"; $0.password = "long enough" }).token

            _ = try await first.signOut()
            for client in [first, second] {
                let refused = try await client.send(.whoAmI(.init()))
                #expect(refused.status.code == .unauthenticated)
                #expect(refused.status.message == "this token was signed out: sign in again")
                #expect(try await client.send(.listBookings(.init())).status.code == .unauthenticated)
            }
            // Another session of the same account is not signed out.
            #expect(try await laptop.whoAmI().email == "out@example.com")
            // Signing out twice is refused like any call with that token.
            #expect(try await first.send(.signOut(.init())).status.code == .unauthenticated)
            for client in [first, second, laptop] { await client.close() }
        }
    }

    @Test func aTokenSignedOutOnOneServerIsRefusedByAnotherOnTheSameDatabaseAfterItsNextRound() async throws {
        let secret = Data((0..<32).map { UInt8($0) })
        let sync = ManualTicks()
        let schedule = HousekeepingSchedule(holdReaper: .manual(ManualTicks()), keyExpiry: .manual(ManualTicks()),
                                            refundRetry: .manual(ManualTicks()), revocationSync: .manual(sync))
        try await TestServer.withRunning(configure: { $0.signingSecret = secret }) { first, _ in
            try await TestServer.withRunning(beside: first, configure: { $0.signingSecret = secret }, schedule: schedule) { second, _ in
                let here = try await first.connect(), there = try await second.connect()
                let token = try await here.signUp(.with { $0.email = "nodes@example.com"; $0.name = "N"; $0.password = "long enough" }).token
                (here.authToken, there.authToken) = (token, token)
                // One signing secret: the second server takes the first one's token.
                #expect(try await there.whoAmI().email == "nodes@example.com")
                _ = try await here.signOut()
                #expect(try await here.send(.whoAmI(.init())).status.code == .unauthenticated)
                await sync.runRound()
                let refused = try await there.send(.whoAmI(.init()))
                #expect(refused.status.code == .unauthenticated)
                #expect(refused.status.message == "this token was signed out: sign in again")
                // A round with nothing new keeps what it read.
                await sync.runRound()
                #expect(try await there.send(.whoAmI(.init())).status.code == .unauthenticated)
                await here.close()
                await there.close()
            }
        }
    }

    @Test func aSignedOutTokenStaysRefusedAfterARestart() async throws {
        // Two servers over one database file, one after the other, with one signing secret.
        let secret = Data((0..<32).map { UInt8($0) })
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try TestCatalogue.makeStore(in: directory)
        let token: String = try await TestServer.withRunning(database: database, configure: { $0.signingSecret = secret }) { server, _ in
            let client = try await server.connect()
            client.authToken = try await client.signUp(.with { $0.email = "restart@example.com"; $0.name = "R"; $0.password = "long enough" }).token
            _ = try await client.signOut()
            await client.close()
            return client.authToken
        }
        try await TestServer.withRunning(database: database, configure: { $0.signingSecret = secret }) { server, _ in
            let client = try await server.connect()
            client.authToken = token
            #expect(try await client.send(.whoAmI(.init())).status.code == .unauthenticated)
            client.authToken = try await client.signIn(.with { $0.email = "restart@example.com"; $0.password = "long enough" }).token
            #expect(try await client.whoAmI().email == "restart@example.com")
            await client.close()
        }
    }
}
