public import BoxOfficeCore

/// A hold's state as stored.
public enum HoldState: String, Sendable, Hashable, CaseIterable {
    /// Blocks its seats until its expiry.
    case live
    /// Given back by its owner.
    case released
    /// Ended by expiry (by the reaper, or by a hold that took its seats after it expired).
    case expired
    /// Turned into a booking.
    case purchased
}

/// A hold as the ledger knows it, whatever its state.
public struct StoredHoldStatus: Sendable, Hashable {
    public var showtimeID: Int64
    public var userID: Int64
    public var state: HoldState

    public init(showtimeID: Int64, userID: Int64, state: HoldState) {
        self.showtimeID = showtimeID
        self.userID = userID
        self.state = state
    }
}

/// The taken seats of one showtime as stored: the allocator's starting point when it first meets the showtime.
public struct StoredShowtimeSeats: Sendable {
    /// A live hold's row with the seats its claims hold.
    public struct StoredHold: Sendable {
        public var id: String
        public var userID: Int64
        public var seatIndices: [Int]
        public var expiresAt: Int64
        /// The seats in the order the buyer asked for them, as the hold row lists them.
        public var order: [Int]

        public init(id: String, userID: Int64, seatIndices: [Int], expiresAt: Int64, order: [Int] = []) {
            self.id = id
            self.userID = userID
            self.seatIndices = seatIndices
            self.expiresAt = expiresAt
            self.order = order
        }
    }

    /// Unix seconds.
    public var startsAt: Int64
    public var layout: SeatLayout
    /// Holds in state live, expired or not: their expiry is decided by the reader's clock.
    public var holds: [StoredHold]
    /// Confirmed bookings' seats by booking code.
    public var bookings: [String: [Int]]

    public init(startsAt: Int64, layout: SeatLayout, holds: [StoredHold], bookings: [String: [Int]]) {
        self.startsAt = startsAt
        self.layout = layout
        self.holds = holds
        self.bookings = bookings
    }
}

/// An idempotency key's use by a purchase, written with the booking it made.
public struct IdempotencyUse: Sendable, Hashable {
    public var key: String
    public var userID: Int64
    /// What makes a retry "the same purchase" (an HMAC, so it reveals nothing of the card).
    public var requestDigest: String
    /// Unix ms.
    public var usedAt: Int64

    public init(key: String, userID: Int64, requestDigest: String, usedAt: Int64) {
        self.key = key
        self.userID = userID
        self.requestDigest = requestDigest
        self.usedAt = usedAt
    }
}

/// One change to seats that the allocator decided and the ledger makes durable. Each checks the
/// rows it touches, so a store that disagrees with the allocator's memory fails the transaction
/// instead of being papered over.
public enum SeatChange: Sendable, Hashable {
    /// A new live hold claiming `seats` until `expiresAt`. A seat claimed by a hold that expired at
    /// `now` (unix ms) is taken over in the same statement, whatever any process remembers of it;
    /// a seat claimed by a live hold or a booking fails the change.
    case hold(id: String, userID: Int64, showtimeID: Int64, seats: [Int], expiresAt: Int64, now: Int64)
    /// Live holds end (`released` or `expired`) and free their seats.
    case endHolds([String], HoldState)
    /// A hold of `seatCount` seats still live at `now` (unix ms) becomes `booking` (its tickets, its
    /// payment, and the key that asked for it), settling the payment intent `intentID` (which must
    /// still be there: a purchase whose intent a sweeper settled fails with `PaymentIntentSettled`).
    case purchase(holdID: String, seatCount: Int, booking: BookingRecord, key: IdempotencyUse?, intentID: String?, now: Int64)
    /// A confirmed booking is cancelled at `at` (unix ms), its refund recorded, its seats freed.
    case cancel(bookingCode: String, at: Int64, refundedCents: Int64)
    /// A payment intent is written before its card is charged (it changes no seat; it shares the
    /// batch's commit so that it costs no fsync of its own). ABORTED while the same user's same
    /// idempotency key has an unsettled one.
    case recordIntent(PaymentIntent)
}

/// A ledger transaction failed because of one request's change; the others may retry.
public struct SeatLedgerFailure: Error {
    /// The index of the request (in `apply`'s list) whose change failed.
    public var request: Int
    /// What went wrong.
    public var cause: any Error

    public init(request: Int, cause: any Error) {
        self.request = request
        self.cause = cause
    }
}

/// A refund the processor refused or could not be reached for, still owed to the card it charged.
public struct OwedRefund: Sendable, Hashable {
    /// The processor's reference of the charge to refund.
    public var chargeReference: String
    public var amountCents: Int64
    public var userID: Int64
    /// Why the money is owed (the booking that failed), for the operator.
    public var reason: String
    /// Unix ms.
    public var owedSince: Int64

    public init(chargeReference: String, amountCents: Int64, userID: Int64, reason: String, owedSince: Int64) {
        self.chargeReference = chargeReference
        self.amountCents = amountCents
        self.userID = userID
        self.reason = reason
        self.owedSince = owedSince
    }
}

/// The store refusing what the allocator's memory allowed: the database is the final word on seats.
public enum SeatClaimLoss {
    /// A new hold's seats are claimed in the store by a live hold or a booking (another process's,
    /// or one this allocator no longer remembers).
    public static func taken(holdID: String, refused: Int, of seatCount: Int) -> BoxOfficeError {
        BoxOfficeError(.alreadyExists, "\(refused) of the \(seatCount) seats asked for are taken: choose others")
    }

    /// A new hold whose id is in the store already. Random ids never meet; an id made from an
    /// idempotency key does when the key is used again after its hold ended (bought, released or
    /// expired), and the new hold must not be mistaken for the old one.
    public static func holdExists(holdID: String) -> BoxOfficeError {
        BoxOfficeError(.failedPrecondition, "hold \(holdID) was already made with this idempotency key and has ended: "
                       + "use a new idempotency key to hold seats again")
    }

    /// A purchase whose hold no longer claims all its seats in the store: it expired there and
    /// another hold took some over. The buyer must hold seats again.
    public static func error(holdID: String, claimed: Int, of seatCount: Int) -> BoxOfficeError {
        BoxOfficeError(.failedPrecondition, "hold \(holdID) expired: \(seatCount - claimed) of its \(seatCount) seats are no longer "
                       + "held for it: hold the seats again")
    }
}
