public import BoxOfficeCore
public import BoxOfficeStore
public import Foundation
import Synchronization

/// The demo catalogue for tests, generated once per test process and copied for each test, so a
/// test gets its own real SQLite file without paying for generation every time.
public enum TestCatalogue {
    /// The first day of showtimes in test catalogues.
    public static let startDate = LocalDate(year: 2026, month: 7, day: 1)
    /// Noon in New York on `startDate`: every US theatre's "today" is `startDate`.
    public static let now = Date(timeIntervalSince1970: TimeInterval(startDate.daysSinceEpoch * 86_400 + 16 * 3600))
    /// A wall clock fixed at `now`.
    public static let clock = FixedTimeSource(now)

    private static let template = Mutex<String?>(nil)

    /// A fresh temporary directory, removed by the caller.
    public static func makeTemporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("boxoffice-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Copies the demo catalogue into `directory` and opens it.
    public static func makeStore(in directory: URL) throws -> (store: CatalogueStore, path: String) {
        let templatePath = try template.withLock { path -> String in
            if let path { return path }
            let directory = try makeTemporaryDirectory()
            let file = directory.appendingPathComponent("template.sqlite").path
            do {
                let store = try CatalogueStore(path: file)
                _ = try CatalogueGenerator(options: CatalogueGenerator.demo(startDate: startDate)).generate(into: store)
                // Fold the WAL into the main file so one copied file holds everything.
                try store.checkpoint()
            }
            path = file
            return file
        }
        let path = directory.appendingPathComponent("boxoffice.sqlite").path
        try FileManager.default.copyItem(atPath: templatePath, toPath: path)
        return (try CatalogueStore(path: path), path)
    }
}
