import BoxOfficeClient
import BoxOfficeTesting
import Foundation
import Testing

/// The `boxofficed` executable as an operator runs it: an empty database gets the demo
/// catalogue, one line says it is ready, and SIGTERM stops it cleanly.
@Suite("boxofficed process", .timeLimit(.minutes(2)))
struct ServerProcessTests {
    private var binaries: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    @Test func startsOnTheDemoCatalogueServesAndStopsOnSIGTERM() async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("boxoffice.sqlite").path

        let server = Process()
        server.executableURL = binaries.appendingPathComponent("boxofficed")
        server.arguments = ["--port", "0", "--database", database, "--log-level", "warning"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        server.terminationHandler = { exited.continuation.yield($0.terminationStatus) }
        try server.run()
        defer { if server.isRunning { server.terminate() } }

        // Lines until the ready line, which names the port.
        var lines: [String] = []
        var buffer = Data()
        while !(lines.last ?? "").hasPrefix("boxofficed ready on") {
            let chunk = output.fileHandleForReading.availableData
            try #require(!chunk.isEmpty, "boxofficed exited before it was ready: \(lines)")
            buffer.append(chunk)
            let text = String(decoding: buffer, as: UTF8.self)
            lines = text.split(separator: "\n").map(String.init)
        }
        #expect(lines.contains { $0.contains("was empty; loaded the demo catalogue") })
        let ready = try #require(lines.last)
        let address = try #require(ready.split(separator: " ").dropFirst(3).first)
        let port = try #require(address.split(separator: ":").last.flatMap { Int($0) })
        #expect(ready.contains("50 theatres"))

        let client = try await BoxOfficeClient.connect(host: "127.0.0.1", port: port)
        let info = try await client.getInfo()
        #expect(info.catalogue.theatres == 50)
        await client.close()

        kill(server.processIdentifier, SIGTERM)
        var status: Int32 = -1
        for await code in exited.stream {
            status = code
            break
        }
        #expect(status == 0)
    }
}

