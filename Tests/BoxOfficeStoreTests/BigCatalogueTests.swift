import BoxOfficeCore
@testable import BoxOfficeStore
import Foundation
import Testing

/// The whole-country catalogue (5,500 theatres, 14 days). Slow, so only when asked:
/// `BOXOFFICE_BIG_CATALOGUE=1 swift test -c release --filter BigCatalogueTests`
@Suite struct BigCatalogueTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BOXOFFICE_BIG_CATALOGUE"] == "1"))
    func wholeCountryGeneratesInWellUnderFiveMinutes() throws {
        let path = try temporaryDatabasePath("country")
        let store = try CatalogueStore(path: path)
        let clock = ContinuousClock()
        let started = clock.now
        let summary = try CatalogueGenerator(options: .init(theatres: 5500, days: 14, seed: 2025, startDate: testStartDate))
            .generate(into: store)
        let elapsed = clock.now - started
        try store.dbPool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print("whole country: \(summary) in \(elapsed), file \(bytes / 1_048_576) MiB")
        #expect(summary.theatres == 5500)
        #expect(elapsed < .seconds(300))

        // The search shapes, timed, to compare with the bare-query reference figures in BENCHMARKS.md.
        let points = (0..<200).map { i in Coordinate(latitude: 30 + Double(i % 17), longitude: -120 + Double(i % 43)) }
        var rows = 0
        var start = clock.now
        for point in points { rows += try store.theatres(near: point, radiusMiles: 25, playing: nil, on: nil).count }
        print("theatres within 25 mi: \((clock.now - start) / points.count) per query, \(rows / points.count) rows")
        rows = 0
        start = clock.now
        for point in points {
            let near = try store.theatres(near: point, radiusMiles: 25, playing: 1, on: testStartDate).map(\.theatre.id)
            rows += try store.showtimes(theatreIDs: near, movieID: 1, on: testStartDate).count
        }
        print("movie near me: \((clock.now - start) / points.count) per query, \(rows / points.count) rows")
        start = clock.now
        for word in ["avngr", "star wa", "lightouse", "midnight", "xqzvbk"] { _ = try store.movies(title: word, playingAt: nil, on: nil) }
        print("title search: \((clock.now - start) / 5) per query")
        let manhattan = try store.theatres(near: Coordinate(latitude: 40.758, longitude: -73.9855), radiusMiles: 3, playing: nil, on: nil)
        print("theatres within 3 mi of Times Square: \(manhattan.count)")
    }
}
