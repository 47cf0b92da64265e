public import BoxOfficeCore

// The store's operations by job. Handlers and the seat allocator see only these, so a second
// database (PostgreSQL) is one more type conforming to them, and no handler changes. Every method
// is async: an implementation on a blocking database leaves the cooperative pool inside it.

/// The catalogue as search reads it: places, theatres, screens, movies, showtimes.
public protocol CatalogueReading: Sendable {
    /// A ZIP, "City, ST" or coordinate as a point and time zone; INVALID_ARGUMENT outside the US.
    func resolve(_ query: LocationQuery) async throws -> ResolvedLocation
    /// Theatres within `radiusMiles`, nearest first, optionally only those playing a movie on a date.
    func theatres(near point: Coordinate, radiusMiles: Double, playing movieID: Int64?, on date: LocalDate?) async throws -> [TheatreHit]
    func theatre(id: Int64) async throws -> TheatreRecord?
    /// A theatre's screens in their numbers' order.
    func screens(theatreID: Int64) async throws -> [ScreenRecord]
    func screen(id: Int64) async throws -> ScreenRecord?
    func movie(id: Int64) async throws -> MovieRecord?
    /// Movies by title words, optionally playing at these theatres on a date.
    func movies(title: String?, playingAt theatreIDs: [Int64]?, on date: LocalDate?) async throws -> [MovieRecord]
    /// Showtimes at these theatres on a local date, optionally of one movie, by start.
    func showtimes(theatreIDs: [Int64], movieID: Int64?, on date: LocalDate) async throws -> [ShowtimeRecord]
    func showtime(id: Int64) async throws -> ShowtimeRecord?
    /// Counts of the catalogue and its first and last dates.
    func summary() async throws -> CatalogueSummary
    /// Every time zone the catalogue names, to check them all when the server starts.
    func timeZoneNames() async throws -> [String]
}

/// Accounts: created once, found by email at sign-in; and the tokens signed out before they expired.
public protocol AccountStore: Sendable {
    /// Creates an account and returns its id; ALREADY_EXISTS when the email has one.
    func createUser(email: String, name: String, passwordHash: String, createdAtMilliseconds: Int64) async throws -> Int64
    func user(email: String) async throws -> UserRecord?
    func user(id: Int64) async throws -> UserRecord?
    /// Remembers a signed-out token (by its id) until it would have expired (unix ms).
    func revokeToken(id: String, userID: Int64, expiresAt: Int64, now: Int64) async throws
    /// The signed-out tokens not yet expired at `now`, signed out at or after `since` (unix ms, by
    /// the store's clock: on PostgreSQL the database server's, so servers' clocks need not agree).
    func revokedTokens(since: Int64, now: Int64) async throws -> [RevokedToken]
}

/// Ratings and reviews of movies: one per user per movie.
public protocol ReviewStore: Sendable {
    /// True when `userID` has a confirmed booking for any showing of `movieID`.
    func hasConfirmedBooking(userID: Int64, movieID: Int64) async throws -> Bool
    /// Creates or edits `userID`'s rating of `movieID` at `now` (unix ms) and returns it as stored.
    func saveReview(userID: Int64, movieID: Int64, stars: Int, text: String, now: Int64) async throws -> ReviewRecord
    /// Deletes `userID`'s rating of `movieID`; false when there was none.
    func deleteReview(userID: Int64, movieID: Int64) async throws -> Bool
    /// A page of a movie's reviews, newest edit first, and how many there are.
    func reviews(movieID: Int64, offset: Int, limit: Int) async throws -> (reviews: [ReviewRecord], total: Int)
    /// Average and count of the movies that have ratings.
    func ratingSummaries(movieIDs: [Int64]) async throws -> [Int64: RatingSummary]
}

/// Confirmed bookings as their owners look them up, and the idempotency keys of purchases.
public protocol BookingReading: Sendable {
    /// `userID`'s booking with this code; nil also when it is someone else's.
    func booking(code: String, userID: Int64) async throws -> BookingRecord?
    /// A page of `userID`'s bookings in `period` at `now` (unix ms), and how many there are: all
    /// newest booked first, upcoming soonest show first, past latest show first.
    func bookings(userID: Int64, period: BookingPeriod, now: Int64, offset: Int, limit: Int) async throws -> (bookings: [BookingRecord], total: Int)
    /// The use of `key` by `userID` since `since` (unix ms), if any.
    func idempotencyRecord(key: String, userID: Int64, since: Int64) async throws -> IdempotencyRecord?
    /// Forgets keys used before `before` (unix ms) and returns how many.
    func forgetIdempotencyKeys(before: Int64) async throws -> Int
}

/// The seat allocator's store: what a showtime's seats were when the allocator first meets it,
/// and the transactions in which its decisions become durable.
public protocol SeatLedger: Sendable {
    /// Each showtime's start, layout, live holds and confirmed bookings, by id; a showtime that
    /// does not exist is absent.
    func seats(ofShowtimes showtimeIDs: [Int64]) async throws -> [Int64: StoredShowtimeSeats]
    /// A hold's showtime, owner and state, whatever its state.
    func hold(id: String) async throws -> StoredHoldStatus?
    /// A booking's showtime and owner.
    func bookingOwner(code: String) async throws -> (showtimeID: Int64, userID: Int64)?
    /// Showtimes with a live hold expired at `now` (unix ms); at most `limit`.
    func showtimesWithExpiredHolds(now: Int64, limit: Int) async throws -> [Int64]
    /// Showtimes where `userID` has a hold live at `now` (unix ms).
    func showtimesWithLiveHolds(userID: Int64, now: Int64) async throws -> [Int64]
    /// Writes every request's changes in one transaction: all commit or none do. When one
    /// request's change fails, throws `SeatLedgerFailure` naming that request.
    func apply(_ requests: [[SeatChange]]) async throws
}

/// Every job of the store at once: what a server runs on.
public typealias TicketStore = CatalogueReading & AccountStore & BookingReading & SeatLedger & RefundLedger & ReviewStore
    & PaymentIntentLedger

/// Refunds the payment processor did not take when they were due: kept until one goes through,
/// so no customer stays charged for a booking that was never written.
public protocol RefundLedger: Sendable {
    /// Remembers a refund still owed (once per charge).
    func oweRefund(_ refund: OwedRefund) async throws
    /// The oldest refunds still owed, at most `limit`.
    func owedRefunds(limit: Int) async throws -> [OwedRefund]
    /// Forgets a refund once the processor has taken it.
    func settleRefund(chargeReference: String) async throws
}
