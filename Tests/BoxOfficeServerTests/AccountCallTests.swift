@testable import BoxOfficeStore
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import Testing

@Suite("Accounts over loopback", .timeLimit(.minutes(2)))
struct AccountCallTests {
    @Test func signUpThenSignInWithAnyCaseOfTheEmail() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let created = try await client.signUp(.with { $0.email = "Ada@Example.com"; $0.name = "Ada"; $0.password = "analytical engine" })
            #expect(created.userID > 0)
            #expect(created.email == "ada@example.com")
            #expect(!created.token.isEmpty)
            #expect(created.expiresAtMs == Int64(TestCatalogue.now.timeIntervalSince1970 * 1000) + 24 * 3600 * 1000)
            let signedIn = try await client.signIn(.with { $0.email = "ADA@example.com"; $0.password = "analytical engine" })
            #expect(signedIn.userID == created.userID)
            #expect(signedIn.name == "Ada")
            await client.close()
        }
    }

    @Test func accountErrorsSayWhatIsWrongAndRevealNothing() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            _ = try await client.signUp(.with { $0.email = "grace@example.com"; $0.name = "Grace"; $0.password = "compilers!" })
            let cases: [(Boxoffice_V1_Request.OneOf_Call, BoxOfficeError.Code, String)] = [
                (.signUp(.with { $0.email = "GRACE@example.com"; $0.name = "G"; $0.password = "another one" }), .alreadyExists, "already exists"),
                (.signUp(.with { $0.email = "not-an-email"; $0.name = "X"; $0.password = "long enough" }), .invalidArgument, "not an email"),
                (.signUp(.with { $0.email = "x@example.com"; $0.name = "X"; $0.password = "short" }), .invalidArgument, "at least 8"),
                (.signUp(.with { $0.email = "x@example.com"; $0.name = ""; $0.password = "long enough" }), .invalidArgument, "name"),
                // Control characters are refused, naming the field, before anything is stored.
                (.signUp(.with { $0.email = "nul\u{0}@example.com"; $0.name = "N"; $0.password = "long enough" }), .invalidArgument,
                 "email must not contain control characters (it has U+0000)"),
                (.signUp(.with { $0.email = "bell@example.com"; $0.name = "Ring\u{7}"; $0.password = "long enough" }), .invalidArgument,
                 "name must not contain control characters (it has U+0007)"),
                (.signUp(.with { $0.email = "csi@example.com"; $0.name = "Esc\u{9B}2J"; $0.password = "long enough" }), .invalidArgument,
                 "name must not contain control characters (it has U+009B)"),
                (.signIn(.with { $0.email = "grace@example.com\u{0}"; $0.password = "compilers!" }), .invalidArgument, "email must not contain"),
                (.signIn(.with { $0.email = "grace@example.com"; $0.password = "wrong password" }), .unauthenticated, "email or the password is wrong"),
                (.signIn(.with { $0.email = "nobody@example.com"; $0.password = "compilers!" }), .unauthenticated, "email or the password is wrong"),
            ]
            for (call, code, text) in cases {
                let response = try await client.send(call)
                #expect(response.status.code.rawValue == code.rawValue, "\(call): \(response.status)")
                #expect(response.status.message.contains(text), "\(response.status.message)")
            }
            await client.close()
        }
    }

    @Test func theSigningSecretIsMadeOnceWithOwnerOnlyPermissions() throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = SigningSecret.defaultPath(forDatabase: directory.appendingPathComponent("boxoffice.sqlite").path)
        let first = try SigningSecret.loadOrCreate(at: path)
        let second = try SigningSecret.loadOrCreate(at: path)
        #expect(first.count == 32)
        #expect(first == second)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
    }

    @Test func passwordsNeverReachTheDatabaseFile() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            _ = try await client.signUp(.with { $0.email = "lin@example.com"; $0.name = "Lin"; $0.password = "plaintext-canary-7731" })
            await client.close()
            _ = try await server.store.dbPool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            for suffix in ["", "-wal"] {
                let bytes = FileManager.default.contents(atPath: server.databasePath + suffix) ?? Data()
                #expect(bytes.range(of: Data("plaintext-canary-7731".utf8)) == nil)
            }
        }
    }
}
