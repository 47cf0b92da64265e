public import ArgumentParser
import BoxOfficeSoak
import Foundation

/// `boxoffice-soak`: loads a BoxOffice server with virtual users, reports throughput and latency,
/// and checks the invariants of every seat it sold. The engine is the BoxOfficeSoak library.
@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxoffice-soak",
        abstract: "Load, soak and race a BoxOffice server; report latency percentiles and check that no seat was sold twice.",
        discussion: """
            Exits 0 when the run finished and every invariant held, 1 when an invariant broke (the \
            report names the seats), 2 on a usage error, 3 when the run could not start. \
            A live line goes to standard error every second; the report to standard output.
            For load runs, start the server with --trusted 127.0.0.0/8 (or --no-rate-limits --no-bot-guard) so \
            the guard does not refuse the load, and a low --password-hash-rounds when thousands sign up. \
            For bots and mixed, leave the guard on: on a loopback server every connection comes from its own \
            127.x.y.z address, as clients would from the internet.
            """
    )

    @Option(help: ArgumentHelp("Server address.", valueName: "host:port"))
    var server = "127.0.0.1:7070"

    @Option(help: ArgumentHelp(Scenario.help, valueName: "name"))
    var scenario: Scenario = .browse

    @Option(help: ArgumentHelp("Virtual users, spread round-robin over the connections; in hot-show, the buyers.", valueName: "count"))
    var users = 64

    @Option(help: ArgumentHelp("TCP connections to open; users on one connection pipeline their calls over it.", valueName: "count"))
    var connections = 16

    @Option(help: ArgumentHelp(
        "Seconds to measure (default 10, or until --calls). Every scenario but hot-show honours it; hot-show is one race that ends when every buyer has an answer, and says so if given --duration or --calls.",
        valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Stop after this many measured calls.", valueName: "count"))
    var calls: Int?

    @Option(help: ArgumentHelp("""
        Open loop: this many arrivals per second over all users (each user's a Poisson process), latency \
        measured from the intended send time. Without it the loop is closed: each user calls again when answered.
        """, valueName: "per-second"))
    var rate: Double?

    @Option(help: ArgumentHelp("Unmeasured seconds before measuring starts.", valueName: "seconds"))
    var warmup = 2.0

    @Option(help: ArgumentHelp("""
        The server's database, to check the invariants in it too: its SQLite file (opened read-only), or its PostgreSQL \
        database, postgres://USER:PASSWORD@HOST:PORT/DATABASE (read in a read-only transaction).
        """, valueName: "path-or-url"))
    var database: String?

    @Option(help: ArgumentHelp("The server's process id, to report its resident memory at start, end and peak (Linux).", valueName: "pid"))
    var serverPid: Int32?

    @Option(help: ArgumentHelp("Write the report as JSON to this file too.", valueName: "file"))
    var json: String?

    @Flag(help: "No live line on standard error.")
    var quiet = false

    @Option(help: ArgumentHelp("""
        Times a call answered UNAVAILABLE, or whose connection died, is tried again after its retry-after, on a new \
        connection when the old one closed, purchases with the same idempotency key (for runs through a cluster while \
        a node dies); the last answer is recorded. Default 0: the first answer is recorded.
        """, valueName: "count"))
    var retries = 0

    func validate() throws {
        guard users > 0, connections > 0 else { throw ValidationError("--users and --connections must be positive") }
        guard (0...1_000).contains(retries) else { throw ValidationError("--retries must be 0...1000") }
        guard duration.map({ $0 > 0 }) ?? true, calls.map({ $0 > 0 }) ?? true, warmup >= 0 else {
            throw ValidationError("--duration and --calls must be positive and --warmup not negative")
        }
        guard rate.map({ $0 > 0 && $0.isFinite }) ?? true else { throw ValidationError("--rate must be a positive number of arrivals per second") }
        guard ServerAddress(server) != nil else { throw ValidationError("--server must be HOST:PORT, e.g. 127.0.0.1:7070") }
        // A mistyped URL is said now, not after a run whose check could not use it.
        if let database {
            do { _ = try ServerDatabase(parsing: database) } catch { throw ValidationError("--database: \(error.message)") }
        }
    }

    func run() async throws {
        var options = SoakOptions(server: ServerAddress(server)!)
        options.users = users
        options.connections = connections
        options.pacing = rate.map { .open(rate: $0) } ?? .closed
        options.duration = duration
        options.calls = calls
        options.warmup = warmup
        options.database = try database.map { try ServerDatabase(parsing: $0) }
        options.serverPID = serverPid
        options.liveLines = !quiet
        options.retries = retries
        let report: SoakReport
        do {
            report = try await Soak.run(scenario, options: options)
        } catch {
            FileHandle.standardError.write(Data("boxoffice-soak: the \(scenario.rawValue) run failed: \(error)\n".utf8))
            throw ExitCode(3)
        }
        print(report.text)
        if let json {
            try report.json().write(to: URL(fileURLWithPath: json))
        }
        if !report.invariantsBroken.isEmpty { throw ExitCode(1) }
    }
}

extension Scenario: ExpressibleByArgument {}
