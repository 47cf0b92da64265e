import ArgumentParser
import BoxOfficeCore
import BoxOfficeStore
import BoxOfficePostgres
import Foundation
import Logging

struct CatalogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Generate a catalogue of theatres, screens, movies and showtimes into an empty database.",
        discussion: """
            Theatres sit at real US ZIP codes, denser in big metros; showtimes run late morning to \
            late night in each theatre's own time zone. The same options and seed give the same \
            catalogue. The whole country: --theatres 5500 --days 14.
            """
    )

    @Option(help: ArgumentHelp(
        "SQLite database file, or PostgreSQL database URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE), to fill; it must have no catalogue yet.",
        valueName: "path-or-url"))
    var database = "./boxoffice.sqlite"

    @Option(help: "Number of theatres.")
    var theatres = 5500

    @Option(help: "Days of showtimes, starting with --start-date.")
    var days = 14

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("First day of showtimes, YYYY-MM-DD (default: today in UTC, less a day).", valueName: "date"))
    var startDate: String?

    @Flag(help: "Generate the demo catalogue (about 50 theatres in a handful of metros) instead.")
    var demo = false

    func validate() throws {
        _ = try DatabaseChoice(database)
        guard theatres > 0, theatres <= 20_000 else { throw ValidationError("--theatres must be 1...20000") }
        guard days > 0, days <= 60 else { throw ValidationError("--days must be 1...60") }
        if let startDate {
            do { _ = try LocalDate(parsing: startDate) } catch { throw ValidationError(error.message) }
        }
    }

    func run() async throws {
        let start = try startDate.map { try LocalDate(parsing: $0) }
            ?? LocalDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400) - 1)
        let options = demo
            ? CatalogueGenerator.demo(startDate: start)
            : CatalogueGenerator.Options(theatres: theatres, days: days, seed: seed, startDate: start)
        let began = Date()
        let choice = try DatabaseChoice(database)
        let summary: CatalogueSummary
        switch choice {
        case .sqlite(let path):
            summary = try CatalogueGenerator(options: options).generate(into: try CatalogueStore(path: path))
        case .postgres(let url):
            // Generated into a SQLite file first (the generator writes SQLite), then copied with COPY.
            let logger = Logger(label: "boxofficed.catalogue")
            let opened = try await OpenedPostgres.open(url, maximumConnections: 2, loadDemo: false, logger: logger)
            defer { opened.running.cancel() }
            guard try await opened.store.isEmpty() else {
                throw ValidationError("\(url) already has a catalogue: give an empty database")
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-catalogue-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let source = try CatalogueStore(path: directory.appendingPathComponent("catalogue.sqlite").path)
            summary = try CatalogueGenerator(options: options).generate(into: source)
            try await PostgresCatalogueLoader.load(from: source, into: opened.store)
        }
        let seconds = Date().timeIntervalSince(began)
        print("""
            wrote \(summary.theatres) theatres, \(summary.screens) screens, \(summary.movies) movies and \
            \(summary.showtimes) showtimes (\(start) for \(options.days) days) to \(choice) in \
            \(String(format: "%.1f", seconds)) s
            """)
    }
}
