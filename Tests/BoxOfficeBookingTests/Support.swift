import BoxOfficeCore
import BoxOfficeBooking
@testable import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Synchronization

/// A copy of the demo catalogue on a real SQLite file with the booking tables added and some users.
struct BookingFixture {
    let directory: URL
    let store: CatalogueStore
    let path: String
    /// The allocator's ledger on `store`, on NIO's shared thread pool.
    var ledger: SQLiteStore { SQLiteStore(database: store, pool: BlockingPool(.singleton)) }

    /// Copies the demo catalogue (opening it migrates it to "v2-booking") and creates users 1...`users`.
    init(users: Int = 4) throws {
        directory = try TestCatalogue.makeTemporaryDirectory()
        let opened = try TestCatalogue.makeStore(in: directory)
        store = opened.store
        path = opened.path
        try store.dbPool.write { db in
            for id in 1...max(1, users) {
                try db.execute(sql: "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, 'x', 0)",
                               arguments: [id, "user\(id)@example.com", "User \(id)"])
            }
        }
    }

    /// Removes the temporary directory.
    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The first showtime that starts after `TestCatalogue.now` on a screen of at least `minimumCapacity` seats.
    func futureShowtime(minimumCapacity: Int = 0) throws -> (showtime: ShowtimeRecord, layout: SeatLayout) {
        let startsAfter = Int64(TestCatalogue.now.timeIntervalSince1970)
        let id = try store.dbPool.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT s.id FROM showtimes s JOIN screens sc ON sc.id = s.screen_id
                WHERE s.starts_at > ? + 7200 AND sc.capacity >= ? ORDER BY s.id LIMIT 1
                """, arguments: [startsAfter, minimumCapacity])
        }
        guard let id, let showtime = try store.showtime(id: id), let screen = try store.screen(id: showtime.screenID) else {
            throw BoxOfficeError.notFound("no future showtime in the demo catalogue")
        }
        return (showtime, screen.layout)
    }

    /// A showtime after `TestCatalogue.now` on a screen with no seat of `kind`, if the demo catalogue has one.
    func futureShowtimeWithout(_ kind: SeatKind) throws -> Int64? {
        let startsAfter = Int64(TestCatalogue.now.timeIntervalSince1970) + 7200
        let candidates = try store.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT min(s.id) AS showtime_id, s.screen_id FROM showtimes s WHERE s.starts_at > ? GROUP BY s.screen_id ORDER BY s.screen_id
                """, arguments: [startsAfter]).map { (showtime: $0["showtime_id"] as Int64, screen: $0["screen_id"] as Int64) }
        }
        for candidate in candidates {
            if let screen = try store.screen(id: candidate.screen), !screen.layout.seats.contains(where: { $0.kind == kind }) {
                return candidate.showtime
            }
        }
        return nil
    }
}
