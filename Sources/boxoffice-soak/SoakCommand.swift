import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// `boxoffice-soak`: drives a server with many pipelined calls and reports throughput and latency.
///
/// This first version runs the closed-loop `search` scenario that backs the search figures in
/// the README; the booking, hot-show and bot scenarios arrive with the soak issue.
@main
struct SoakCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxoffice-soak",
        abstract: "Load a BoxOffice server and report calls per second and latency percentiles."
    )

    @Option(help: ArgumentHelp("Server address as HOST:PORT.", valueName: "host:port"))
    var server = "127.0.0.1:7070"

    @Option(help: "TCP connections to open.")
    var connections = 16

    @Option(help: "Calls kept in flight on each connection (closed loop).")
    var inFlight = 8

    @Option(help: ArgumentHelp("How long to run, in seconds.", valueName: "seconds"))
    var duration = 10.0

    @Option(help: ArgumentHelp("Unmeasured warm-up before the run, in seconds.", valueName: "seconds"))
    var warmup = 2.0

    @Option(help: "Scenario: search (theatres, showtimes and seat maps near metro ZIP codes).")
    var scenario = "search"

    func validate() throws {
        guard scenario == "search" else { throw ValidationError("only the search scenario exists yet") }
        guard connections > 0, inFlight > 0, duration > 0, warmup >= 0 else {
            throw ValidationError("--connections, --in-flight and --duration must be positive")
        }
        guard server.contains(":") else { throw ValidationError("--server must be HOST:PORT") }
    }

    func run() async throws {
        let parts = server.split(separator: ":")
        let host = String(parts[0])
        guard let port = Int(parts[1]) else { throw ValidationError("--server must be HOST:PORT") }
        let clients = try await (0..<connections).asyncMap { _ in try await BoxOfficeClient.connect(host: host, port: port) }
        let workload = try await SearchWorkload.prepare(client: clients[0])

        if warmup > 0 {
            _ = try await drive(clients: clients, workload: workload, seconds: warmup)
        }
        let started = ContinuousClock.now
        let results = try await drive(clients: clients, workload: workload, seconds: duration)
        let elapsed = ContinuousClock.now - started
        for client in clients { await client.close() }

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var latencies = results.flatMap(\.latencies)
        latencies.sort()
        let errors = results.reduce(into: [String: Int]()) { total, part in
            for (code, count) in part.errors { total[code, default: 0] += count }
        }
        func percentile(_ p: Double) -> String {
            guard !latencies.isEmpty else { return "-" }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)
            return String(format: "%.2f ms", Double(latencies[max(0, index)]) / 1e6)
        }
        print("""
            scenario \(scenario): \(connections) connections x \(inFlight) in flight, \(String(format: "%.1f", seconds)) s
            calls: \(latencies.count + errors.values.reduce(0, +)), \(String(format: "%.0f", Double(latencies.count) / seconds)) OK calls/s
            latency: p50 \(percentile(0.50)), p90 \(percentile(0.90)), p99 \(percentile(0.99)), p99.9 \(percentile(0.999)), max \(percentile(1.0))
            errors: \(errors.isEmpty ? "none" : errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            """)
    }

    private func drive(clients: [BoxOfficeClient], workload: SearchWorkload, seconds: Double) async throws -> [WorkerResult] {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        return try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for (index, client) in clients.enumerated() {
                for lane in 0..<inFlight {
                    group.addTask {
                        var generator = SplitMix64(seed: UInt64(index * 1000 + lane + 1))
                        var result = WorkerResult()
                        while ContinuousClock.now < deadline {
                            let call = workload.nextCall(using: &generator)
                            let began = ContinuousClock.now
                            let response = try await client.send(call)
                            let took = ContinuousClock.now - began
                            if response.status.code == .ok {
                                result.latencies.append(took.components.attoseconds / 1_000_000_000 + took.components.seconds * 1_000_000_000)
                            } else {
                                result.errors["\(BoxOfficeError.Code(rawValue: response.status.code.rawValue).name)", default: 0] += 1
                            }
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

struct WorkerResult: Sendable {
    var latencies: [Int64] = []
    var errors: [String: Int] = [:]
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
