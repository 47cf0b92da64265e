import ArgumentParser
import BoxOfficeCore
import BoxOfficeProto
import Foundation

private func describe(_ session: Boxoffice_V1_AuthSession, verb: String, file: TokenFile) -> String {
    // A token has no theatre, so its expiry is in this machine's zone.
    let expires = HumanTime.expiry(ms: session.expiresAtMs, zone: nil, nowMs: HumanTime.nowMs)
    return "\(verb) as \(session.name) <\(session.email)> (user \(session.userID)); token saved to \(file.path), valid until \(expires)\n"
}

struct SignUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signup", abstract: "Create an account and keep its token for later commands.",
        discussion: """
            The password (at least 8 characters) is asked for without echo on a terminal, or read as one \
            line of standard input; it is never an argument, so it stays out of `ps` and shell history.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Email address; one account per address.")
    var email: String

    @Option(help: "Your name, as it appears on bookings.")
    var name: String

    func run() async throws {
        let secret = try SecretInput.password(prompt: "Choose a password (at least 8 characters): ")
        let request = Boxoffice_V1_SignUpRequest.with {
            $0.email = email
            $0.name = name
            $0.password = secret
        }
        let session = try await connection.withClient { try await $0.signUp(request, options: connection.callOptions) }
        let file = try connection.tokenFile()
        try file.save(session.token)
        try connection.output(session) { describe(session, verb: "signed up", file: file) }
    }
}

struct SignInCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signin", abstract: "Sign in and keep the token for later commands.",
        discussion: """
            The password is asked for without echo on a terminal, or read as one line of standard input; \
            it is never an argument.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Email address of the account.")
    var email: String

    func run() async throws {
        let secret = try SecretInput.password()
        let request = Boxoffice_V1_SignInRequest.with {
            $0.email = email
            $0.password = secret
        }
        let session = try await connection.withClient { try await $0.signIn(request, options: connection.callOptions) }
        let file = try connection.tokenFile()
        try file.save(session.token)
        try connection.output(session) { describe(session, verb: "signed in", file: file) }
    }
}

struct SignOutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signout", abstract: "Sign out: the server refuses this token from now on, and it is deleted here.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let file = try connection.tokenFile()
        guard !file.load().isEmpty else {
            throw ValidationError("not signed in to \(try connection.endpoint().host):\(try connection.endpoint().port): nothing to sign out")
        }
        do {
            let answer = try await connection.withClient { try await $0.signOut(options: connection.callOptions) }
            try file.remove()
            try connection.output(answer) { "signed out; the token is revoked and \(file.path) is deleted\n" }
        } catch let error as BoxOfficeError where error.code == .unauthenticated {
            // Expired or already revoked: it is of no use to anyone, so forget it too.
            try file.remove()
            throw BoxOfficeError(.unauthenticated, "\(error.message) (the stale token at \(file.path) is deleted)")
        }
    }
}

struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show which account this server's saved token signs in as, and until when.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let account = try await connection.withClient { try await $0.whoAmI(options: connection.callOptions) }
        try connection.output(account) {
            let expires = HumanTime.expiry(ms: account.tokenExpiresAtMs, zone: nil, nowMs: HumanTime.nowMs)
            return "\(account.name) <\(account.email)> (user \(account.userID)); token valid until \(expires)\n"
        }
    }
}
