public import Foundation

/// `boxofficed` as a child process, the way an operator runs it: started on a free port, ready once
/// it prints its ready line, stopped by a signal.
public final class ServerProcess: Sendable {
    public let process: Process
    public let port: Int
    /// Every line it printed on standard output up to and including the ready line.
    public let startupLines: [String]
    private let exited: AsyncStream<Int32>

    /// The directory of the running test binary, where SwiftPM also puts `boxofficed`.
    public static var buildDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Starts `boxofficed --port 0 --database DATABASE` plus `arguments` and waits for its ready line.
    public static func start(database: String, arguments: [String] = [],
                             binary: URL = buildDirectory.appendingPathComponent("boxofficed")) throws -> ServerProcess {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--port", "0", "--database", database, "--log-level", "warning"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try process.run()

        var lines: [String] = []
        var buffer = Data()
        while !(lines.last ?? "").hasPrefix("boxofficed ready on") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw ServerProcessError(message: "boxofficed exited before it was ready: \(lines)")
            }
            buffer.append(chunk)
            lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        // "boxofficed ready on 127.0.0.1:PORT (...)"
        let address = lines.last!.split(separator: " ").dropFirst(3).first ?? ""
        guard let port = address.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            throw ServerProcessError(message: "no port in the ready line \(lines.last!)")
        }
        return ServerProcess(process: process, port: port, startupLines: lines, exited: exited.stream)
    }

    private init(process: Process, port: Int, startupLines: [String], exited: AsyncStream<Int32>) {
        self.process = process
        self.port = port
        self.startupLines = startupLines
        self.exited = exited
    }

    /// Sends `signal` (SIGTERM for a graceful stop, SIGKILL for a crash).
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; its exit status, or the signal that ended it.
    public func waitForExit() async -> Int32 {
        for await status in exited { return status }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
