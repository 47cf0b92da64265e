public import BoxOfficeCore
import GRDB

/// A booking as stored, with its tickets. Of the card, only brand and last four digits.
public struct BookingRecord: Sendable, Hashable {
    public struct Ticket: Sendable, Hashable {
        public var seatIndex: Int
        public var seatLabel: String
        public var type: TicketType
        public var priceCents: Int64

        public init(seatIndex: Int, seatLabel: String, type: TicketType, priceCents: Int64) {
            self.seatIndex = seatIndex
            self.seatLabel = seatLabel
            self.type = type
            self.priceCents = priceCents
        }
    }

    public enum State: String, Sendable { case confirmed, cancelled }

    public var code: String
    public var userID: Int64
    public var showtimeID: Int64
    public var state: State
    public var subtotalCents: Int64
    public var feesCents: Int64
    public var taxCents: Int64
    public var totalCents: Int64
    public var cardBrand: String
    public var cardLastFour: String
    public var processorReference: String
    /// Unix milliseconds.
    public var createdAt: Int64
    public var cancelledAt: Int64?
    public var refundedCents: Int64
    /// In seat order.
    public var tickets: [Ticket]

    public init(code: String, userID: Int64, showtimeID: Int64, state: State = .confirmed, subtotalCents: Int64, feesCents: Int64,
                taxCents: Int64, totalCents: Int64, cardBrand: String, cardLastFour: String, processorReference: String,
                createdAt: Int64, cancelledAt: Int64? = nil, refundedCents: Int64 = 0, tickets: [Ticket]) {
        self.code = code
        self.userID = userID
        self.showtimeID = showtimeID
        self.state = state
        self.subtotalCents = subtotalCents
        self.feesCents = feesCents
        self.taxCents = taxCents
        self.totalCents = totalCents
        self.cardBrand = cardBrand
        self.cardLastFour = cardLastFour
        self.processorReference = processorReference
        self.createdAt = createdAt
        self.cancelledAt = cancelledAt
        self.refundedCents = refundedCents
        self.tickets = tickets
    }
}

/// An idempotency key's earlier use: which request it carried and the booking it made.
/// Which of a user's bookings a list shows, by whether their show has started.
public enum BookingPeriod: Sendable, Hashable {
    case all, upcoming, past
}

public struct IdempotencyRecord: Sendable, Hashable {
    public var requestDigest: String
    public var bookingCode: String

    public init(requestDigest: String, bookingCode: String) {
        self.requestDigest = requestDigest
        self.bookingCode = bookingCode
    }
}

/// Bookings, their tickets and the idempotency keys of purchases.
enum BookingRows {
    /// Writes a booking and its tickets; runs inside the allocator's transaction that also moves the seats.
    static func insert(_ booking: BookingRecord, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO bookings (code, user_id, showtime_id, state, subtotal_cents, fees_cents, tax_cents, total_cents,
                                  card_brand, card_last4, processor_ref, created_at)
            VALUES (?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [booking.code, booking.userID, booking.showtimeID, booking.subtotalCents, booking.feesCents,
                             booking.taxCents, booking.totalCents, booking.cardBrand, booking.cardLastFour,
                             booking.processorReference, booking.createdAt])
        let ticket = try db.cachedStatement(sql: """
            INSERT INTO tickets (booking_code, seat_index, seat_label, ticket_type, price_cents) VALUES (?, ?, ?, ?, ?)
            """)
        for t in booking.tickets {
            try ticket.execute(arguments: [booking.code, t.seatIndex, t.seatLabel, t.type.rawValue, t.priceCents])
        }
    }

    /// Remembers that `key` made `bookingCode`, replacing a use older than the keeping period.
    static func rememberKey(_ key: String, userID: Int64, requestDigest: String, bookingCode: String, now: Int64, in db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO idempotency_keys (user_id, key, request_digest, booking_code, created_at) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [userID, key, requestDigest, bookingCode, now])
    }

    /// Records a refund of a booking being cancelled in the same transaction.
    static func recordRefund(code: String, cents: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE bookings SET refunded_cents = ? WHERE code = ?").execute(arguments: [cents, code])
    }
}

extension CatalogueStore {
    /// `userID`'s booking with this code, or nil, also when it is someone else's.
    public func booking(code: String, userID: Int64) throws -> BookingRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM bookings WHERE code = ? AND user_id = ?", arguments: [code, userID])
                .map { try Self.booking(from: $0, in: db) }
        }
    }

    /// A page of `userID`'s bookings in `period` at `now` (unix ms), and how many there are in it:
    /// all newest booked first, upcoming soonest show first, past latest show first.
    public func bookings(userID: Int64, period: BookingPeriod = .all, now: Int64 = 0, offset: Int, limit: Int) throws
        -> (bookings: [BookingRecord], total: Int)
    {
        // Showtimes start in unix seconds; a show has started once its start is at or before now.
        let (filter, order): (String, String) = switch period {
        case .all: ("", "b.created_at DESC, b.code")
        case .upcoming: ("AND s.starts_at * 1000 > ?", "s.starts_at, b.created_at, b.code")
        case .past: ("AND s.starts_at * 1000 <= ?", "s.starts_at DESC, b.created_at DESC, b.code")
        }
        let arguments: StatementArguments = period == .all ? [userID] : [userID, now]
        return try dbPool.read { db in
            let from = "FROM bookings b JOIN showtimes s ON s.id = b.showtime_id WHERE b.user_id = ? \(filter)"
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT b.* \(from) ORDER BY \(order) LIMIT ? OFFSET ?",
                                        arguments: arguments + [limit, offset])
            return (try rows.map { try Self.booking(from: $0, in: db) }, total)
        }
    }

    /// The use of `key` by `userID` since `since` (unix ms), if any.
    public func idempotencyRecord(key: String, userID: Int64, since: Int64) throws -> IdempotencyRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT request_digest, booking_code FROM idempotency_keys
                WHERE user_id = ? AND key = ? AND created_at >= ? AND booking_code IS NOT NULL
                """, arguments: [userID, key, since])
                .map(IdempotencyRecord.init(row:))
        }
    }

    /// Forgets idempotency keys used before `before` (unix ms); returns how many.
    @discardableResult
    public func forgetIdempotencyKeys(before: Int64) throws -> Int {
        try dbPool.write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [before])
            return db.changesCount
        }
    }

    private static func booking(from row: Row, in db: Database) throws -> BookingRecord {
        let code: String = row["code"]
        let tickets = try Row.fetchAll(db, sql: """
            SELECT seat_index, seat_label, ticket_type, price_cents FROM tickets WHERE booking_code = ? ORDER BY seat_index
            """, arguments: [code]).map(BookingRecord.Ticket.init(row:))
        return BookingRecord(
            code: code, userID: row["user_id"], showtimeID: row["showtime_id"],
            state: BookingRecord.State(rawValue: row["state"]) ?? .confirmed,
            subtotalCents: row["subtotal_cents"], feesCents: row["fees_cents"], taxCents: row["tax_cents"],
            totalCents: row["total_cents"], cardBrand: row["card_brand"], cardLastFour: row["card_last4"],
            processorReference: row["processor_ref"], createdAt: row["created_at"], cancelledAt: row["cancelled_at"],
            refundedCents: row["refunded_cents"], tickets: tickets)
    }
}
