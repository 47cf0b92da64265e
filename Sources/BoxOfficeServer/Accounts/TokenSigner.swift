import BoxOfficeCore
import Crypto
import Foundation

/// Bearer tokens: `v1.USER.EXPIRES_MS.NONCE.SIGNATURE`, the signature an HMAC-SHA256 over the
/// rest with the server's secret. Nothing is stored per token; a forged, altered or expired one
/// fails verification as UNAUTHENTICATED.
struct TokenSigner: Sendable {
    /// How long a token is good for.
    static let defaultLifetime: Duration = .seconds(24 * 3600)

    private let key: SymmetricKey
    let lifetime: Duration

    init(secret: Data, lifetime: Duration = TokenSigner.defaultLifetime) {
        self.key = SymmetricKey(data: secret)
        self.lifetime = lifetime
    }

    /// A token for `userID`, valid from `nowMilliseconds` for `lifetime`.
    func issue(userID: Int64, nowMilliseconds: Int64) -> (token: String, expiresAtMilliseconds: Int64) {
        let expires = nowMilliseconds + lifetime.components.seconds * 1000
        var generator = SystemRandomNumberGenerator()
        let nonce = String(UInt64.random(in: .min ... .max, using: &generator), radix: 36)
        let body = "v1.\(userID).\(expires).\(nonce)"
        return ("\(body).\(signature(of: body))", expires)
    }

    /// The user a valid, unexpired token names.
    func verify(_ token: String, nowMilliseconds: Int64) throws(BoxOfficeError) -> Int64 {
        guard !token.isEmpty else {
            throw BoxOfficeError(.unauthenticated, "sign in first: this call needs an auth token")
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "v1", let userID = Int64(parts[1]), let expires = Int64(parts[2]),
              let presented = Data(base64URLEncoded: String(parts[4]))
        else {
            throw BoxOfficeError(.unauthenticated, "the auth token is malformed: sign in again")
        }
        let body = parts[0..<4].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(presented, authenticating: Data(body.utf8), using: key) else {
            throw BoxOfficeError(.unauthenticated, "the auth token's signature is not valid: sign in again")
        }
        guard nowMilliseconds < expires else {
            throw BoxOfficeError(.unauthenticated, "the auth token has expired: sign in again")
        }
        return userID
    }

    private func signature(of body: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)).base64URLEncodedString()
    }
}

extension Data {
    /// Base64 with the URL alphabet and no padding (RFC 4648 §5).
    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
