import BoxOfficeCore
import BoxOfficeStore
import BoxOfficeTesting
import Testing

@Suite struct TimeZoneTests {
    @Test func phoenixHasNoSummerTimeDenverDoes() throws {
        let july = LocalDate(year: 2025, month: 7, day: 15), january = LocalDate(year: 2025, month: 1, day: 15)
        let sevenPM = 19 * 60
        let phoenixJuly = try LocalTime().unixSeconds(on: july, minutesAfterMidnight: sevenPM, in: "America/Phoenix")
        let denverJuly = try LocalTime().unixSeconds(on: july, minutesAfterMidnight: sevenPM, in: "America/Denver")
        #expect(phoenixJuly - denverJuly == 3600)
        #expect(phoenixJuly == 1_752_631_200)  // 2025-07-16T02:00:00Z
        let phoenixJanuary = try LocalTime().unixSeconds(on: january, minutesAfterMidnight: sevenPM, in: "America/Phoenix")
        let denverJanuary = try LocalTime().unixSeconds(on: january, minutesAfterMidnight: sevenPM, in: "America/Denver")
        #expect(phoenixJanuary == denverJanuary)
        let back = try LocalTime().local(denverJuly, in: "America/Denver")
        #expect(back.date == july && back.minutesAfterMidnight == sevenPM)
    }

    /// On both stores: PostgreSQL gets the generated catalogue through COPY, and its instants and
    /// local dates must come back as the generator wrote them.
    @Test(arguments: TestStore.available) func showsOnADaylightSavingChangeDayKeepTheirWallClockTime(_ kind: TestStore) async throws {
        // 2025-03-09: clocks go forward in Denver, not in Phoenix.
        let start = LocalDate(year: 2025, month: 3, day: 8)
        let options = CatalogueGenerator.Options(theatres: 4, days: 3, seed: 9, startDate: start, metros: ["Denver", "Phoenix"])
        try await kind.withStore(generating: options) { store in
            var zones = Set<String>()
            for theatreID in Int64(1)...4 {
                let theatre = try #require(try await store.theatre(id: theatreID))
                zones.insert(theatre.timeZone)
                for day in 0..<3 {
                    let shows = try await store.showtimes(theatreIDs: [theatreID], movieID: nil, on: start.adding(days: day))
                    #expect(!shows.isEmpty)
                    for show in shows {
                        let local = try LocalTime().local(show.startsAt, in: theatre.timeZone)
                        #expect(local.date == show.localDate)
                        #expect((10 * 60 + 45...23 * 60).contains(local.minutesAfterMidnight))
                        #expect(local.minutesAfterMidnight % 5 == 0)
                    }
                }
            }
            #expect(zones == ["America/Denver", "America/Phoenix"])
        }
    }

    @Test func unknownZoneIsAnError() {
        #expect(throws: BoxOfficeError.self) {
            try LocalTime().unixSeconds(on: LocalDate(year: 2025, month: 1, day: 1), minutesAfterMidnight: 0, in: "Mars/Olympus")
        }
    }
}

@Suite struct LocalTimePreloadTests {
    @Test func aCatalogueZoneTheSystemLacksStopsTheLoadNamingIt() {
        #expect(throws: BoxOfficeError.internalError("unknown time zone \"Mars/Olympus\": the catalogue names a zone this system's time-zone database lacks")) {
            _ = try LocalTime(preloading: ["America/Denver", "Mars/Olympus"])
        }
    }

    @Test func preloadedZonesAnswerWithoutFallingBackToUTC() throws {
        let local = try LocalTime(preloading: ["Pacific/Honolulu"])
        #expect(try local.rfc3339(unixSeconds: 0, in: "Pacific/Honolulu") == "1969-12-31T14:00:00-10:00")
    }
}
