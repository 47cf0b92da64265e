import ArgumentParser
import BoxOfficeCore
import BoxOfficeProto
import Testing
@testable import BoxOfficeCLI

@Suite("showtimes")
struct ShowtimesDisplayTests {
    @Test func aTableWithThreePricesAndStartedShowsMarked() {
        let answer = Boxoffice_V1_SearchShowtimesResponse.with {
            $0.showtimes = [
                show(id: 7, startsAtMs: utcMs(2026, 7, 1, 15, 0), started: true, left: 80),
                show(id: 9, startsAtMs: utcMs(2026, 7, 1, 23, 30)),
                show(id: 10, startsAtMs: utcMs(2026, 7, 2, 0, 15), left: 0),
            ]
            $0.total = 3
        }
        let text = ShowtimesTable(answer, pageToken: "", oneTheatre: true).render()
        #expect(text == """
            Cinemark Astoria 10
            ID  STARTS                   MOVIE              SCREEN        FORMAT  LANG   ADULT  CHILD  SENIOR     LEFT  STATUS
            --  -----------------------  -----------------  ------------  ------  ----  ------  -----  ------  -------  --------
             7  Wed Jul 1, 11:00 AM EDT  Paper Moon Rising  Auditorium 3  IMAX    en    $12.75  $9.50  $10.25        -  started
             9  Wed Jul 1, 7:30 PM EDT   Paper Moon Rising  Auditorium 3  IMAX    en    $12.75  $9.50  $10.25  120/120  on sale
            10  Wed Jul 1, 8:15 PM EDT   Paper Moon Rising  Auditorium 3  IMAX    en    $12.75  $9.50  $10.25    0/120  sold out
            1–3 of 3

            """)
    }

    @Test func severalTheatresKeepTheTheatreColumn() {
        let answer = Boxoffice_V1_SearchShowtimesResponse.with {
            $0.showtimes = [show(id: 1, startsAtMs: utcMs(2026, 7, 1, 23, 30)),
                            show(id: 2, theatre: 4, theatreName: "Brooklyn Palace", startsAtMs: utcMs(2026, 7, 1, 23, 45))]
            $0.total = 9
            $0.nextPageToken = "2.abc"
        }
        let lines = ShowtimesTable(answer, pageToken: "", oneTheatre: false).render().split(separator: "\n")
        #expect(lines[0].hasPrefix("ID  STARTS"))
        #expect(lines[0].contains("THEATRE"))
        #expect(lines[3].contains("Brooklyn Palace"))
        #expect(lines.last == "1–2 of 9; next page: --page-token 2.abc")
    }

    @Test func fromTakesATimeOfDay() throws {
        #expect(try ShowtimesCommand.parseTimeOfDay("18:30") == "18:30")
        #expect(try ShowtimesCommand.parseTimeOfDay("9:05") == "09:05")
        #expect(try ShowtimesCommand.parseTimeOfDay("00:00") == "00:00")
        #expect(try ShowtimesCommand.parseTimeOfDay("23:59") == "23:59")
        for bad in ["24:00", "12:60", "1230", "ab:cd", "12:5", "", "12:30:00", "-1:30", "١٢:٣٠"] {
            let error = #expect(throws: ValidationError.self) { try ShowtimesCommand.parseTimeOfDay(bad) }
            #expect(error?.message.contains("--from") == true, "\(bad)")
        }
    }

    @Test func todayAsksForUpcomingShowsFromForATimeAllDayForNeither() throws {
        let today = LocalDate(year: 2026, month: 7, day: 1)
        func request(_ arguments: [String]) throws -> Boxoffice_V1_SearchShowtimesRequest {
            try ShowtimesCommand.parse(["--theatre", "8"] + arguments).request(today: today)
        }
        #expect(try request([]).upcomingOnly)
        #expect(try request([]).fromLocalTime == "")
        #expect(try request(["--date", "2026-07-01"]).upcomingOnly)
        #expect(try request(["--date", "2026-07-02"]).upcomingOnly == false)
        let from = try request(["--from", "18:00"])
        #expect(from.fromLocalTime == "18:00" && !from.upcomingOnly)
        let allDay = try request(["--all-day"])
        #expect(allDay.fromLocalTime == "" && !allDay.upcomingOnly)
        #expect(throws: (any Error).self) { try ShowtimesCommand.parse(["--theatre", "8", "--from", "18:00", "--all-day"]) }
        #expect(throws: (any Error).self) { try ShowtimesCommand.parse(["--theatre", "8", "--from", "25:00"]) }
    }
}
