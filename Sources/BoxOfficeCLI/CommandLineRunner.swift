import ArgumentParser
import BoxOfficeCore
import Foundation

/// The `boxoffice` command line: parses, runs, and turns every outcome into an exit status.
///
/// Exit status: 0 when the call succeeded; 2 for a usage error; 10 + the status code when the
/// server answered an error (NOT_FOUND exits 15), with `CODE_NAME: message` on standard error.
public enum CommandLineRunner {
    public static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Int32 {
        let command: any ParsableCommand
        do {
            command = try BoxOfficeCommand.parseAsRoot(arguments)
        } catch {
            let code = BoxOfficeCommand.exitCode(for: error)
            let message = BoxOfficeCommand.fullMessage(for: error)
            if code == .success {
                BoxOfficeCommand.exit(withError: error)  // prints --help or --version, exits 0
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            return 2
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            return 0
        } catch let error as BoxOfficeError {
            FileHandle.standardError.write(Data("\(error.code.name): \(error.message)\n".utf8))
            return Int32(10 + error.code.rawValue)
        } catch {
            let code = BoxOfficeCommand.exitCode(for: error)
            if code == .success {
                BoxOfficeCommand.exit(withError: error)  // `help` subcommand
            }
            FileHandle.standardError.write(Data((BoxOfficeCommand.fullMessage(for: error) + "\n").utf8))
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}

/// `boxoffice`: the root command.
struct BoxOfficeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxoffice",
        abstract: "Find theatres, movies, showtimes and seats on a BoxOffice server, and sign in.",
        discussion: """
            Exit status: 0 on success; 2 for a usage error; 10 + the status code when the server \
            answers an error (INVALID_ARGUMENT 13, NOT_FOUND 15, UNAVAILABLE 24), with \
            "CODE_NAME: message" on standard error.
            """,
        version: BoxOfficeVersion.release,
        subcommands: [
            InfoCommand.self, TheatresCommand.self, MoviesCommand.self,
            ShowtimesCommand.self, ScreensCommand.self, SeatsCommand.self,
            SignUpCommand.self, SignInCommand.self, SignOutCommand.self, WhoAmICommand.self,
            HoldCommand.self, HoldsCommand.self, ReleaseCommand.self, QuoteCommand.self,
            PurchaseCommand.self, BookingsCommand.self, BookingCommand.self, CancelCommand.self,
            RateCommand.self, ReviewsCommand.self,
        ]
    )
}
