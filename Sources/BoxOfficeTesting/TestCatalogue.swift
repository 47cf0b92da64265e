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

    /// Makes the template (once per process) on a thread of its own and waits for it without
    /// holding one of Swift's cooperative threads. The suite runs every test at once on a pool of
    /// one thread per core: generating the demo catalogue there (seconds in a debug build), with
    /// every other first caller blocked on the same lock, stalled the whole suite at its start
    /// long enough for tests with deadlines of a few seconds to fail. Async callers await this
    /// before `makeStore`.
    public static func prepareTemplate() async throws {
        if template.withLock({ $0 }) != nil { return }
        try await offThePool {
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            _ = try makeStore(in: directory)
        }
    }

    /// Runs `work` on a thread of its own, not on one of the few cooperative threads every test shares.
    static func offThePool(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Copies the demo catalogue into `directory` and opens it (making the template first if no
    /// caller has yet: async callers should await `prepareTemplate()` before).
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
