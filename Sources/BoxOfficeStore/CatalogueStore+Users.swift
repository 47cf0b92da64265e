import BoxOfficeCore
import GRDB

/// A token signed out before it expired: refused by every server until `expiresAt` (unix ms).
public struct RevokedToken: Sendable, Hashable {
    public var id: String
    public var expiresAt: Int64
    /// When it was signed out (unix ms), by the clock of the store that wrote it.
    public var revokedAt: Int64

    public init(id: String, expiresAt: Int64, revokedAt: Int64) {
        self.id = id
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// An account as stored: the password only as its salted slow hash.
public struct UserRecord: Sendable, Hashable {
    public var id: Int64
    public var email: String
    public var name: String
    public var passwordHash: String

    public init(id: Int64, email: String, name: String, passwordHash: String) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
    }
}

extension CatalogueStore {
    /// Creates an account; ALREADY_EXISTS when the email (case-insensitive) has one.
    public func createUser(email: String, name: String, passwordHash: String, createdAtMilliseconds: Int64) throws -> Int64 {
        do {
            return try dbPool.write { db in
                try db.execute(
                    sql: "INSERT INTO users (email, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [email, name, passwordHash, createdAtMilliseconds])
                return db.lastInsertedRowID
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw BoxOfficeError(.alreadyExists, "an account with the email \(email) already exists: sign in instead")
        }
    }

    /// The account with this email (case-insensitive), or nil.
    public func user(email: String) throws -> UserRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, email, name, password_hash FROM users WHERE email = ?", arguments: [email])
                .map { UserRecord(id: $0["id"], email: $0["email"], name: $0["name"], passwordHash: $0["password_hash"]) }
        }
    }
}

extension CatalogueStore {
    /// The account with this id, or nil.
    public func user(id: Int64) throws -> UserRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, email, name, password_hash FROM users WHERE id = ?", arguments: [id])
                .map { UserRecord(id: $0["id"], email: $0["email"], name: $0["name"], passwordHash: $0["password_hash"]) }
        }
    }

    /// Remembers that the token `tokenID` of `userID`, good until `expiresAt` (unix ms), was signed out.
    /// Tokens that have expired by `now` are forgotten in the same transaction: they fail anyway.
    public func revokeToken(id tokenID: String, userID: Int64, expiresAt: Int64, now: Int64) throws {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM revoked_tokens WHERE expires_at <= ?", arguments: [now])
            try db.execute(sql: """
                INSERT OR IGNORE INTO revoked_tokens (token_id, user_id, expires_at, revoked_at) VALUES (?, ?, ?, ?)
                """, arguments: [tokenID, userID, expiresAt, now])
        }
    }

    /// The tokens signed out at or after `since` that have not expired at `now` (unix ms).
    public func revokedTokens(since: Int64, now: Int64) throws -> [RevokedToken] {
        try dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT token_id, expires_at, revoked_at FROM revoked_tokens WHERE revoked_at >= ? AND expires_at > ?
                """, arguments: [since, now])
            .map { RevokedToken(id: $0[0], expiresAt: $0[1], revokedAt: $0[2]) }
        }
    }
}
