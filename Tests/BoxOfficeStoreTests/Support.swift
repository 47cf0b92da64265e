import BoxOfficeCore
@testable import BoxOfficeStore
import Foundation
import GRDB

/// A fresh directory under the system temp dir for one test's database files.
func temporaryDatabasePath(_ name: String = "catalogue") throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("boxoffice-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("\(name).sqlite").path
}

/// The fixed day the test catalogues start on (a Monday in July, so US zones are on summer time).
let testStartDate = LocalDate(year: 2025, month: 7, day: 14)

/// One demo catalogue shared by the read-only tests (generated once, lazily and thread-safely).
enum Fixtures {
    static let demo: CatalogueStore = {
        do {
            let store = try CatalogueStore(path: try temporaryDatabasePath("demo"))
            _ = try CatalogueGenerator(options: CatalogueGenerator.demo(startDate: testStartDate)).generate(into: store)
            return store
        } catch {
            fatalError("demo catalogue: \(error)")
        }
    }()
}

/// FNV-1a over every catalogue row in id order: equal digests mean equal content.
func catalogueDigest(_ store: CatalogueStore) throws -> UInt64 {
    try store.dbPool.read { db in
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for table in ["theatres", "screens", "movies", "showtimes"] {
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY id")
            while let row = try rows.next() {
                for byte in "\(table)|\(row.databaseValues.map(\.description).joined(separator: "|"))\n".utf8 {
                    hash ^= UInt64(byte)
                    hash &*= 0x100_0000_01b3
                }
            }
        }
        return hash
    }
}
