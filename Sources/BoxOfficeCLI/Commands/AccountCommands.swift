import ArgumentParser
import BoxOfficeProto
import Foundation

/// Reads a password from standard input (one line), so it never appears in `ps` or shell history.
private func readPassword(_ option: String?) throws -> String {
    if let option { return option }
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("give --password, or the password on standard input")
    }
    return line
}

private func describe(_ session: Boxoffice_V1_AuthSession, verb: String) -> String {
    let expires = Date(timeIntervalSince1970: TimeInterval(session.expiresAtMs) / 1000)
    return "\(verb) as \(session.name) <\(session.email)> (user \(session.userID)); token saved to \(TokenFile.path), valid until \(expires)\n"
}

struct SignUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signup", abstract: "Create an account and keep its token for later commands.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Email address; one account per address.")
    var email: String

    @Option(help: "Your name, as it appears on bookings.")
    var name: String

    @Option(help: "Password, at least 8 characters (default: read a line from standard input).")
    var password: String?

    func run() async throws {
        let secret = try readPassword(password)
        let request = Boxoffice_V1_SignUpRequest.with {
            $0.email = email
            $0.name = name
            $0.password = secret
        }
        let session = try await connection.withClient { try await $0.signUp(request, options: connection.callOptions) }
        try TokenFile.save(session.token)
        try connection.output(session) { describe(session, verb: "signed up") }
    }
}

struct SignInCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signin", abstract: "Sign in and keep the token for later commands.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Email address of the account.")
    var email: String

    @Option(help: "Password (default: read a line from standard input).")
    var password: String?

    func run() async throws {
        let secret = try readPassword(password)
        let request = Boxoffice_V1_SignInRequest.with {
            $0.email = email
            $0.password = secret
        }
        let session = try await connection.withClient { try await $0.signIn(request, options: connection.callOptions) }
        try TokenFile.save(session.token)
        try connection.output(session) { describe(session, verb: "signed in") }
    }
}
