import BoxOfficeClient
import BoxOfficeTesting
import Foundation
import Testing

/// The `boxofficed` executable as an operator runs it: an empty database gets the demo
/// catalogue, one line says it is ready, and SIGTERM stops it cleanly.
@Suite("boxofficed process", .timeLimit(.minutes(2)))
struct ServerProcessTests {
    @Test func startsOnTheDemoCatalogueServesAndStopsOnSIGTERM() async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("boxoffice.sqlite").path

        let server = try ServerProcess.start(database: database)
        let lines = server.startupLines
        #expect(lines.contains { $0.contains("was empty; loaded the demo catalogue") })
        #expect(try #require(lines.last).contains("50 theatres"))

        let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: server.port)
        let info = try await client.getInfo()
        #expect(info.catalogue.theatres == 50)
        await client.close()

        server.send(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }
}


/// `boxofficed` refuses to start, saying why, before it creates or fills a database.
@Suite("boxofficed start-up checks", .timeLimit(.minutes(2)))
struct StartupCheckTests {
    /// Runs `boxofficed ARGUMENTS` to its end: its exit status and standard error.
    func boxofficed(_ arguments: [String]) async throws -> (status: Int32, errors: String) {
        let result = try await ChildProcess.run(ServerProcess.buildDirectory.appendingPathComponent("boxofficed").path,
                                                arguments + ["--log-level", "warning"])
        return (result.status, result.errors)
    }

    @Test func aBusyPortIsNamedAndNoDatabaseIsCreated() async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try ServerProcess.start(database: directory.appendingPathComponent("first.sqlite").path)
        let second = directory.appendingPathComponent("second.sqlite").path
        let outcome = try await boxofficed(["--port", "\(first.port)", "--database", second])
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("cannot listen on 127.0.0.1:\(first.port): the address is in use"), "\(outcome.errors)")
        #expect(!FileManager.default.fileExists(atPath: second), "no demo database is left behind")
        first.send(SIGTERM)
        #expect(await first.waitForExit() == 0)
    }

    @Test func aMissingDirectoryIsNamed() async throws {
        let outcome = try await boxofficed(["--port", "0", "--database", "/nonexistent-boxoffice-dir/boxoffice.sqlite"])
        #expect(outcome.status != 0)
        #expect(outcome.errors.contains("the directory /nonexistent-boxoffice-dir does not exist"), "\(outcome.errors)")
    }
}
