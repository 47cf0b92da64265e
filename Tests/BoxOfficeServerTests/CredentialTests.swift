import BoxOfficeBooking
import BoxOfficeGuard
@testable import BoxOfficeServer
import BoxOfficeCore
import Foundation
import Testing

@Suite("Passwords and tokens")
struct CredentialTests {
    @Test func passwordHashesAreSaltedAndVerify() throws {
        let hasher = PasswordHasher(rounds: 1000)
        let first = try hasher.hash("correct horse battery staple")
        let second = try hasher.hash("correct horse battery staple")
        #expect(first != second)  // a fresh salt each time
        #expect(!first.contains("correct"))
        #expect(hasher.verify("correct horse battery staple", against: first))
        #expect(!hasher.verify("correct horse battery stapler", against: first))
        #expect(!hasher.verify("anything", against: "pbkdf2-sha256$1000$garbage"))
        #expect(first.hasPrefix("pbkdf2-sha256$1000$"))
    }

    @Test func tokensCarryTheUserUntilTheyExpire() throws {
        let signer = TokenSigner(secret: Data(repeating: 7, count: 32), lifetime: .seconds(60))
        let (token, expires) = signer.issue(userID: 42, nowMilliseconds: 1_000_000)
        #expect(expires == 1_060_000)
        #expect(try signer.verify(token, nowMilliseconds: 1_059_999) == 42)
        #expect(throws: BoxOfficeError(.unauthenticated, "the auth token has expired: sign in again")) {
            try signer.verify(token, nowMilliseconds: 1_060_000)
        }
    }

    @Test(arguments: ["", "v1.42", "not a token", "v1.42.99999999999999.abc.AAAA"])
    func forgedOrMalformedTokensAreUnauthenticated(token: String) {
        let signer = TokenSigner(secret: Data(repeating: 7, count: 32))
        #expect { try signer.verify(token, nowMilliseconds: 0) } throws: { error in
            (error as? BoxOfficeError)?.code == .unauthenticated
        }
    }

    @Test func aTokenAlteredOrSignedWithAnotherSecretFails() throws {
        let signer = TokenSigner(secret: Data(repeating: 7, count: 32))
        let other = TokenSigner(secret: Data(repeating: 8, count: 32))
        let (token, _) = signer.issue(userID: 42, nowMilliseconds: 0)
        // Claim to be user 43 with user 42's signature.
        let altered = token.replacingOccurrences(of: "v1.42.", with: "v1.43.")
        for forged in [altered, other.issue(userID: 42, nowMilliseconds: 0).token] {
            #expect { try signer.verify(forged, nowMilliseconds: 1) } throws: { error in
                (error as? BoxOfficeError)?.message.contains("signature") == true
            }
        }
    }
}
