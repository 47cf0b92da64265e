import BoxOfficeCore

/// A movie as the generator plans it.
struct PlannedMovie: Sendable {
    var id: Int64
    var title: String
    var rating: String
    var runtimeMinutes: Int
    var genres: [String]
    var releaseDate: LocalDate
    /// Relative draw of audiences; decides how many screens the movie gets.
    var popularity: Double
}

extension CatalogueGenerator {
    /// `count` movies: the hand-written titles first, then composed ones; MPAA ratings, 85-180
    /// minutes, one to three genres, released over the last three months (a few during the run).
    func makeMovies(count: Int) -> [PlannedMovie] {
        var rng = SplitMix64(seed: options.seed, stream: 2)
        var titles = Array(CatalogueData.titles.prefix(count))
        var taken = Set(titles)
        while titles.count < count {
            let adjective = rng.pick(CatalogueData.adjectives), noun = rng.pick(CatalogueData.nouns)
            let place = rng.pick(CatalogueData.places)
            let title = switch rng.below(5) {
            case 0: "The \(adjective) \(noun)"
            case 1: "\(adjective) \(noun)"
            case 2: "\(noun) of \(place)"
            case 3: "The \(noun) of \(place)"
            default: "\(adjective) \(noun) \(rng.int(2...3))"
            }
            if taken.insert(title).inserted { titles.append(title) }
        }
        let start = options.startDate
        return titles.enumerated().map { index, title in
            var genres: [String] = []
            for _ in 0..<rng.int(1...3) {
                let genre = rng.pick(CatalogueData.genres)
                if !genres.contains(genre) { genres.append(genre) }
            }
            genres.sort()
            let family = genres.contains("Animation") || genres.contains("Family")
            let roll = rng.unit()
            let rating = family
                ? (roll < 0.4 ? "G" : "PG")
                : (roll < 0.08 ? "PG" : roll < 0.55 ? "PG-13" : roll < 0.97 ? "R" : "NC-17")
            var runtime = 85 + rng.int(0...55)
            if rng.chance(0.3) { runtime += rng.int(0...40) }
            let release: LocalDate
            let releaseRoll = rng.unit()
            if index < 2 {
                release = start.adding(days: -rng.int(3...14))  // the headline films play every day
            } else if releaseRoll < 0.1, options.days > 1 {
                release = start.adding(days: rng.int(1...(options.days - 1)))  // opens during the run
            } else {
                release = start.adding(days: -rng.int(0...90))
            }
            let popularity = index < 2 ? 8.0 : 0.3 + 3 * rng.unit() * rng.unit() * rng.unit()
            return PlannedMovie(id: Int64(index + 1), title: title, rating: rating, runtimeMinutes: min(180, runtime),
                                genres: genres, releaseDate: release, popularity: popularity)
        }
    }
}
