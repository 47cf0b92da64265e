import BoxOfficeCore

/// The word lists the catalogue generator draws from. Data only.
enum CatalogueData {
    struct Chain: Sendable {
        var name: String
        /// States where the chain operates; empty = nationwide.
        var states: Set<String>
        var weight: Double
        var screens: ClosedRange<Int>
        /// "AMC Empire 25" carries the screen count; "Alamo Drafthouse Lakeline" does not.
        var numbered: Bool
    }

    static let independent = "Independent"

    static let chains: [Chain] = [
        Chain(name: "AMC", states: [], weight: 8, screens: 8...16, numbered: true),
        Chain(name: "Regal", states: [], weight: 6, screens: 8...16, numbered: true),
        Chain(name: "Cinemark", states: [], weight: 5, screens: 8...16, numbered: true),
        Chain(name: "Marcus", states: ["WI", "MN", "IL", "IA", "NE", "OH", "MO", "ND"], weight: 7, screens: 8...14, numbered: true),
        Chain(name: "Harkins", states: ["AZ"], weight: 14, screens: 8...16, numbered: true),
        Chain(name: "Alamo Drafthouse", states: ["TX", "CO", "NY", "CA", "VA", "MO", "MN", "AZ", "NC"], weight: 2, screens: 6...10, numbered: false),
        Chain(name: "Studio Movie Grill", states: ["TX", "GA", "FL", "CA", "PA", "OH", "IL"], weight: 1.5, screens: 6...12, numbered: false),
        Chain(name: "Showcase", states: ["MA", "RI", "NJ", "NY", "OH"], weight: 4, screens: 8...14, numbered: true),
        Chain(name: independent, states: [], weight: 4, screens: 4...6, numbered: false),
    ]

    static let descriptors = [
        "Empire", "Plaza", "Town Center", "Commons", "Crossing", "Marketplace", "Square", "Mall", "Park Place",
        "Village", "Galleria", "Station", "Pointe", "Landing", "Stadium", "Center", "Riverside", "Westgate",
        "Eastgate", "Northpark", "Southlands", "Lakeside", "Metro", "Gateway", "Harbor", "Uptown", "Downtown",
        "Promenade", "Parkway", "Fiesta", "Grand", "Palace", "Majestic", "Highlands", "Junction", "Creekside",
    ]

    static let independentNames = ["Bijou", "Capitol Theatre", "State Theatre", "Roxy Cinema", "Majestic Theatre",
                                   "Paramount", "Rialto", "Strand", "Orpheum", "Starlight Cinemas", "Palace Cinemas",
                                   "Lyric Theatre", "Grand Cinema", "Uptown Theatre", "Regent"]

    static let streetNames = [
        "Main", "Broadway", "Market", "Oak", "Maple", "Washington", "Lincoln", "Park", "Lake", "Hill", "Center",
        "Church", "Elm", "Pine", "Cedar", "Highland", "Sunset", "River", "Spring", "Union", "Commerce", "Jefferson",
        "Franklin", "Madison", "Mill", "Valley", "Ridge", "College", "Grand", "Harbor", "Meadow", "Willow",
    ]
    static let streetSuffixes = ["St", "Ave", "Blvd", "Rd", "Dr", "Pkwy", "Way", "Pl"]

    /// Metros a demo or partial catalogue may be limited to: centre and radius in miles.
    struct Metro: Sendable {
        var name: String
        var center: Coordinate
        var radiusMiles: Double
    }

    static let metros: [Metro] = [
        Metro(name: "New York", center: Coordinate(latitude: 40.7128, longitude: -74.0060), radiusMiles: 20),
        Metro(name: "Los Angeles", center: Coordinate(latitude: 34.0522, longitude: -118.2437), radiusMiles: 25),
        Metro(name: "Chicago", center: Coordinate(latitude: 41.8781, longitude: -87.6298), radiusMiles: 20),
        Metro(name: "Houston", center: Coordinate(latitude: 29.7604, longitude: -95.3698), radiusMiles: 25),
        Metro(name: "Phoenix", center: Coordinate(latitude: 33.4484, longitude: -112.0740), radiusMiles: 25),
        Metro(name: "Denver", center: Coordinate(latitude: 39.7392, longitude: -104.9903), radiusMiles: 20),
        Metro(name: "Philadelphia", center: Coordinate(latitude: 39.9526, longitude: -75.1652), radiusMiles: 20),
        Metro(name: "Dallas", center: Coordinate(latitude: 32.7767, longitude: -96.7970), radiusMiles: 25),
        Metro(name: "San Francisco", center: Coordinate(latitude: 37.7749, longitude: -122.4194), radiusMiles: 25),
        Metro(name: "Seattle", center: Coordinate(latitude: 47.6062, longitude: -122.3321), radiusMiles: 20),
        Metro(name: "Boston", center: Coordinate(latitude: 42.3601, longitude: -71.0589), radiusMiles: 20),
        Metro(name: "Washington", center: Coordinate(latitude: 38.9072, longitude: -77.0369), radiusMiles: 20),
        Metro(name: "Atlanta", center: Coordinate(latitude: 33.7490, longitude: -84.3880), radiusMiles: 25),
        Metro(name: "Miami", center: Coordinate(latitude: 25.7617, longitude: -80.1918), radiusMiles: 25),
        Metro(name: "Minneapolis", center: Coordinate(latitude: 44.9778, longitude: -93.2650), radiusMiles: 20),
        Metro(name: "Las Vegas", center: Coordinate(latitude: 36.1699, longitude: -115.1398), radiusMiles: 20),
        Metro(name: "Honolulu", center: Coordinate(latitude: 21.3069, longitude: -157.8583), radiusMiles: 20),
    ]

    /// States where Spanish-language showings are common.
    static let spanishStates: Set<String> = ["TX", "CA", "AZ", "NM", "FL", "NV", "CO", "PR", "IL", "NY", "NJ"]
    /// States where tickets cost more.
    static let expensiveStates: Set<String> = ["NY", "CA", "MA", "NJ", "WA", "DC", "IL", "HI", "CT"]

    static let genres = ["Action", "Adventure", "Animation", "Comedy", "Crime", "Documentary", "Drama", "Family",
                         "Fantasy", "Horror", "Musical", "Mystery", "Romance", "Science Fiction", "Thriller", "War", "Western"]

    /// Hand-written titles, always used first (so every catalogue, even the demo, has them).
    static let titles = [
        "Avengers: Secret Wars", "Star Wars: Legacy of the Jedi", "The Last Lighthouse", "Midnight in Memphis",
        "Paper Moon Rising", "The Quiet Orchard", "Fast Lane 4", "Dragon Keepers", "Coyote Summer", "The Glass Harbor",
        "Blue Ridge Runaways", "Ocean's Echo", "Iron Prairie", "The Cartographer", "Hollow Pines", "Neon Desert",
        "Frozen Frontier", "Little Big Chef", "The Heist at Halloway", "Sunset Boulevard Blues", "Galaxy Rangers",
        "Whispering Canyon", "Jurassic Dawn", "The Wild Robot Returns", "Ballad of the Bayou", "Detective Marlowe",
        "Spider-Verse: Beyond", "Mission: Overdrive", "Kings of Queens", "Harvest Moon", "The Long Goodbye Road",
        "Pocket Monsters: The Movie", "Echoes of Apollo", "Tidewater", "The Brave Little Toaster Oven", "Lost in Lisbon",
        "Thunder Road", "Cowboys & Comets", "The Ninth Gate Keeper", "Camp Wanakee", "Dune Messiah",
        "Gravity's Edge", "A Quiet Storm", "The Matchmaker of Manhattan", "Rust Belt", "The Silent Sea",
        "Panther Queen", "Super Sunday", "Haunting on Hill Street", "Alien: Covenant Rising", "The Magnificent Nine",
        "Monster Truck Mayhem", "Grandma's House", "Velvet Revolver", "The Summer We Flew", "Operation Nightfall",
        "Skyline Sisters", "The Lion of Judah", "Bad Hair Day", "Counting Stars", "Tornado Alley", "The Ghost Ship Marie",
        "Big Easy", "Red Planet Blues", "Shadow Protocol", "Moonstruck Again", "The Inventors", "Frankenstein's Bride",
        "Treasure of Sierra Vista", "Los Hermanos", "Amor en Miami", "La Frontera", "Sweet Caroline", "The Good Dinosaur 2",
        "Top Gun: Horizon", "Back to the Drive-In", "Wolves of Wall Street", "Rocky Road", "Murder on the Amtrak",
    ]

    /// Word pools for the rest of the ~300 titles.
    static let adjectives = ["Silent", "Broken", "Golden", "Crimson", "Hidden", "Last", "Forgotten", "Wild", "Burning",
                             "Endless", "Savage", "Electric", "Distant", "Hollow", "Iron", "Secret", "Frozen", "Midnight",
                             "Scarlet", "Restless", "Northern", "Lonely", "Shattered", "Sacred", "Reckless"]
    static let nouns = ["River", "Kingdom", "Horizon", "Empire", "Signal", "Harbor", "Frontier", "Orchard", "Circuit",
                        "Garden", "Highway", "Citadel", "Shore", "Valley", "Crown", "Machine", "Comet", "Prophecy",
                        "Inheritance", "Witness", "Country", "Season", "Protocol", "Sanctuary", "Carnival"]
    static let places = ["Tomorrow", "the Deep", "Shadows", "Avalon", "the North", "Eden", "the Lost", "Brooklyn",
                         "Savannah", "Tucson", "the Storm", "Mars", "the Sun", "Fire", "Glass"]
}
