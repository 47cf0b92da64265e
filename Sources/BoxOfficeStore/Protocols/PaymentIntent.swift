public import BoxOfficeCore
import Foundation

/// A purchase between "about to charge the card" and "booked" (or "refunded"), written before the
/// processor is asked for money. If the server dies after the charge and before the booking's
/// commit, the intent is what is left: a sweeper finds it, asks the processor whether the charge
/// happened, and either completes the booking (the hold still live) or refunds the charge. Exactly
/// one of the purchase call and a sweeper settles each intent: whoever deletes its row.
public struct PaymentIntent: Sendable, Hashable {
    /// Random; also the processor's idempotency key for this charge, so the sweeper can ask the
    /// processor about it, and so no other attempt can ever be answered with this charge.
    public var id: String
    public var userID: Int64
    public var holdID: String
    /// The booking it becomes, priced; its card and processor fields are the charge's once charged.
    public var booking: BookingRecord
    /// The buyer's idempotency key, recorded with the booking so that a retry finds it; one intent
    /// per key at a time.
    public var key: IdempotencyUse?
    /// Unix ms.
    public var createdAt: Int64
    /// Unix ms: from then on a sweeper may settle it. Until then the purchase call is presumed
    /// alive and settles it itself.
    public var settleAfter: Int64

    public init(id: String, userID: Int64, holdID: String, booking: BookingRecord, key: IdempotencyUse?,
                createdAt: Int64, settleAfter: Int64) {
        self.id = id
        self.userID = userID
        self.holdID = holdID
        self.booking = booking
        self.key = key
        self.createdAt = createdAt
        self.settleAfter = settleAfter
    }

    public var amountCents: Int64 { booking.totalCents }
}

/// A purchase found its payment intent already settled by a sweeper (booked or refunded): the
/// purchase must not book or refund it again.
public struct PaymentIntentSettled: Error, Sendable {
    public var intentID: String

    public init(intentID: String) {
        self.intentID = intentID
    }
}

/// A second unsettled purchase under one user's idempotency key, as both stores refuse it.
public enum PaymentIntentKeyInUse {
    public static func error(_ intent: PaymentIntent) -> BoxOfficeError {
        BoxOfficeError(.aborted, "a purchase with idempotency key \(intent.key?.key ?? "") is still being settled: "
                       + "retry with the same key in a moment", retryAfterMilliseconds: 1_000)
    }
}

/// Where payment intents are kept: in the database every node shares, never in memory.
public protocol PaymentIntentLedger: Sendable {
    /// Writes a new intent; ABORTED (with a retry-after) while another intent of the same user and
    /// idempotency key is unsettled.
    func recordIntent(_ intent: PaymentIntent) async throws
    /// The unsettled intent of `userID`'s purchase under idempotency key `key`, if any.
    func intent(userID: Int64, key: String) async throws -> PaymentIntent?
    /// Intents whose `settleAfter` is at or before `now` (unix ms), oldest first, at most `limit`.
    func intents(settleableAt now: Int64, limit: Int) async throws -> [PaymentIntent]
    /// Deletes an intent whose charge never happened; false when it was already settled.
    func dropIntent(id: String) async throws -> Bool
    /// Deletes an intent and records `refund` as owed for its charge, in one transaction, so the
    /// refund outlives any crash; false (and nothing owed) when the intent was already settled.
    func refundIntent(id: String, owing refund: OwedRefund) async throws -> Bool
}

/// A booking's tickets as the text an intent keeps: JSON, so an intent row needs no ticket table.
public enum IntentTickets {
    private struct Stored: Codable {
        var seat: Int
        var label: String
        var type: String
        var cents: Int64
    }

    public static func encode(_ tickets: [BookingRecord.Ticket]) -> String {
        let stored = tickets.map { Stored(seat: $0.seatIndex, label: $0.seatLabel, type: $0.type.rawValue, cents: $0.priceCents) }
        // Encoding plain structs of strings and integers cannot fail.
        return String(decoding: try! JSONEncoder().encode(stored), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> [BookingRecord.Ticket] {
        let stored: [Stored]
        do {
            stored = try JSONDecoder().decode([Stored].self, from: Data(text.utf8))
        } catch {
            throw BoxOfficeError.internalError("a payment intent's tickets are unreadable: \(error)")
        }
        return try stored.map { ticket in
            guard let type = TicketType(rawValue: ticket.type) else {
                throw BoxOfficeError.internalError("a payment intent has a ticket of unknown type \(ticket.type)")
            }
            return .init(seatIndex: ticket.seat, seatLabel: ticket.label, type: type, priceCents: ticket.cents)
        }
    }
}
