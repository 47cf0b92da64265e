import ArgumentParser
import BoxOfficeProto
import Foundation

private func describe(_ session: Boxoffice_V1_AuthSession, verb: String, file: TokenFile) -> String {
    let expires = Date(timeIntervalSince1970: TimeInterval(session.expiresAtMs) / 1000)
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
