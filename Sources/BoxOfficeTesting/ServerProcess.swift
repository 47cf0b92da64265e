public import Foundation

/// `boxofficed` as a child process, the way an operator runs it: started on a free port, ready once
/// it prints its ready line, stopped by a signal.
public final class ServerProcess: Sendable {
    public let process: ChildProcess
    public let port: Int
    /// Every line it printed on standard output up to and including the ready line.
    public let startupLines: [String]

    /// The directory of the running test binary, where SwiftPM also puts `boxofficed`.
    public static var buildDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Starts `boxofficed --port 0 --database DATABASE` plus `arguments` and waits for its ready line.
    public static func start(database: String, arguments: [String] = [],
                             binary: URL = buildDirectory.appendingPathComponent("boxofficed")) throws -> ServerProcess {
        let process = try ChildProcess(binary.path, ["--port", "0", "--database", database, "--log-level", "warning"] + arguments,
                                       standardOutput: .pipe)
        let output = process.standardOutput!
        var lines: [String] = []
        var buffer = Data()
        while !(lines.last ?? "").hasPrefix("boxofficed ready on") {
            let chunk = output.availableData
            guard !chunk.isEmpty else {
                throw ServerProcessError(message: "boxofficed exited before it was ready: \(lines)")
            }
            buffer.append(chunk)
            lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        // Whatever it prints later is read and dropped, so a full pipe never stalls it.
        Thread.detachNewThread { while !output.availableData.isEmpty {} }
        // "boxofficed ready on 127.0.0.1:PORT (...)"
        let address = lines.last!.split(separator: " ").dropFirst(3).first ?? ""
        guard let port = address.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.send(SIGKILL)
            throw ServerProcessError(message: "no port in the ready line \(lines.last!)")
        }
        return ServerProcess(process: process, port: port, startupLines: lines)
    }

    private init(process: ChildProcess, port: Int, startupLines: [String]) {
        self.process = process
        self.port = port
        self.startupLines = startupLines
    }

    /// Sends `signal` (SIGTERM for a graceful stop, SIGKILL for a crash).
    public func send(_ signal: Int32) {
        process.send(signal)
    }

    /// Waits for the process to end; its exit status, or the signal that ended it.
    public func waitForExit() async -> Int32 {
        await process.waitForExit()
    }
}

public struct ServerProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
