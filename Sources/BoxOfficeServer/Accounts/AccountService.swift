import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import NIOPosix

/// `SignUp` and `SignIn`: accounts with slow password hashes and signed, expiring bearer tokens.
///
/// Hashing takes tens of milliseconds by design, so it runs on the thread pool, never on an event
/// loop. A wrong email and a wrong password get the same answer, so an attacker cannot learn
/// which emails have accounts.
final class AccountService: Sendable {
    private let store: CatalogueStore
    private let threadPool: NIOThreadPool
    private let hasher: PasswordHasher
    private let signer: TokenSigner
    private let clock: any TimeSource
    // Verified against when the email is unknown, so both failures take as long.
    private let decoyHash: String

    init(store: CatalogueStore, threadPool: NIOThreadPool, hasher: PasswordHasher, signer: TokenSigner, clock: any TimeSource) throws {
        self.store = store
        self.threadPool = threadPool
        self.hasher = hasher
        self.signer = signer
        self.clock = clock
        self.decoyHash = try hasher.hash("decoy password for unknown emails")
    }

    func signUp(_ request: Boxoffice_V1_SignUpRequest) async throws -> Boxoffice_V1_AuthSession {
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
        let (store, hasher, password, now) = (store, hasher, request.password, clock.nowMilliseconds)
        let userID = try await threadPool.runIfActive {
            try store.createUser(email: email, name: name, passwordHash: try hasher.hash(password), createdAtMilliseconds: now)
        }
        return session(userID: userID, name: name, email: email)
    }

    func signIn(_ request: Boxoffice_V1_SignInRequest) async throws -> Boxoffice_V1_AuthSession {
        let email = request.email.trimmingWhitespaceAndLowercased()
        let (store, hasher, password, decoy) = (store, hasher, request.password, decoyHash)
        let user: UserRecord? = try await threadPool.runIfActive {
            let user = try store.user(email: email)
            return hasher.verify(password, against: user?.passwordHash ?? decoy) ? user : nil
        }
        guard let user else {
            throw BoxOfficeError(.unauthenticated, "the email or the password is wrong")
        }
        return session(userID: user.id, name: user.name, email: user.email)
    }

    /// The user a call's token names; UNAUTHENTICATED when it is missing, forged or expired.
    func authenticate(_ context: CallContext) throws -> Int64 {
        if let userID = context.userID { return userID }
        return try signer.verify(context.authToken, nowMilliseconds: clock.nowMilliseconds)
    }

    /// The user of a valid token, else nil: who the guard counts a call against.
    func verifiedUser(_ token: String) -> Int64? {
        guard !token.isEmpty else { return nil }
        return try? signer.verify(token, nowMilliseconds: clock.nowMilliseconds)
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
