import BoxOfficeCore

/// A theatre as the generator plans it, before it is written.
struct PlannedTheatre: Sendable {
    var id: Int64
    var chain: String
    var name: String
    var street: String
    var city: String
    var state: String
    var zip: String
    var coordinate: Coordinate
    var timeZone: String
    var screens: [PlannedScreen]
    /// STANDARD ZIPs in the theatre's city: the generator's stand-in for city size (prices, screens).
    var cityZipCount: Int
}

struct PlannedScreen: Sendable {
    var id: Int64
    var number: Int
    var format: ScreenFormat
    var layout: String
    var capacity: Int
}

extension CatalogueGenerator {
    /// A city and its STANDARD ZIP codes (in ZIP order).
    struct City {
        var state: String
        var name: String
        var zips: [ZipCode]
        /// Theatres a city may hold. Weighting by ZIP count alone piles dozens of theatres into
        /// Manhattan; real cities top out at a few dozen and small towns have one.
        var cap: Int { min(25, max(1, zips.count / 2)) }
    }

    /// Places `options.theatres` theatres at real STANDARD ZIP codes, by city, weighted by the
    /// city's ZIP count (a rough proxy for population) and capped per city.
    func placeTheatres(_ directory: [ZipCode]) throws -> [PlannedTheatre] {
        let places = directory.filter { $0.type == "STANDARD" && $0.isPlace }
        var regions: [(name: String, zips: [ZipCode], theatres: Int)] = []
        if let metroNames = options.metros {
            guard !metroNames.isEmpty else { throw BoxOfficeError.invalidArgument("metros is empty: give at least one, or nil for the whole country") }
            for (index, name) in metroNames.enumerated() {
                let key = name.split(separator: ",").first.map { String($0).lowercased() } ?? ""
                guard let metro = CatalogueData.metros.first(where: { $0.name.lowercased() == key }) else {
                    throw BoxOfficeError.invalidArgument("unknown metro \"\(name)\": known are \(CatalogueData.metros.map(\.name).joined(separator: ", "))")
                }
                // Round-robin share, so a demo has theatres in every metro it names.
                let share = options.theatres / metroNames.count + (index < options.theatres % metroNames.count ? 1 : 0)
                let zips = places.filter { $0.coordinate.distanceInMiles(to: metro.center) <= metro.radiusMiles }
                regions.append((metro.name, zips, share))
            }
        } else {
            regions.append(("the United States", places, options.theatres))
        }

        var rng = SplitMix64(seed: options.seed, stream: 1)
        var planned: [PlannedTheatre] = []
        var usedNames = Set<String>()
        var usedZips = Set<String>()
        for region in regions where region.theatres > 0 {
            let cities = Self.cities(region.zips)
            guard cities.reduce(0, { $0 + $1.cap }) >= region.theatres else {
                throw BoxOfficeError.invalidArgument("\(region.name) has room for fewer than \(region.theatres) theatres")
            }
            var cumulative: [Double] = []
            var total = 0.0
            for city in cities { total += Double(city.zips.count); cumulative.append(total) }
            var counts = [Int](repeating: 0, count: cities.count)
            var placed = 0
            var rejections = 0
            while placed < region.theatres {
                let c = rng.weightedIndex(cumulative)
                guard counts[c] < cities[c].cap else {
                    rejections += 1
                    if rejections > 10_000_000 { throw BoxOfficeError.internalError("theatre placement did not converge") }
                    continue
                }
                counts[c] += 1
                placed += 1
                planned.append(makeTheatre(in: cities[c], rng: &rng, usedNames: &usedNames, usedZips: &usedZips))
            }
        }
        // Ids in placement order: stable for a seed.
        var screenID: Int64 = 1
        for index in planned.indices {
            planned[index].id = Int64(index + 1)
            for s in planned[index].screens.indices {
                planned[index].screens[s].id = screenID
                screenID += 1
            }
        }
        return planned
    }

    /// Groups ZIPs by (state, city), in a fixed order (never a dictionary's).
    static func cities(_ zips: [ZipCode]) -> [City] {
        let sorted = zips.sorted { ($0.state, $0.city, $0.zip) < ($1.state, $1.city, $1.zip) }
        var cities: [City] = []
        for zip in sorted {
            if let last = cities.last, last.state == zip.state, last.name == zip.city {
                cities[cities.count - 1].zips.append(zip)
            } else {
                cities.append(City(state: zip.state, name: zip.city, zips: [zip]))
            }
        }
        return cities
    }

    private func makeTheatre(in city: City, rng: inout SplitMix64, usedNames: inout Set<String>, usedZips: inout Set<String>) -> PlannedTheatre {
        var zip = rng.pick(city.zips)
        for _ in 0..<4 where usedZips.contains(zip.zip) { zip = rng.pick(city.zips) }
        usedZips.insert(zip.zip)

        let small = city.zips.count <= 2
        let eligible = CatalogueData.chains.filter { $0.states.isEmpty || $0.states.contains(city.state) }
        var cumulative: [Double] = []
        var total = 0.0
        for chain in eligible {
            // Small towns mostly have an independent house; the big chains are in cities.
            let weight = chain.name == CatalogueData.independent ? (small ? 12 : chain.weight) : (small ? chain.weight / 2 : chain.weight)
            total += weight
            cumulative.append(total)
        }
        let chain = eligible[rng.weightedIndex(cumulative)]
        var screenCount = rng.int(chain.screens)
        if small { screenCount = min(screenCount, 10) }
        screenCount = min(16, max(4, screenCount))

        let name = Self.uniqueName(chain: chain, city: city.name, screens: screenCount, rng: &rng, used: &usedNames)
        let street = "\(rng.int(100...9899)) \(rng.pick(CatalogueData.streetNames)) \(rng.pick(CatalogueData.streetSuffixes))"
        // A little jitter so theatres sharing a ZIP are not at one point.
        let coordinate = Coordinate(latitude: zip.coordinate.latitude + (rng.unit() - 0.5) * 0.012,
                                    longitude: zip.coordinate.longitude + (rng.unit() - 0.5) * 0.012)
        return PlannedTheatre(
            id: 0, chain: chain.name, name: name, street: street, city: zip.city, state: zip.state, zip: zip.zip,
            coordinate: coordinate, timeZone: zip.timeZone, screens: Self.makeScreens(count: screenCount, rng: &rng),
            cityZipCount: city.zips.count)
    }

    /// "AMC Empire 16", "Regal Denver Crossing 12", "Alamo Drafthouse Westgate", "Boise Bijou".
    private static func uniqueName(chain: CatalogueData.Chain, city: String, screens: Int, rng: inout SplitMix64,
                                   used: inout Set<String>) -> String {
        func candidate(_ attempt: Int) -> String {
            let descriptor = rng.pick(CatalogueData.descriptors)
            let suffix = chain.numbered ? " \(screens)" : ""
            if chain.name == CatalogueData.independent {
                let house = rng.pick(CatalogueData.independentNames)
                return attempt == 0 ? "\(city) \(house)" : "\(house) \(descriptor) \(city)"
            }
            switch attempt {
            case 0 where rng.chance(0.5): return "\(chain.name) \(descriptor)\(suffix)"
            case 0, 1: return "\(chain.name) \(city)\(suffix)"
            default: return "\(chain.name) \(city) \(descriptor)\(suffix)"
            }
        }
        for attempt in 0..<8 {
            let name = candidate(attempt)
            if used.insert(name).inserted { return name }
        }
        var number = 2
        while true {
            let name = "\(candidate(2)) \(number)"
            if used.insert(name).inserted { return name }
            number += 1
        }
    }
}
