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

    /// Where the secret of the database at `databasePath` lives when no file is named.
    public static func defaultPath(forDatabase databasePath: String) -> String {
        databasePath + ".secret"
    }
}
