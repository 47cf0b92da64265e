import BoxOfficeCore
import Crypto
import Foundation

/// What a valid token says: whose it is, until when, and its id (the random nonce, which a
/// sign-out revokes).
struct TokenClaims: Sendable, Hashable {
    var userID: Int64
    var expiresAtMilliseconds: Int64
    var id: String
}

/// Bearer tokens: `v1.USER.EXPIRES_MS.NONCE.SIGNATURE`, the signature an HMAC-SHA256 over the
/// rest with the server's secret. Nothing is stored per token but a sign-out; a forged, altered or
/// expired one fails verification as UNAUTHENTICATED.
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
        let expires = nowMilliseconds + Milliseconds.of(lifetime)
        var generator = SystemRandomNumberGenerator()
        let nonce = String(UInt64.random(in: .min ... .max, using: &generator), radix: 36)
        let body = "v1.\(userID).\(expires).\(nonce)"
        return ("\(body).\(signature(of: body))", expires)
    }

    /// The user a valid, unexpired token names.
    func verify(_ token: String, nowMilliseconds: Int64) throws(BoxOfficeError) -> Int64 {
        try claims(of: token, nowMilliseconds: nowMilliseconds).userID
    }

    /// What a valid, unexpired token says.
    func claims(of token: String, nowMilliseconds: Int64) throws(BoxOfficeError) -> TokenClaims {
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
        return TokenClaims(userID: userID, expiresAtMilliseconds: expires, id: String(parts[3]))
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

    /// Decodes unpadded base64url in one pass over the bytes: tokens are checked on every booking
    /// call, and going through Foundation's string replacing cost more than the HMAC itself.
    init?(base64URLEncoded text: String) {
        var bytes = Data()
        bytes.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero padding of fewer than 6 bits, as an encoder writes them.
        guard bits < 6, buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        self = bytes
    }
}
