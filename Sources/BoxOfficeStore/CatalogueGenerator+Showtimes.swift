import BoxOfficeCore
import Foundation

extension CatalogueGenerator {
    /// One generated showing, ready to insert.
    struct Show {
        var screenID: Int64
        var movieID: Int64
        var startsAt: Int64
        var localDate: String
        var format: String
        var language: String
        var prices: Prices
    }

    /// Writes each theatre's days: a screen keeps its movie for a week (new films open on Fridays),
    /// shows run from late morning to late night spaced by runtime plus cleaning, in the theatre's
    /// own time zone.
    struct Scheduler {
        let options: Options
        let movies: [PlannedMovie]
        let dates: [LocalDate]
        let dateTexts: [String]
        /// Per day: indexes of movies playing, and running sums of their audience weights.
        let playing: [(movies: [Int], cumulative: [Double])]
        /// Per day, the top few movies: what premium-format screens show.
        let headliners: [[Int]]
        /// Per time zone, per day: unix seconds of that day's local midnight as seen from noon.
        private var midnights: [String: [Int64]] = [:]

        static let firstShow = 10 * 60 + 45
        static let lastShow = 23 * 60
        /// Short films would fit seven; real houses stagger them with other screens instead.
        static let maxShowsPerDay = 6

        init(options: Options, movies: [PlannedMovie]) {
            self.options = options
            self.movies = movies
            dates = (0..<options.days).map { options.startDate.adding(days: $0) }
            dateTexts = dates.map(\.description)
            var playing: [(movies: [Int], cumulative: [Double])] = []
            var headliners: [[Int]] = []
            for date in dates {
                var indexes: [Int] = []
                var weights: [Double] = []
                for (index, movie) in movies.enumerated() {
                    let age = date.daysSinceEpoch - movie.releaseDate.daysSinceEpoch
                    guard age >= 0, age < 120 else { continue }
                    indexes.append(index)
                    // Audiences fade over the weeks after release.
                    weights.append(movie.popularity * exp(-Double(age) / 35))
                }
                var total = 0.0
                playing.append((indexes, weights.map { total += $0; return total }))
                let ranked = zip(indexes, weights).sorted { ($0.1, -$0.0) > ($1.1, -$1.0) }.map(\.0)
                headliners.append(Array(ranked.prefix(3)))
            }
            self.playing = playing
            self.headliners = headliners
        }

        mutating func schedule(_ theatre: PlannedTheatre, emit: (Show) throws -> Void) throws {
            var rng = SplitMix64(seed: options.seed, stream: 0x5C4E_D000_0000 + UInt64(theatre.id))
            let midnight = try midnights(theatre.timeZone)
            let spanishShare = CatalogueData.spanishStates.contains(theatre.state) ? 0.12 : 0.03
            let basePrice = Self.basePrice(theatre)
            for screen in theatre.screens {
                let premium = screen.format != .standard && screen.format != .threeD
                let firstStart = Self.firstShow + rng.int(0...15) * 5
                // Trailers, then cleaning and seating between shows.
                let turnaround = rng.int(30...40)
                var movie: Int?
                var language = "en"
                for day in 0..<dates.count {
                    let isFriday = (dates[day].daysSinceEpoch + 4) % 7 == 5  // 1970-01-01 was a Thursday
                    if movie == nil || isFriday || !playing[day].movies.contains(movie!) {
                        movie = premium || playing[day].movies.isEmpty
                            ? headliners[day].isEmpty ? nil : rng.pick(headliners[day])
                            : playing[day].movies[rng.weightedIndex(playing[day].cumulative)]
                        language = rng.chance(spanishShare) ? "es" : "en"
                    }
                    guard let current = movie else { continue }
                    let film = movies[current]
                    var minute = firstStart
                    var shows = 0
                    while minute <= Self.lastShow && shows < Self.maxShowsPerDay {
                        shows += 1
                        try emit(Show(
                            screenID: screen.id, movieID: film.id, startsAt: midnight[day] + Int64(minute) * 60,
                            localDate: dateTexts[day], format: screen.format.rawValue, language: language,
                            prices: Self.prices(base: basePrice, format: screen.format, minute: minute)))
                        // Next show on a five-minute mark.
                        minute = (minute + film.runtimeMinutes + turnaround + 4) / 5 * 5
                    }
                }
            }
        }

        /// The instant of each day's local midnight, as the noon offset sees it. US zones change
        /// at 2 a.m., so every show (10:45 to 23:00) shares the offset of that day's noon.
        private static let localTime = LocalTime()

        private mutating func midnights(_ zone: String) throws -> [Int64] {
            if let cached = midnights[zone] { return cached }
            let values = try dates.map { try Self.localTime.unixSeconds(on: $0, minutesAfterMidnight: 12 * 60, in: zone) - 12 * 3600 }
            midnights[zone] = values
            return values
        }

        /// Evening adult price in cents before format surcharges: by city size, state and chain.
        static func basePrice(_ theatre: PlannedTheatre) -> Int {
            var cents = theatre.cityZipCount >= 30 ? 1500 : theatre.cityZipCount >= 10 ? 1350 : theatre.cityZipCount >= 3 ? 1200 : 1050
            if CatalogueData.expensiveStates.contains(theatre.state) { cents += 200 }
            switch theatre.chain {
            case "Alamo Drafthouse", "Studio Movie Grill": cents += 100
            case CatalogueData.independent: cents -= 150
            default: break
            }
            return cents
        }

        static func prices(base: Int, format: ScreenFormat, minute: Int) -> Prices {
            let surcharge = switch format {
            case .imax: 600
            case .dolbyCinema: 500
            case .premiumLarge: 400
            case .threeD: 300
            case .standard: 0
            }
            var adult = base + surcharge
            if minute < 16 * 60 { adult = adult * 3 / 4 }  // matinee
            let round = { (cents: Int) in Int64((cents + 12) / 25 * 25) }
            // Premium seats (recliners in the back rows) cost more, and more in the big formats, as chains charge.
            let premiumExtra = format == .standard || format == .threeD ? 300 : 400
            return Prices(adultCents: round(adult), childCents: round(adult * 3 / 4), seniorCents: round(adult * 17 / 20),
                          premiumExtraCents: Int64(premiumExtra))
        }
    }
}
