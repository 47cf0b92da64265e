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

