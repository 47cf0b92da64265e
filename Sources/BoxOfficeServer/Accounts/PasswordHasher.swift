import CryptoExtras
import Foundation

/// Salted, slow password hashes (PBKDF2-HMAC-SHA256), stored as
/// `pbkdf2-sha256$ROUNDS$SALT$HASH` with base64 fields, so the rounds can grow without a migration.
public struct PasswordHasher: Sendable {
    /// OWASP's 2023 floor for PBKDF2-HMAC-SHA256.
    public static let defaultRounds = 600_000

    var rounds: Int

    init(rounds: Int = PasswordHasher.defaultRounds) {
        self.rounds = rounds
    }

    /// A new hash of `password` with a fresh random salt.
    func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let derived = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// Whether `password` matches `stored`; false for any malformed stored value.
    func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let derived = try? derive(password, salt: Array(salt), rounds: rounds)
        else { return false }
        return constantTimeEqual(derived, expected)
    }

    private func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}

/// Compares without an early exit, so timing does not tell how much of a secret matched.
func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
