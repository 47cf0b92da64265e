// Builders for the display tests: instants in UTC and showtimes made by hand.
import BoxOfficeCore
import BoxOfficeProto
@testable import BoxOfficeCLI

/// Unix milliseconds of a UTC wall-clock time.
func utcMs(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Int64 {
    Int64(LocalDate(year: year, month: month, day: day).daysSinceEpoch * 86_400 + hour * 3600 + minute * 60) * 1000
}

/// A showtime at a New York theatre with adult $12.75, child $9.50, senior $10.25, premium +$2.50.
func show(id: Int64, theatre: Int64 = 8, theatreName: String = "Cinemark Astoria 10", startsAtMs: Int64,
          started: Bool = false, left: UInt32 = 120) -> Boxoffice_V1_Showtime {
    .with {
        $0.id = id
        $0.theatreID = theatre
        $0.theatreName = theatreName
        $0.movieTitle = "Paper Moon Rising"
        $0.screenName = "Auditorium 3"
        $0.startsAtMs = startsAtMs
        $0.timeZone = "America/New_York"
        $0.format = .imax
        $0.language = "en"
        $0.prices = .with {
            $0.adultCents = 1275
            $0.childCents = 950
            $0.seniorCents = 1025
            $0.premiumExtraCents = 250
        }
        $0.capacity = 120
        $0.seatsLeft = left
        $0.started = started
    }
}

