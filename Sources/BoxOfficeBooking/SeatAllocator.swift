public import BoxOfficeCore
public import BoxOfficeStore
import Foundation

/// Every seat change of every showtime: hold, release, purchase, cancel, expiry.
///
/// One actor decides all of them in memory, so two requests for one seat can never both win, and
/// writes each decision through to its `SeatLedger` before answering. Decisions made while a transaction is
/// being written wait and share the next transaction (group commit): one fsync serves a whole batch.
///
/// The database is the final word, whatever memory says: every change checks the rows it touches.
/// When the store refuses one request, that request fails alone and its batch-mates commit; when
/// a transaction fails as a whole (its COMMIT may even have happened, unanswered), every request
/// in it fails. Either way the showtimes involved are dropped from memory and read again from the
/// store on their next use, so memory never stays wrong.
public actor SeatAllocator: SeatAvailability {

    let ledger: any SeatLedger
    /// The one clock the allocator reads: every decision is taken at its now.
    private let clock: any TimeSource
    /// How long a hold keeps its seats.
    public let holdDuration: Duration

    /// Showtimes met since start, loaded from the store on first use.
    var shows: [Int64: ShowSeats] = [:]
    /// The showtime of each hold in memory.
    var holdShowtime: [String: Int64] = [:]
    var pending = PendingBatch()
    var isWriting = false
    /// Holds made under an idempotency key whose transaction has not committed yet: a retry under
    /// the key waits for it rather than answer a hold that may not be saved.
    var unsavedKeyedHolds: Set<String> = []
    /// The showtimes the batch being written changes.
    var writing: Set<Int64> = []
    /// Counts `forget(where:)` calls: a store read begun before one may predate what another
    /// node decided meanwhile, so it is dropped rather than stored.
    var forgettings = 0
    /// Transactions and requests written so far.
    public internal(set) var statistics = AllocatorStatistics()

    /// Told each committed batch's request count and how long its transaction took (for metrics).
    let onCommit: @Sendable (Int, Duration) -> Void
    /// The showtimes whose seats this allocator decides: all of them on a server of its own; in a
    /// cluster, the ones this node owns now. Housekeeping (ending expired holds) keeps to these;
    /// other showtimes may be in memory only to be read, until the next heartbeat round drops them.
    public nonisolated let decides: @Sendable (Int64) -> Bool

    /// An allocator over `ledger`, deciding at `clock`'s now.
    public init(ledger: any SeatLedger, clock: any TimeSource, holdDuration: Duration = .seconds(300),
                decides: @escaping @Sendable (Int64) -> Bool = { _ in true },
                onCommit: @escaping @Sendable (Int, Duration) -> Void = { _, _ in }) {
        self.ledger = ledger
        self.clock = clock
        self.holdDuration = holdDuration
        self.decides = decides
        self.onCommit = onCommit
    }

    /// Holds in memory: live ones, and expired ones the reaper has not ended yet.
    public var heldCount: Int { holdShowtime.count }

    // MARK: Search

    /// The seats held (by unexpired holds) and sold at the clock's now.
    public func takenSeats(of showtime: ShowtimeRecord) async throws -> TakenSeats {
        let show = try await loadedShow(showtime.id)
        let now = clock.nowMilliseconds
        return TakenSeats(held: show.holds.heldSeats(at: now).indexSet, sold: show.sold.indexSet)
    }

    /// Taken seats per showtime, for lists: one actor hop for the page, one store read for the
    /// showtimes not in memory yet, counts without seat sets.
    public func takenSeatCounts(of showtimes: [ShowtimeRecord]) async throws -> [Int] {
        try await loadShows(showtimes.map(\.id))
        let now = clock.nowMilliseconds
        var counts: [Int] = []
        counts.reserveCapacity(showtimes.count)
        for showtime in showtimes { counts.append(try await loadedShow(showtime.id).taken(at: now).count) }
        return counts
    }

    // MARK: Holds

    /// Holds the requested seats for `userID`, all or none, for `holdDuration` (never past the show's start).
    ///
    /// With a `requestKey` (the call's idempotency key) the hold's id is made from the user, the
    /// showtime and the key, so a retry whose first answer was lost (a connection or a node that
    /// died after the commit) gets that same hold back, from whichever node owns the showtime now,
    /// instead of holding more seats and leaving the first hold's seats unsellable until it expires.
    public func hold(showtimeID: Int64, userID: Int64, seats request: SeatRequest, requestKey: String? = nil) async throws -> HoldResult {
        let instant = clock.nowMilliseconds
        var show = try await loadedShow(showtimeID)
        let keyedID = requestKey.map { Self.holdID(userID: userID, showtimeID: showtimeID, key: $0) }
        if let keyedID, let earlier = show.holds.holds[keyedID], earlier.userID == userID {
            return try replay(earlier, of: show, asked: request, at: instant)
        }
        guard !show.hasStarted(at: instant) else {
            throw BoxOfficeError(.failedPrecondition, "showtime \(showtimeID) has already started: holds are closed")
        }
        guard show.holds.liveHoldCount(of: userID, at: instant) < ProtocolLimits.maxLiveHoldsPerUser else {
            throw BoxOfficeError(.failedPrecondition,
                                 "you already hold seats twice for this showtime: buy or release a hold first")
        }
        let taken = show.taken(at: instant)
        let order = try seats(for: request, in: show, taken: taken)
        let wanted = SeatSet(capacity: show.layout.capacity, order)
        let conflicts = wanted.intersection(taken)
        guard conflicts.isEmpty else {
            // The caller's own hold is not "taken by someone": say which hold has them.
            if let own = show.holds.liveHolds(at: instant).first(where: { $0.userID == userID && !$0.seats.isDisjoint(with: conflicts) }) {
                throw BoxOfficeError(.alreadyExists, "you already hold seats \(show.labels(own.seats.intersection(conflicts)).joined(separator: ", ")) "
                                        + "in hold \(own.id): buy or release that hold")
            }
            throw BoxOfficeError(.alreadyExists, "seats \(show.labels(conflicts).joined(separator: ", ")) are taken: choose others")
        }

        willChange(show)
        // Expired holds still in the book may own these seats: end them in the same transaction.
        let expired = show.holds.reap(at: instant).map(\.id)
        let id = keyedID ?? Self.newHoldID(now: instant)
        let expiresAt = min(instant + Milliseconds.of(holdDuration), show.startsAt)
        show.holds.add(Hold(id: id, userID: userID, seats: wanted, expiresAt: expiresAt, order: order))
        shows[showtimeID] = show
        for gone in expired { index(gone, nil) }
        index(id, showtimeID)

        if keyedID != nil { unsavedKeyedHolds.insert(id) }
        defer { if keyedID != nil { unsavedKeyedHolds.remove(id) } }
        try await commit([.endHolds(expired, .expired),
                          .hold(id: id, userID: userID, showtimeID: showtimeID, seats: order, expiresAt: expiresAt, now: instant)])
        return HoldResult(holdID: id, showtimeID: showtimeID, seatIndices: order, seatLabels: show.labels(order),
                          expiresAt: Milliseconds.date(sinceEpoch: expiresAt))
    }

    /// The answer to a hold retried under its idempotency key: the hold it made, once saved, if it
    /// still keeps its seats and the retry asks for the same seats.
    private func replay(_ earlier: Hold, of show: ShowSeats, asked request: SeatRequest, at instant: Int64) throws -> HoldResult {
        guard !unsavedKeyedHolds.contains(earlier.id) else {
            throw BoxOfficeError(.aborted, "hold \(earlier.id), made with this idempotency key, is still being saved: retry in a moment",
                                 retryAfterMilliseconds: 100)
        }
        let same: Bool = switch request {
        case .labels(let labels): labels.map { $0.uppercased() } == show.labels(earlier.order).map { $0.uppercased() }
        case .bestAvailable(let count, _): count == earlier.order.count
        }
        guard same else {
            throw BoxOfficeError.invalidArgument("this idempotency key was already used for hold \(earlier.id) of other seats: "
                                                 + "use a new key for a new hold")
        }
        guard earlier.expiresAt > instant else { throw SeatClaimLoss.holdExists(holdID: earlier.id) }
        return HoldResult(holdID: earlier.id, showtimeID: show.showtimeID, seatIndices: earlier.order,
                          seatLabels: show.labels(earlier.order), expiresAt: Milliseconds.date(sinceEpoch: earlier.expiresAt))
    }

    /// The seats of `userID`'s live hold, for pricing before a purchase.
    public func heldSeats(holdID: String, userID: Int64) async throws -> HeldSeats {
        let (show, hold) = try await liveHold(holdID, of: userID, at: clock.nowMilliseconds)
        return HeldSeats(holdID: hold.id, userID: userID, showtimeID: show.showtimeID,
                         seats: hold.order.map { show.layout.seats[$0] }, expiresAt: Milliseconds.date(sinceEpoch: hold.expiresAt))
    }

    /// `userID`'s holds that keep their seats now, soonest expiry first. The store says which
    /// showtimes have them (every hold is written before it is answered); memory says which are live.
    public func liveHolds(of userID: Int64) async throws -> [HeldSeats] {
        let instant = clock.nowMilliseconds
        let showtimeIDs = try await ledger.showtimesWithLiveHolds(userID: userID, now: instant)
        try await loadShows(showtimeIDs)
        var found: [(hold: Hold, seats: HeldSeats)] = []
        for showtimeID in Set(showtimeIDs) {
            guard let show = shows[showtimeID] else { continue }
            for hold in show.holds.liveHolds(at: instant) where hold.userID == userID {
                found.append((hold, HeldSeats(holdID: hold.id, userID: userID, showtimeID: showtimeID,
                                              seats: hold.order.map { show.layout.seats[$0] },
                                              expiresAt: Milliseconds.date(sinceEpoch: hold.expiresAt))))
            }
        }
        return found.sorted { ($0.hold.expiresAt, $0.hold.id) < ($1.hold.expiresAt, $1.hold.id) }.map(\.seats)
    }

    /// Gives a live hold's seats back at once.
    public func release(holdID: String, userID: Int64) async throws {
        var (show, _) = try await liveHold(holdID, of: userID, at: clock.nowMilliseconds)
        willChange(show)
        show.holds.remove(id: holdID)
        shows[show.showtimeID] = show
        index(holdID, nil)
        try await commit([.endHolds([holdID], .released)])
    }

    /// Marks every hold past its expiry expired and returns them, earliest expiry first.
    /// Their seats were already free to others; this tidies memory and the store.
    @discardableResult
    public func reapExpired() async throws -> [ExpiredHold] {
        let instant = clock.nowMilliseconds
        // Holds left live in the store by an earlier process belong to showtimes not in memory yet:
        // loading those showtimes puts the holds in their books, and the sweep below ends them.
        let stale = try await ledger.showtimesWithExpiredHolds(now: instant, limit: 200)
        for showtimeID in stale where shows[showtimeID] == nil && decides(showtimeID) { _ = try await loadedShow(showtimeID) }
        var reaped: [ExpiredHold] = []
        for (id, show) in shows where decides(id) {
            guard let next = show.holds.nextExpiry, next <= instant else { continue }
            willChange(show)
            var changed = show
            reaped += changed.holds.reap(at: instant).map { ExpiredHold(showtimeID: id, hold: $0) }
            shows[id] = changed
        }
        guard !reaped.isEmpty else { return [] }
        reaped.sort { ($0.hold.expiresAt, $0.hold.id) < ($1.hold.expiresAt, $1.hold.id) }
        for expired in reaped { index(expired.hold.id, nil) }
        let ids = reaped.map(\.hold.id)
        try await commit([.endHolds(ids, .expired)])
        return reaped
    }

    // MARK: Purchase and cancellation

    /// Turns a live hold into `booking`: the booking, its tickets, its payment and `key` are written
    /// in the transaction that moves the seats' claims to the booking and settles the payment
    /// intent `intentID`, so all of it commits or none does. The booking's tickets must be for
    /// exactly the hold's seats.
    public func confirmPurchase(holdID: String, userID: Int64, booking: BookingRecord, key: IdempotencyUse? = nil,
                                intentID: String? = nil) async throws -> HeldSeats {
        let instant = clock.nowMilliseconds
        let (found, hold) = try await liveHold(holdID, of: userID, at: instant)
        var show = found
        guard !show.hasStarted(at: instant) else {
            throw BoxOfficeError(.failedPrecondition, "showtime \(show.showtimeID) has already started: tickets are no longer sold")
        }
        guard booking.showtimeID == show.showtimeID, booking.userID == userID,
              booking.tickets.map(\.seatIndex).sorted() == Array(hold.seats) else {
            throw BoxOfficeError.internalError("booking \(booking.code) is not for the seats of hold \(holdID)")
        }
        let held = HeldSeats(holdID: holdID, userID: userID, showtimeID: show.showtimeID,
                             seats: hold.order.map { show.layout.seats[$0] }, expiresAt: Milliseconds.date(sinceEpoch: hold.expiresAt))
        willChange(show)
        show.holds.remove(id: holdID)
        show.sold.formUnion(hold.seats)
        show.bookings[booking.code] = hold.seats
        shows[show.showtimeID] = show
        index(holdID, nil)
        try await commit([.purchase(holdID: holdID, seatCount: hold.seats.count, booking: booking, key: key, intentID: intentID, now: instant)])
        return held
    }

    /// Writes a payment intent durably before its card is charged, in the next group commit
    /// rather than a transaction (and an fsync) of its own; ABORTED while the same user's same
    /// idempotency key has an unsettled intent.
    public func recordIntent(_ intent: PaymentIntent) async throws {
        try await commit([.recordIntent(intent)], decidedInMemory: false)
    }

    /// Cancels `userID`'s confirmed booking before its show starts and frees its seats, recording
    /// `refundedCents` in the same transaction.
    public func cancel(bookingCode: String, userID: Int64, refundedCents: Int64 = 0) async throws -> CancelledSeats {
        let instant = clock.nowMilliseconds
        guard let owner = try await ledger.bookingOwner(code: bookingCode), owner.userID == userID else {
            throw BoxOfficeError.notFound("you have no booking \(bookingCode)")
        }
        var show = try await loadedShow(owner.showtimeID)
        if show.bookings[bookingCode] == nil, try await reloadIfStale(owner.showtimeID) {
            // Not in memory: possibly sold by another node after this one read the showtime.
            show = try await loadedShow(owner.showtimeID)
        }
        guard let seats = show.bookings[bookingCode] else {
            throw BoxOfficeError(.failedPrecondition, "booking \(bookingCode) is already cancelled")
        }
        guard !show.hasStarted(at: instant) else {
            throw BoxOfficeError(.failedPrecondition, "the show of booking \(bookingCode) has started: it can no longer be cancelled")
        }
        willChange(show)
        show.bookings[bookingCode] = nil
        show.sold.subtract(seats)
        shows[show.showtimeID] = show
        try await commit([.cancel(bookingCode: bookingCode, at: instant, refundedCents: refundedCents)])
        return CancelledSeats(bookingCode: bookingCode, showtimeID: show.showtimeID, seatIndices: Array(seats))
    }

    // MARK: Memory

    /// The showtime's memory, loaded from the store on first use.
    ///
    /// The read goes to the ledger while the actor serves other requests (a first touch must not
    /// stall every other showtime). That is safe because only this actor changes a showtime's
    /// seats, and only once it is in memory: if another request loaded it meanwhile, that copy,
    /// possibly already changed, wins and this read is dropped. Between awaits a loaded showtime is
    /// always in `shows` (changes take it out and put it back without suspending).
    func loadedShow(_ showtimeID: Int64) async throws -> ShowSeats {
        if let show = shows[showtimeID] { return show }
        try await loadShows([showtimeID])
        guard let show = shows[showtimeID] else {
            throw BoxOfficeError.notFound("no showtime with id \(showtimeID)")
        }
        return show
    }

    /// Brings the showtimes not in memory yet into it with one read of the store: a page of
    /// showtimes costs one round trip, not one per showtime queued behind every other request's.
    /// Showtimes the store does not have are left out.
    func loadShows(_ showtimeIDs: [Int64]) async throws {
        var stored: [Int64: StoredShowtimeSeats]
        repeat {
            let missing = showtimeIDs.filter { shows[$0] == nil }
            guard !missing.isEmpty else { return }
            let generation = forgettings
            stored = try await ledger.seats(ofShowtimes: missing)
            // Memory dropped while this read was out (owners changed) may be older than the read
            // shows: read again rather than keep a copy from before the other node's decisions.
            if forgettings == generation { break }
        } while true
        for (showtimeID, seats) in stored where shows[showtimeID] == nil {
            let show = ShowSeats(showtimeID: showtimeID, stored: seats)
            shows[showtimeID] = show
            for id in show.holds.holds.keys { holdShowtime[id] = showtimeID }
        }
    }

    /// Drops from memory every showtime `drop` names, so its next use reads the store: in a
    /// cluster, the showtimes this node no longer owns (another node decides their seats now, and
    /// this memory would go stale), every heartbeat round.
    /// A showtime with this node's own decisions still unwritten stays until they are written
    /// (the next round drops it): read again now, it would lack them.
    public func forget(where drop: @Sendable (Int64) -> Bool) {
        forgettings += 1
        forget(Set(shows.keys.filter { drop($0) && !isChanging($0) }))
    }

    /// Reads a showtime again when the store knows of a change its memory lacks and this node has
    /// none of its own in flight: in a cluster, another node decided it meanwhile (views differ
    /// for up to a heartbeat). True when it was read again.
    private func reloadIfStale(_ showtimeID: Int64) async throws -> Bool {
        guard shows[showtimeID] != nil, !isChanging(showtimeID) else { return false }
        forget([showtimeID])
        _ = try await loadedShow(showtimeID)
        return true
    }

    /// Showtimes in memory now.
    public var showtimesInMemory: Int { shows.count }

    /// The showtime of a hold in memory, without reading the store.
    public func showtime(ofHold holdID: String) -> Int64? { holdShowtime[holdID] }

    /// `userID`'s hold and its showtime, if it blocks seats at `instant`. Someone else's hold is "not
    /// found"; the owner's ended hold is FAILED_PRECONDITION saying how it ended.
    private func liveHold(_ holdID: String, of userID: Int64, at instant: Int64) async throws -> (ShowSeats, Hold) {
        if holdShowtime[holdID] == nil, let stored = try await ledger.hold(id: holdID),
           stored.userID == userID, holdShowtime[holdID] == nil {
            guard stored.state == .live else { throw Self.ended(holdID, stored.state) }
            // A hold made before a restart: loading its showtime indexes its holds.
            if shows[stored.showtimeID] == nil { _ = try await loadedShow(stored.showtimeID) }
        }
        guard let showtimeID = holdShowtime[holdID], let show = shows[showtimeID], let hold = show.holds[holdID], hold.userID == userID else {
            // It may have ended while this request read the store: say how, as above. Still live in
            // the store but not in memory: another node made it after this one read the showtime
            // (read it again), or its purchase or release is being written right now.
            if let stored = try await ledger.hold(id: holdID), stored.userID == userID {
                guard stored.state == .live else { throw Self.ended(holdID, stored.state) }
                if try await reloadIfStale(stored.showtimeID), let show = shows[stored.showtimeID], let hold = show.holds[holdID] {
                    guard hold.isLive(at: instant) else {
                        throw BoxOfficeError(.failedPrecondition, "hold \(holdID) expired: hold the seats again")
                    }
                    return (show, hold)
                }
                if shows[stored.showtimeID] != nil {
                    throw BoxOfficeError(.aborted, "hold \(holdID) is being bought or released right now: try again in a moment",
                                         retryAfterMilliseconds: 100)
                }
            }
            throw BoxOfficeError.notFound("you have no hold \(holdID)")
        }
        guard hold.isLive(at: instant) else {
            throw BoxOfficeError(.failedPrecondition, "hold \(holdID) expired: hold the seats again")
        }
        return (show, hold)
    }

    /// How an ended hold is told to its owner.
    private static func ended(_ holdID: String, _ state: HoldState) -> BoxOfficeError {
        switch state {
        case .live: BoxOfficeError.notFound("you have no hold \(holdID)")
        case .purchased: BoxOfficeError(.failedPrecondition, "hold \(holdID) was already bought: see your bookings")
        case .released: BoxOfficeError(.failedPrecondition, "hold \(holdID) was released: hold the seats again")
        case .expired: BoxOfficeError(.failedPrecondition, "hold \(holdID) expired: hold the seats again")
        }
    }

    private func index(_ holdID: String, _ showtimeID: Int64?) {
        holdShowtime[holdID] = showtimeID
    }

    /// The seats a request names, in its order (best available: as chosen, left to right).
    private func seats(for request: SeatRequest, in show: ShowSeats, taken: SeatSet) throws -> [Int] {
        switch request {
        case .labels(let labels):
            guard (1...ProtocolLimits.maxSeatsPerHold).contains(labels.count) else {
                throw BoxOfficeError.invalidArgument("a hold is for 1 to \(ProtocolLimits.maxSeatsPerHold) seats, not \(labels.count)")
            }
            var wanted = SeatSet(capacity: show.layout.capacity)
            var order: [Int] = []
            for label in labels {
                guard let seat = show.layout.seat(labeled: label) else {
                    throw BoxOfficeError.notFound("showtime \(show.showtimeID) has no seat \(label)")
                }
                guard wanted.insert(seat.index) else { throw BoxOfficeError.invalidArgument("seat \(seat.label) is asked for twice") }
                order.append(seat.index)
            }
            return order
        case .bestAvailable(let count, let kind):
            // A screen without such seats is not "sold out" of them.
            if kind == .premium || kind == .wheelchair, !show.layout.seats.contains(where: { $0.kind == kind }) {
                throw BoxOfficeError.notFound("the screen of showtime \(show.showtimeID) has no \(kind.rawValue) seats: ask for standard ones")
            }
            guard let chosen = try BestAvailable.choose(count: count, kind: kind, in: show.layout, taken: taken) else {
                throw BoxOfficeError(.alreadyExists, "not enough \(kind.rawValue) seats are free for \(count)")
            }
            return chosen.sorted()
        }
    }

    /// The id of the hold `userID` makes on `showtimeID` under idempotency key `key`: 26 characters
    /// of `newHoldID`'s alphabet from a 128-bit hash of the three, the same on every node and
    /// release (the hash is written out here, not the standard library's seeded one). Unlike
    /// `newHoldID`'s, these ids do not sort by time (a retry comes later and must find the same id),
    /// so keyed holds land on random pages of the `holds` primary key's index.
    static func holdID(userID: Int64, showtimeID: Int64, key: String) -> String {
        // FNV-1a over the bytes, twice with different bases, each finished by SplitMix64.
        var high: UInt64 = 0xCBF2_9CE4_8422_2325
        var low: UInt64 = 0x6C62_272E_07BB_0142
        for byte in "\(userID)/\(showtimeID)/\(key)".utf8 {
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var mixHigh = SplitMix64(seed: high)
        var mixLow = SplitMix64(seed: low ^ 0x9E37_79B9_7F4A_7C15)
        var bits = (mixHigh.next(), mixLow.next())
        let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")
        var id = ""
        id.reserveCapacity(26)
        for _ in 0..<26 {
            id.append(alphabet[Int(bits.0 >> 59)])
            bits = (bits.0 << 5 | bits.1 >> 59, bits.1 << 5)
        }
        return id
    }

    /// 26 lowercase base32 characters: 8 that spell the creation time in milliseconds, then 18 random
    /// ones (90 bits from the system's CSPRNG), so ids cannot be guessed, yet new holds sort after
    /// old ones: inserts into `holds` and its claims' index touch the last pages of the B-trees
    /// instead of random ones, which keeps each group commit's WAL write small.
    static func newHoldID(now: Int64) -> String {
        // In ASCII order, so that the id's text order is the time order.
        let alphabet = Array("234567abcdefghijklmnopqrstuvwxyz")
        var id = ""
        id.reserveCapacity(26)
        for shift in stride(from: 35, through: 0, by: -5) {
            id.append(alphabet[Int(UInt64(max(0, now)) >> UInt64(shift) & 31)])
        }
        var generator = SystemRandomNumberGenerator()
        var random: (UInt64, UInt64) = (generator.next(), generator.next())
        for index in 0..<18 {
            // 90 bits: 12 characters from the first word, 6 from the second.
            if index < 12 {
                id.append(alphabet[Int(random.0 & 31)])
                random.0 >>= 5
            } else {
                id.append(alphabet[Int(random.1 & 31)])
                random.1 >>= 5
            }
        }
        return id
    }
}
