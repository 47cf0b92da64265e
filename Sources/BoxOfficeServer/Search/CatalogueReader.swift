import BoxOfficeCore
import BoxOfficeStore

/// Reads the catalogue through the store's `CatalogueReading` and keeps the answers in bounded
/// LRU caches with a time to live.
final class CatalogueReader: Sendable {
    let store: any CatalogueReading
    private let locations: LRUCache<LocationQuery, ResolvedLocation>
    private let theatreHits: LRUCache<TheatreSearchKey, [TheatreHit]>
    private let theatresByID: LRUCache<Int64, TheatreRecord>
    private let screenLists: LRUCache<Int64, [ScreenRecord]>
    private let movieLists: LRUCache<MovieSearchKey, [MovieRecord]>
    private let showtimeLists: LRUCache<ShowtimeSearchKey, [ShowtimeRecord]>
    private let showtimesByID: LRUCache<Int64, ShowtimeRecord>

    struct TheatreSearchKey: Hashable, Sendable {
        var coordinate: Coordinate
        var radiusMiles: Double
        var movieID: Int64?
        var date: LocalDate?
    }

    struct MovieSearchKey: Hashable, Sendable {
        var title: String?
        var theatreIDs: [Int64]?
        var date: LocalDate?
    }

    struct ShowtimeSearchKey: Hashable, Sendable {
        var theatreIDs: [Int64]
        var movieID: Int64?
        var date: LocalDate
    }

    init(store: any CatalogueReading, configuration: ServerConfiguration, metrics: ServerMetrics) {
        self.store = store
        let capacity = configuration.cacheCapacity
        let ttl = configuration.cacheTimeToLive
        locations = LRUCache(name: "locations", capacity: capacity, timeToLive: ttl, metrics: metrics)
        theatreHits = LRUCache(name: "theatre-searches", capacity: capacity, timeToLive: ttl, metrics: metrics)
        theatresByID = LRUCache(name: "theatres", capacity: capacity, timeToLive: ttl, metrics: metrics)
        screenLists = LRUCache(name: "screens", capacity: capacity, timeToLive: ttl, metrics: metrics)
        movieLists = LRUCache(name: "movie-searches", capacity: capacity, timeToLive: ttl, metrics: metrics)
        showtimeLists = LRUCache(name: "showtime-searches", capacity: capacity, timeToLive: ttl, metrics: metrics)
        showtimesByID = LRUCache(name: "showtimes", capacity: capacity, timeToLive: ttl, metrics: metrics)
    }

    func resolve(_ query: LocationQuery) async throws -> ResolvedLocation {
        try await cached(query, in: locations) { store in try await store.resolve(query) }
    }

    func theatres(near coordinate: Coordinate, radiusMiles: Double, playing movieID: Int64?, on date: LocalDate?) async throws -> [TheatreHit] {
        let key = TheatreSearchKey(coordinate: coordinate, radiusMiles: radiusMiles, movieID: movieID, date: date)
        return try await cached(key, in: theatreHits) { store in
            try await store.theatres(near: coordinate, radiusMiles: radiusMiles, playing: movieID, on: date)
        }
    }

    func theatre(id: Int64) async throws -> TheatreRecord? {
        try await cachedOptional(id, in: theatresByID) { store in try await store.theatre(id: id) }
    }

    func screens(theatreID: Int64) async throws -> [ScreenRecord] {
        try await cached(theatreID, in: screenLists) { store in try await store.screens(theatreID: theatreID) }
    }

    func screen(id: Int64) async throws -> ScreenRecord? {
        try await store.screen(id: id)
    }

    func movie(id: Int64) async throws -> MovieRecord? {
        try await store.movie(id: id)
    }

    func movies(title: String?, playingAt theatreIDs: [Int64]?, on date: LocalDate?) async throws -> [MovieRecord] {
        let key = MovieSearchKey(title: title, theatreIDs: theatreIDs, date: date)
        return try await cached(key, in: movieLists) { store in
            try await store.movies(title: title, playingAt: theatreIDs, on: date)
        }
    }

    func showtimes(theatreIDs: [Int64], movieID: Int64?, on date: LocalDate) async throws -> [ShowtimeRecord] {
        let key = ShowtimeSearchKey(theatreIDs: theatreIDs, movieID: movieID, date: date)
        return try await cached(key, in: showtimeLists) { store in
            try await store.showtimes(theatreIDs: theatreIDs, movieID: movieID, on: date)
        }
    }

    func showtime(id: Int64) async throws -> ShowtimeRecord? {
        try await cachedOptional(id, in: showtimesByID) { store in try await store.showtime(id: id) }
    }

    func summary() async throws -> CatalogueSummary {
        try await store.summary()
    }

    /// Cache hit ratio over all catalogue caches, for `info` and metrics.
    var cacheStatistics: (hits: Int, misses: Int) {
        let all = [locations.statistics, theatreHits.statistics, theatresByID.statistics, screenLists.statistics,
                   movieLists.statistics, showtimeLists.statistics, showtimesByID.statistics]
        return all.reduce((0, 0)) { ($0.0 + $1.hits, $0.1 + $1.misses) }
    }

    // MARK: Plumbing

    private func cached<K, V>(_ key: K, in cache: LRUCache<K, V>, load: (any CatalogueReading) async throws -> V) async throws -> V {
        if let hit = cache.value(forKey: key) {
            cache.counters?.record(hit: true)
            return hit
        }
        cache.counters?.record(hit: false)
        let value = try await load(store)
        cache.insert(value, forKey: key)
        return value
    }

    private func cachedOptional<K, V>(_ key: K, in cache: LRUCache<K, V>, load: (any CatalogueReading) async throws -> V?) async throws -> V? {
        if let hit = cache.value(forKey: key) {
            cache.counters?.record(hit: true)
            return hit
        }
        cache.counters?.record(hit: false)
        guard let value = try await load(store) else { return nil }
        cache.insert(value, forKey: key)
        return value
    }
}
