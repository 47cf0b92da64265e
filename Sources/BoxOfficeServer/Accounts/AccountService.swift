import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import Synchronization

/// `SignUp`, `SignIn`, `SignOut` and `WhoAmI`: accounts with slow password hashes and signed,
/// expiring bearer tokens, and the tokens signed out before they expired.
///
/// Hashing takes tens of milliseconds by design, so it runs on the blocking pool, never on an
/// event loop or the cooperative pool. A wrong email and a wrong password get the same answer, so an attacker cannot learn
/// which emails have accounts.
final class AccountService: Sendable {
    private let store: any AccountStore
    private let pool: BlockingPool
    private let hasher: PasswordHasher
    private let signer: TokenSigner
    private let clock: any TimeSource
    // Verified against when the email is unknown, so both failures take as long.
    private let decoyHash: String
    /// Signed-out tokens, checked on every authenticated call without a database read. The store
    /// keeps them for restarts and for the other servers on the same database;
    /// `refreshRevokedTokens()` reads them in at start and every round after.
    private let revoked = Mutex(Revocations())

    /// The signed-out tokens this server refuses, and how far it has read the store's.
    private struct Revocations {
        /// Token id → when it would have expired anyway (unix ms): forgotten after that.
        var expiries: [String: Int64] = [:]
        /// The latest sign-out time read from the store, by the store's clock.
        var newestRead: Int64?
    }

    /// How far before the latest sign-out already read each round reads again: a sign-out whose
    /// transaction committed after a later one's (by this much at most) is still seen.
    static let revocationOverlapMilliseconds: Int64 = 60_000

    init(store: any AccountStore, pool: BlockingPool, hasher: PasswordHasher, signer: TokenSigner, clock: any TimeSource) throws {
        self.store = store
        self.pool = pool
        self.hasher = hasher
        self.signer = signer
        self.clock = clock
        self.decoyHash = try hasher.hash("decoy password for unknown emails")
    }

    func signUp(_ request: Boxoffice_V1_SignUpRequest) async throws -> Boxoffice_V1_AuthSession {
        try TextInput.refuseControlCharacters(in: request.email, field: "email")
        try TextInput.refuseControlCharacters(in: request.name, field: "name")
        let email = request.email.trimmingWhitespaceAndLowercased()
        let name = request.name.trimmingWhitespaceAndLowercased(lowercase: false)
        guard email.count <= 254, let at = email.firstIndex(of: "@"), at != email.startIndex,
              email[email.index(after: at)...].contains(".")
        else { throw BoxOfficeError.invalidArgument("email \"\(request.email)\" is not an email address") }
        guard (1...100).contains(name.count) else {
            throw BoxOfficeError.invalidArgument("name must have 1 to 100 characters")
        }
        guard (8...1024).contains(request.password.count) else {
            throw BoxOfficeError.invalidArgument("password must have at least 8 characters")
        }
        let (hasher, password) = (hasher, request.password)
        let hash = try await pool.run { try hasher.hash(password) }
        let userID = try await store.createUser(email: email, name: name, passwordHash: hash, createdAtMilliseconds: clock.nowMilliseconds)
        return session(userID: userID, name: name, email: email)
    }

    func signIn(_ request: Boxoffice_V1_SignInRequest) async throws -> Boxoffice_V1_AuthSession {
        try TextInput.refuseControlCharacters(in: request.email, field: "email")
        let email = request.email.trimmingWhitespaceAndLowercased()
        let found = try await store.user(email: email)
        let (hasher, password, stored) = (hasher, request.password, found?.passwordHash ?? decoyHash)
        let matches = try await pool.run { hasher.verify(password, against: stored) }
        guard let user = found, matches else {
            throw BoxOfficeError(.unauthenticated, "the email or the password is wrong")
        }
        return session(userID: user.id, name: user.name, email: user.email)
    }

    /// Ends the session of the call's token everywhere: it is remembered as signed out (in the
    /// store, then here) until it would have expired anyway.
    func signOut(context: CallContext) async throws -> Boxoffice_V1_SignOutResponse {
        let claims = try verifiedClaims(context.authToken)
        let now = clock.nowMilliseconds
        try await store.revokeToken(id: claims.id, userID: claims.userID, expiresAt: claims.expiresAtMilliseconds, now: now)
        revoked.withLock { $0.expiries[claims.id] = claims.expiresAtMilliseconds }
        return .init()
    }

    /// The account of the call's token.
    func whoAmI(context: CallContext) async throws -> Boxoffice_V1_Account {
        let claims = try verifiedClaims(context.authToken)
        guard let user = try await store.user(id: claims.userID) else {
            throw BoxOfficeError(.unauthenticated, "the account of this token no longer exists: sign up again")
        }
        return .with {
            $0.userID = user.id
            $0.name = user.name
            $0.email = user.email
            $0.tokenExpiresAtMs = claims.expiresAtMilliseconds
        }
    }

    /// Reads in the sign-outs this server has not seen (all of them at start; then those of the
    /// other servers on the same database, each round) and forgets those past their expiry.
    func refreshRevokedTokens() async throws {
        let now = clock.nowMilliseconds
        let since = revoked.withLock { $0.newestRead.map { $0 - Self.revocationOverlapMilliseconds } ?? 0 }
        let tokens = try await store.revokedTokens(since: since, now: now)
        revoked.withLock { revoked in
            for token in tokens {
                revoked.expiries[token.id] = token.expiresAt
                revoked.newestRead = max(revoked.newestRead ?? token.revokedAt, token.revokedAt)
            }
            revoked.expiries = revoked.expiries.filter { $0.value > now }
        }
    }

    /// The user a call's token names; UNAUTHENTICATED when it is missing, forged, expired or signed out.
    func authenticate(_ context: CallContext) throws -> Int64 {
        if let userID = context.userID { return userID }
        return try verifiedClaims(context.authToken).userID
    }

    /// The user of a valid token, else nil: who the guard counts a call against.
    func verifiedUser(_ token: String) -> Int64? {
        guard !token.isEmpty else { return nil }
        return try? verifiedClaims(token).userID
    }

    private func verifiedClaims(_ token: String) throws(BoxOfficeError) -> TokenClaims {
        let claims = try signer.claims(of: token, nowMilliseconds: clock.nowMilliseconds)
        guard revoked.withLock({ $0.expiries[claims.id] == nil }) else {
            throw BoxOfficeError(.unauthenticated, "this token was signed out: sign in again")
        }
        return claims
    }

    private func session(userID: Int64, name: String, email: String) -> Boxoffice_V1_AuthSession {
        let (token, expires) = signer.issue(userID: userID, nowMilliseconds: clock.nowMilliseconds)
        return .with {
            $0.token = token
            $0.userID = userID
            $0.name = name
            $0.email = email
            $0.expiresAtMs = expires
        }
    }
}

extension String {
    fileprivate func trimmingWhitespaceAndLowercased(lowercase: Bool = true) -> String {
        let trimmed = String(self.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        return lowercase ? trimmed.lowercased() : trimmed
    }
}
