import BoxOfficeCore
public import Foundation

/// The key that signs bearer tokens: read from a file, or made once beside the database with
/// mode 0600 so tokens stay valid across restarts.
public enum SigningSecret {
    /// The secret in `path`, creating it (32 random bytes, mode 0600) when the file does not exist.
    public static func loadOrCreate(at path: String) throws -> Data {
        if let existing = FileManager.default.contents(atPath: path) {
            guard existing.count >= 32 else {
                throw BoxOfficeError(.failedPrecondition, "the signing secret \(path) is shorter than 32 bytes")
            }
            return existing
        }
        var generator = SystemRandomNumberGenerator()
        let secret = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        guard FileManager.default.createFile(atPath: path, contents: secret, attributes: [.posixPermissions: 0o600]) else {
            throw BoxOfficeError(.failedPrecondition, "cannot create the signing secret \(path)")
        }
        return secret
    }

    /// The key several nodes share: from `file` (which must exist: a key made up by one node would
    /// not be the others'), else from BOXOFFICE_SIGNING_SECRET (base64 of at least 32 bytes).
    /// Rotating it signs everyone out: give every node the new key and restart them.
    public static func shared(file: String?, environment: [String: String]) throws -> Data {
        if let file {
            guard let existing = FileManager.default.contents(atPath: file) else {
                throw BoxOfficeError(.failedPrecondition, "the signing secret \(file) does not exist: make it once "
                                     + "(head -c 32 /dev/urandom > \(file); chmod 600 \(file)) and give the same file to every node")
            }
            guard existing.count >= 32 else {
                throw BoxOfficeError(.failedPrecondition, "the signing secret \(file) is shorter than 32 bytes")
            }
            return existing
        }
        if let text = environment["BOXOFFICE_SIGNING_SECRET"] {
            guard let key = Data(base64Encoded: text), key.count >= 32 else {
                throw BoxOfficeError(.failedPrecondition, "BOXOFFICE_SIGNING_SECRET must be base64 of at least 32 bytes")
            }
            return key
        }
        throw BoxOfficeError(.failedPrecondition, "with PostgreSQL, give --secret-file FILE (the same file on every node) "
                             + "or set BOXOFFICE_SIGNING_SECRET, so every node accepts the others' tokens")
    }

    /// Where the secret of the database at `databasePath` lives when no file is named.
    public static func defaultPath(forDatabase databasePath: String) -> String {
        databasePath + ".secret"
    }
}
