public import Foundation

/// A PostgreSQL of one test's own, in a directory of the test's, through `scripts/postgres.sh`:
/// for tests that stop and start the database or change server-wide settings, which the shared
/// test PostgreSQL must never see.
public struct ScratchPostgres: Sendable {
    /// The repository's root, where `scripts/` is.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The directory `scripts/postgres.sh` keeps everything in.
    public let directory: String
    /// `postgres://…` for the server's own role, as `postgres.env` gives it.
    public let url: String
    /// The data directory: `postgresql.auto.conf`, `postmaster.pid`.
    public var dataDirectory: String { directory + "/data" }

    /// Starts one in `directory` and reads its URL.
    public static func up(in directory: String) async throws -> ScratchPostgres {
        try await run("up", "--dir", directory)
        let environment = try String(contentsOfFile: directory + "/postgres.env", encoding: .utf8)
        guard let line = environment.split(separator: "\n").first(where: { $0.hasPrefix("BOXOFFICE_DATABASE_URL=") }) else {
            throw ScriptFailure(description: "\(directory)/postgres.env names no BOXOFFICE_DATABASE_URL")
        }
        return ScratchPostgres(directory: directory, url: String(line.dropFirst("BOXOFFICE_DATABASE_URL=".count)))
    }

    /// `scripts/postgres.sh ARGUMENTS`, waited for. Its output goes nowhere: a pipe would be held
    /// open by the postmaster that `up` leaves running.
    public static func run(_ arguments: String...) async throws {
        let status = await (try ChildProcess(repository.appendingPathComponent("scripts/postgres.sh").path, arguments)).waitForExit()
        guard status == 0 else {
            throw ScriptFailure(description: "scripts/postgres.sh \(arguments.joined(separator: " ")) failed (exit status \(status))")
        }
    }

    /// Stops the server by its pid and waits, from a `defer` (which cannot await), also when the test failed.
    public func stopNow() {
        guard let down = try? ChildProcess(Self.repository.appendingPathComponent("scripts/postgres.sh").path, ["down", "--dir", directory])
        else { return }
        while !down.hasExited { usleep(20_000) }  // `down` takes a second or two
    }

    public struct ScriptFailure: Error, CustomStringConvertible {
        public var description: String
    }
}
