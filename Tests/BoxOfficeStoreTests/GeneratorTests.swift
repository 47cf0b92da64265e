import BoxOfficeCore
@testable import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Testing

@Suite struct GeneratorTests {
    static let small = CatalogueGenerator.Options(theatres: 12, days: 2, seed: 42, startDate: testStartDate, metros: ["Denver", "Phoenix"])

    @Test func sameSeedSameCatalogueDifferentSeedDiffers() throws {
        func digest(_ options: CatalogueGenerator.Options) throws -> UInt64 {
            let store = try CatalogueStore(path: try temporaryDatabasePath())
            let summary = try CatalogueGenerator(options: options).generate(into: store)
            #expect(summary.theatres == options.theatres)
            #expect(summary.showtimes > 0)
            return try catalogueDigest(store)
        }
        let first = try digest(Self.small)
        #expect(try digest(Self.small) == first)
        var other = Self.small
        other.seed = 43
        #expect(try digest(other) != first)
    }

    @Test func refusesANonEmptyCatalogue() throws {
        let store = try CatalogueStore(path: try temporaryDatabasePath())
        _ = try CatalogueGenerator(options: Self.small).generate(into: store)
        #expect(throws: BoxOfficeError(.failedPrecondition, "the catalogue is not empty: generate into a new database")) {
            try CatalogueGenerator(options: Self.small).generate(into: store)
        }
    }

    @Test func unknownMetroIsRefused() throws {
        let store = try CatalogueStore(path: try temporaryDatabasePath())
        var options = Self.small
        options.metros = ["Gotham"]
        #expect { try CatalogueGenerator(options: options).generate(into: store) } throws: {
            ($0 as? BoxOfficeError)?.code == .invalidArgument
        }
    }

    /// The demo catalogue as each store answers for it (PostgreSQL's copied with COPY).
    @Test(arguments: TestStore.available) func demoHasAboutFiftyTheatresInNewYorkLosAngelesAndChicago(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let summary = try await store.summary()
            #expect((40...60).contains(summary.theatres))
            #expect((30...50).contains(summary.movies))
            #expect(summary.firstDate == TestCatalogue.startDate)
            #expect(summary.lastDate == TestCatalogue.startDate.adding(days: 6))
            for (city, point) in [("New York", Coordinate(latitude: 40.7128, longitude: -74.0060)),
                                  ("Los Angeles", Coordinate(latitude: 34.0522, longitude: -118.2437)),
                                  ("Chicago", Coordinate(latitude: 41.8781, longitude: -87.6298))] {
                let hits = try await store.theatres(near: point, radiusMiles: 30, playing: nil, on: nil)
                #expect(hits.count >= 5, "\(city) has \(hits.count) theatres")
            }
            let hits = try await store.theatres(near: Coordinate(latitude: 33.45, longitude: -112.07), radiusMiles: 40, playing: nil, on: nil)
            #expect(hits.allSatisfy { $0.theatre.timeZone == "America/Phoenix" && $0.theatre.state == "AZ" })
            #expect(Set(hits.map(\.theatre.name)).count == hits.count)
        }
    }

    @Test(arguments: TestStore.available) func generatedScreensHaveValidLayoutsWithCompanionSeats(_ kind: TestStore) async throws {
        try await kind.withStore { store in try await Self.checkScreens(of: store) }
    }

    private static func checkScreens(of store: any TicketStore) async throws {
        var formats = Set<ScreenFormat>()
        for theatreID in Int64(1)...Int64(try await store.summary().theatres) {
            let theatre = try #require(try await store.theatre(id: theatreID))
            let screens = try await store.screens(theatreID: theatreID)
            #expect((4...16).contains(screens.count))
            #expect(screens.count == theatre.screenCount)
            #expect(screens.map(\.name) == (1...screens.count).map { "Auditorium \($0)" })
            for screen in screens {
                formats.insert(screen.format)
                #expect((60...400).contains(screen.layout.capacity))
                // Reparse from the stored text, as the server will.
                let layout = try SeatLayout(encoded: screen.layout.encoded)
                #expect(layout.seats.contains { $0.kind == .wheelchair })
                for seat in layout.seats where seat.kind == .wheelchair {
                    let beside = layout.rows[seat.row].contains { $0.kind == .companion && abs($0.column - seat.column) == 1 }
                    #expect(beside, "\(theatre.name) \(screen.name) \(seat.label) has no companion seat beside it")
                }
                #expect(try await store.screen(id: screen.id) == screen)
            }
        }
        #expect(formats.contains(.standard) && formats.contains(.imax) && formats.contains(.threeD))
    }

    @Test func showtimesFallInLocalDaytimeWithSaneSpacingAndPrices() throws {
        let store = Fixtures.demo
        let rows = try store.dbPool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.screen_id, s.starts_at, s.local_date, t.time_zone, m.runtime_minutes, s.language,
                       s.price_adult, s.price_child, s.price_senior
                FROM showtimes s JOIN theatres t ON t.id = s.theatre_id JOIN movies m ON m.id = s.movie_id
                ORDER BY s.screen_id, s.starts_at
                """)
        }
        #expect(rows.count > 10_000)
        var perScreenDay: [String: Int] = [:]
        var previous: (screen: Int64, end: Int64)?
        var spanish = 0
        for row in rows {
            let screen: Int64 = row[0], startsAt: Int64 = row[1], date: String = row[2], zone: String = row[3]
            let local = try LocalTime().local(startsAt, in: zone)
            #expect(local.date.description == date)
            #expect((10 * 60..<24 * 60).contains(local.minutesAfterMidnight))
            if let previous, previous.screen == screen { #expect(startsAt >= previous.end, "overlapping shows on screen \(screen)") }
            previous = (screen, startsAt + (row[4] as Int64) * 60)
            perScreenDay["\(screen) \(date)", default: 0] += 1
            if row[5] as String == "es" { spanish += 1 }
            let adult: Int64 = row[6], child: Int64 = row[7], senior: Int64 = row[8]
            #expect(child <= adult && senior <= adult && child > 0)
        }
        #expect(perScreenDay.values.allSatisfy { (3...6).contains($0) })
        #expect(spanish > 0 && spanish < rows.count / 4)
    }
}
