public import BoxOfficeCore
import GRDB

/// The store on SQLite: the `CatalogueStore` file behind the blocking pool, so every job of
/// `TicketStore` runs its GRDB call on a pool thread. The embedded default; a PostgreSQL store
/// conforms to the same protocols.
public struct SQLiteStore: TicketStore {
    /// The database file and its synchronous queries (the catalogue generator and tools use it directly).
    public let database: CatalogueStore
    private let pool: BlockingPool

    /// The store over `database`, doing its blocking work on `pool`.
    public init(database: CatalogueStore, pool: BlockingPool) {
        self.database = database
        self.pool = pool
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (CatalogueStore) throws -> T) async throws -> T {
        let database = database
        return try await pool.run { try body(database) }
    }

    // MARK: CatalogueReading

    public func resolve(_ query: LocationQuery) async throws -> ResolvedLocation { try await run { try $0.resolve(query) } }

    public func theatres(near point: Coordinate, radiusMiles: Double, playing movieID: Int64?, on date: LocalDate?) async throws -> [TheatreHit] {
        try await run { try $0.theatres(near: point, radiusMiles: radiusMiles, playing: movieID, on: date) }
    }

    public func theatre(id: Int64) async throws -> TheatreRecord? { try await run { try $0.theatre(id: id) } }
    public func screens(theatreID: Int64) async throws -> [ScreenRecord] { try await run { try $0.screens(theatreID: theatreID) } }
    public func screen(id: Int64) async throws -> ScreenRecord? { try await run { try $0.screen(id: id) } }
    public func movie(id: Int64) async throws -> MovieRecord? { try await run { try $0.movie(id: id) } }

    public func movies(title: String?, playingAt theatreIDs: [Int64]?, on date: LocalDate?) async throws -> [MovieRecord] {
        try await run { try $0.movies(title: title, playingAt: theatreIDs, on: date) }
    }

    public func showtimes(theatreIDs: [Int64], movieID: Int64?, on date: LocalDate) async throws -> [ShowtimeRecord] {
        try await run { try $0.showtimes(theatreIDs: theatreIDs, movieID: movieID, on: date) }
    }

    public func showtime(id: Int64) async throws -> ShowtimeRecord? { try await run { try $0.showtime(id: id) } }
    public func summary() async throws -> CatalogueSummary { try await run { try $0.summary() } }
    public func timeZoneNames() async throws -> [String] { try await run { try $0.timeZoneNames() } }

    // MARK: AccountStore

    public func createUser(email: String, name: String, passwordHash: String, createdAtMilliseconds: Int64) async throws -> Int64 {
        try await run { try $0.createUser(email: email, name: name, passwordHash: passwordHash, createdAtMilliseconds: createdAtMilliseconds) }
    }

    public func user(email: String) async throws -> UserRecord? { try await run { try $0.user(email: email) } }
    public func user(id: Int64) async throws -> UserRecord? { try await run { try $0.user(id: id) } }

    public func revokeToken(id: String, userID: Int64, expiresAt: Int64, now: Int64) async throws {
        try await run { try $0.revokeToken(id: id, userID: userID, expiresAt: expiresAt, now: now) }
    }

    public func revokedTokens(since: Int64, now: Int64) async throws -> [RevokedToken] {
        try await run { try $0.revokedTokens(since: since, now: now) }
    }

    // MARK: ReviewStore

    public func hasConfirmedBooking(userID: Int64, movieID: Int64) async throws -> Bool {
        try await run { try $0.hasConfirmedBooking(userID: userID, movieID: movieID) }
    }

    public func saveReview(userID: Int64, movieID: Int64, stars: Int, text: String, now: Int64) async throws -> ReviewRecord {
        try await run { try $0.saveReview(userID: userID, movieID: movieID, stars: stars, text: text, now: now) }
    }

    public func deleteReview(userID: Int64, movieID: Int64) async throws -> Bool {
        try await run { try $0.deleteReview(userID: userID, movieID: movieID) }
    }

    public func reviews(movieID: Int64, offset: Int, limit: Int) async throws -> (reviews: [ReviewRecord], total: Int) {
        try await run { try $0.reviews(movieID: movieID, offset: offset, limit: limit) }
    }

    public func ratingSummaries(movieIDs: [Int64]) async throws -> [Int64: RatingSummary] {
        try await run { try $0.ratingSummaries(movieIDs: movieIDs) }
    }

    // MARK: BookingReading

    public func booking(code: String, userID: Int64) async throws -> BookingRecord? {
        try await run { try $0.booking(code: code, userID: userID) }
    }

    public func bookings(userID: Int64, period: BookingPeriod, now: Int64, offset: Int, limit: Int) async throws
        -> (bookings: [BookingRecord], total: Int)
    {
        try await run { try $0.bookings(userID: userID, period: period, now: now, offset: offset, limit: limit) }
    }

    public func idempotencyRecord(key: String, userID: Int64, since: Int64) async throws -> IdempotencyRecord? {
        try await run { try $0.idempotencyRecord(key: key, userID: userID, since: since) }
    }

    public func forgetIdempotencyKeys(before: Int64) async throws -> Int {
        try await run { try $0.forgetIdempotencyKeys(before: before) }
    }

    // MARK: RefundLedger

    public func oweRefund(_ refund: OwedRefund) async throws { try await run { try $0.oweRefund(refund) } }
    public func owedRefunds(limit: Int) async throws -> [OwedRefund] { try await run { try $0.owedRefunds(limit: limit) } }
    public func settleRefund(chargeReference: String) async throws { try await run { try $0.settleRefund(chargeReference: chargeReference) } }

    // MARK: PaymentIntentLedger

    public func recordIntent(_ intent: PaymentIntent) async throws { try await run { try $0.recordIntent(intent) } }

    public func intent(userID: Int64, key: String) async throws -> PaymentIntent? {
        try await run { try $0.intent(userID: userID, key: key) }
    }

    public func intents(settleableAt now: Int64, limit: Int) async throws -> [PaymentIntent] {
        try await run { try $0.intents(settleableAt: now, limit: limit) }
    }

    public func dropIntent(id: String) async throws -> Bool { try await run { try $0.dropIntent(id: id) } }

    public func refundIntent(id: String, owing refund: OwedRefund) async throws -> Bool {
        try await run { try $0.refundIntent(id: id, owing: refund) }
    }

    // MARK: SeatLedger

    public func seats(ofShowtimes showtimeIDs: [Int64]) async throws -> [Int64: StoredShowtimeSeats] {
        try await run { database in
            try database.dbPool.read { db in
                var found: [Int64: StoredShowtimeSeats] = [:]
                for id in showtimeIDs {
                    if let seats = try SeatClaims.load(showtimeID: id, in: db) { found[id] = seats }
                }
                return found
            }
        }
    }

    public func hold(id: String) async throws -> StoredHoldStatus? {
        try await run { database in try database.dbPool.read { try SeatClaims.storedHold(id, in: $0) } }
    }

    public func bookingOwner(code: String) async throws -> (showtimeID: Int64, userID: Int64)? {
        try await run { database in try database.dbPool.read { try SeatClaims.bookingOwner(code, in: $0) } }
    }

    public func showtimesWithExpiredHolds(now: Int64, limit: Int) async throws -> [Int64] {
        try await run { database in try database.dbPool.read { try SeatClaims.showtimesWithExpiredHolds(now: now, limit: limit, in: $0) } }
    }

    public func showtimesWithLiveHolds(userID: Int64, now: Int64) async throws -> [Int64] {
        try await run { database in try database.dbPool.read { try SeatClaims.showtimesWithLiveHolds(userID: userID, now: now, in: $0) } }
    }

    public func apply(_ requests: [[SeatChange]]) async throws {
        try await run { database in
            try database.dbPool.write { db in
                for (index, changes) in requests.enumerated() {
                    do {
                        for change in changes { try SeatClaims.apply(change, in: db) }
                    } catch {
                        throw SeatLedgerFailure(request: index, cause: error)
                    }
                }
            }
        }
    }
}
