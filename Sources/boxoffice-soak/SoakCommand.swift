import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// `boxoffice-soak`: drives a server with many pipelined calls and reports throughput and latency.
///
/// This version runs two closed-loop scenarios: `search`, behind the README's search figures, and
/// `purchase`, behind its durable-booking figures. The browse, buy-funnel, hot-show and bot
/// scenarios arrive with the soak issue.
@main
struct SoakCommand: AsyncParsableCommand {
    enum Scenario: String, ExpressibleByArgument, CaseIterable {
        case search, purchase, hotShow = "hot-show", guardCost = "guard"
    }

    static let configuration = CommandConfiguration(
        commandName: "boxoffice-soak",
        abstract: "Load a BoxOffice server and report calls per second and latency percentiles."
    )

    @Option(help: ArgumentHelp("Server address as HOST:PORT.", valueName: "host:port"))
    var server = "127.0.0.1:7070"

    @Option(help: "TCP connections to open.")
    var connections = 16

    @Option(help: "Workers on each connection, each with one call or booking in flight (closed loop).")
    var inFlight = 8

    @Option(help: ArgumentHelp("How long to run, in seconds.", valueName: "seconds"))
    var duration = 10.0

    @Option(help: ArgumentHelp("Unmeasured warm-up before the run, in seconds.", valueName: "seconds"))
    var warmup = 2.0

    @Option(help: """
        search: theatres, showtimes and seat maps near metro ZIP codes. \
        purchase: buyers hold the best two seats of a showtime and buy them (durable bookings). \
        hot-show: --users buyers race for the seats of one showtime at once, then the invariants are checked. \
        guard: no server; the rate limiter and bot guard's cost per call, in process.
        """)
    var scenario: Scenario = .search

    @Option(help: ArgumentHelp("hot-show: buyers, each a new account (run the server with --trusted and a low --password-hash-rounds).",
                               valueName: "count"))
    var users = 2_000

    @Option(help: ArgumentHelp("hot-show: the server's SQLite file, to check the invariants in the database too (read-only).",
                               valueName: "path"))
    var database: String?

    func validate() throws {
        guard connections > 0, inFlight > 0, duration > 0, warmup >= 0 else {
            throw ValidationError("--connections, --in-flight and --duration must be positive")
        }
        guard server.contains(":") else { throw ValidationError("--server must be HOST:PORT") }
    }

    func run() async throws {
        if scenario == .guardCost {
            for clients in [1_000, 100_000, 1_000_000] { print(GuardBenchmark.run(calls: 10_000_000, clients: clients)) }
            print(GuardBenchmark.churn(clients: 2_000_000, tracked: 1_000_000))
            return
        }
        let parts = server.split(separator: ":")
        let host = String(parts[0])
        guard let port = Int(parts[1]) else { throw ValidationError("--server must be HOST:PORT") }
        let clients = try await (0..<connections).asyncMap { _ in try await BoxOfficeClient.connect(host: host, port: port) }
        let step: Step
        switch scenario {
        case .search:
            let workload = try await SearchWorkload.prepare(client: clients[0])
            step = { client, lane, _, generator, result in
                let call = workload.nextCall(using: &generator)
                let began = ContinuousClock.now
                let response = try await client.send(call)
                result.record("search", since: began, status: response.status.code)
            }
        case .purchase:
            let workload = try await PurchaseWorkload.prepare(client: clients[0])
            step = { client, lane, round, _, result in
                try await workload.book(client: client, lane: lane, round: round, into: &result)
            }
        case .hotShow:
            try await runHotShow(clients: clients)
            return
        case .guardCost:
            return  // ran above, without a server
        }

        if warmup > 0 {
            _ = try await drive(clients: clients, seconds: warmup, step: step)
        }
        let started = ContinuousClock.now
        var total = WorkerResult()
        for part in try await drive(clients: clients, seconds: duration, step: step) { total.merge(part) }
        let elapsed = ContinuousClock.now - started
        for client in clients { await client.close() }

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("scenario \(scenario.rawValue): \(connections) connections x \(inFlight) in flight, \(String(format: "%.1f", seconds)) s")
        report(total, seconds: seconds)
    }

    /// The opening-night crush, its report, and its invariants; a broken invariant exits 1.
    private func runHotShow(clients: [BoxOfficeClient]) async throws {
        let workload = try await HotShowWorkload.prepare(clients: clients, users: users)
        let started = ContinuousClock.now
        let outcome = try await workload.run(clients: clients)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let show = workload.showtime
        print("scenario hot-show: \(workload.tokens.count) buyers over \(connections) connections for showtime \(show.id) "
              + "(\(show.capacity) seats), \(String(format: "%.2f", seconds)) s")
        report(outcome.result, seconds: seconds)
        let sold = outcome.confirmed.reduce(0) { $0 + $1.seats.count }
        let answered = outcome.result.latencies["HoldSeats", default: []].count
            + outcome.result.errors.filter { $0.key.hasPrefix("HoldSeats") }.values.reduce(0, +)
        print("confirmed: \(outcome.confirmed.count) bookings, \(sold) of \(show.capacity) seats; "
              + "\(answered) of \(workload.tokens.count) buyers answered")
        var failures = try await InvariantChecks.check(showtime: show, confirmed: outcome.confirmed, client: clients[0])
        if answered != workload.tokens.count { failures.append("only \(answered) of \(workload.tokens.count) buyers got an answer") }
        if let database {
            failures += try InvariantChecks.checkDatabase(path: database, showtimeID: show.id, confirmedCodes: outcome.confirmed.map(\.code))
        }
        for client in clients { await client.close() }
        if failures.isEmpty {
            print("invariants: hold (every buyer answered, no seat sold twice, every confirmed booking stored, "
                  + "sold + held + free = capacity\(database == nil ? "" : "; checked in the database too"))")
        } else {
            for failure in failures { print("INVARIANT BROKEN: \(failure)") }
            throw ExitCode(1)
        }
    }

    /// Throughput and latency percentiles by kind, and errors by kind and code.
    private func report(_ total: WorkerResult, seconds: Double) {
        for (name, latencies) in total.latencies.sorted(by: { $0.key < $1.key }) {
            let sorted = latencies.sorted()
            func percentile(_ p: Double) -> String {
                let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
                return String(format: "%.2f ms", Double(sorted[index]) / 1e6)
            }
            print("""
                \(name): \(sorted.count) OK, \(String(format: "%.0f", Double(sorted.count) / seconds))/s; \
                p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), \
                p99.9 \(percentile(0.999)), max \(percentile(1.0))
                """)
        }
        let errors = total.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        print("errors: \(errors.isEmpty ? "none" : errors.joined(separator: ", "))")
    }

    /// One iteration of a worker: (client, worker index, iteration, random source, result to record into).
    typealias Step = @Sendable (BoxOfficeClient, Int, Int, inout SplitMix64, inout WorkerResult) async throws -> Void

    private func drive(clients: [BoxOfficeClient], seconds: Double, step: @escaping Step) async throws -> [WorkerResult] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let inFlight = inFlight
        return try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for (index, client) in clients.enumerated() {
                for slot in 0..<inFlight {
                    group.addTask {
                        let lane = index * inFlight + slot
                        var generator = SplitMix64(seed: UInt64(index * 1000 + slot + 1))
                        var result = WorkerResult()
                        var round = 0
                        while ContinuousClock.now < deadline {
                            try await step(client, lane, round, &generator, &result)
                            round += 1
                        }
                        return result
                    }
                }
            }
            var results: [WorkerResult] = []
            for try await result in group { results.append(result) }
            return results
        }
    }
}

/// What one worker saw: latencies of OK answers by kind, in nanoseconds, and errors by kind and code.
struct WorkerResult: Sendable {
    var latencies: [String: [Int64]] = [:]
    var errors: [String: Int] = [:]

    mutating func record(_ kind: String, since began: ContinuousClock.Instant, status: Boxoffice_V1_StatusCode) {
        if status == .ok {
            let took = ContinuousClock.now - began
            latencies[kind, default: []].append(took.components.seconds * 1_000_000_000 + took.components.attoseconds / 1_000_000_000)
        } else {
            errors["\(kind) \(BoxOfficeError.Code(rawValue: status.rawValue).name)", default: 0] += 1
        }
    }

    mutating func merge(_ other: WorkerResult) {
        latencies.merge(other.latencies) { $0 + $1 }
        errors.merge(other.errors) { $0 + $1 }
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
