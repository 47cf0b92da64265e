import ArgumentParser
import BoxOfficeCore
import BoxOfficeStore
import Foundation

struct CatalogueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Generate a catalogue of theatres, screens, movies and showtimes into an empty database.",
        discussion: """
            Theatres sit at real US ZIP codes, denser in big metros; showtimes run late morning to \
            late night in each theatre's own time zone. The same options and seed give the same \
            catalogue. The whole country: --theatres 5500 --days 14.
            """
    )

    @Option(help: ArgumentHelp("SQLite database file to fill; it must have no catalogue yet.", valueName: "path"))
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
        guard theatres > 0, theatres <= 20_000 else { throw ValidationError("--theatres must be 1...20000") }
        guard days > 0, days <= 60 else { throw ValidationError("--days must be 1...60") }
        if let startDate {
            do { _ = try LocalDate(parsing: startDate) } catch { throw ValidationError(error.message) }
        }
    }

    func run() throws {
        let start = try startDate.map { try LocalDate(parsing: $0) }
            ?? LocalDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400) - 1)
        let options = demo
            ? CatalogueGenerator.demo(startDate: start)
            : CatalogueGenerator.Options(theatres: theatres, days: days, seed: seed, startDate: start)
        let store = try CatalogueStore(path: database)
        let began = Date()
        let summary = try CatalogueGenerator(options: options).generate(into: store)
        let seconds = Date().timeIntervalSince(began)
        print("""
            wrote \(summary.theatres) theatres, \(summary.screens) screens, \(summary.movies) movies and \
            \(summary.showtimes) showtimes (\(start) for \(options.days) days) to \(database) in \
            \(String(format: "%.1f", seconds)) s
            """)
    }
}
