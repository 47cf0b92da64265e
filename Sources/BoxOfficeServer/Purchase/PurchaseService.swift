import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import Crypto
import Foundation

/// `Purchase`: turns the caller's live hold into a booking; `QuoteHold`: what that would charge.
///
/// The order matters. Everything that can be refused without side effects is checked first (token,
/// card form, idempotency key, hold, price); then a payment intent is written; then the card is
/// charged under the intent's id; then the allocator writes the booking, its tickets, the payment
/// record and the key in the transaction that moves the seats from the hold to the booking and
/// deletes the intent. If that write is refused (say the hold expired while the processor was
/// answering) the charge is refunded before the error is returned. If the server dies anywhere in
/// between, or the answer of the processor or the database never comes, the intent is left, and
/// the payment sweeper settles it (`PaymentSettlement`): no card stays charged without a booking.
final class PurchaseService: Sendable {
    /// How long a key's booking is remembered for retries.
    static let keyLifetimeMilliseconds: Int64 = 24 * 3600 * 1000

    private let desk: BookingDesk
    private let settlement: PaymentSettlement
    private let feeCentsPerTicket: Int64
    /// Keys the request digests, so a digest in the database tells nothing about the card.
    private let digestKey: SymmetricKey
    private let gate = IdempotencyGate()

    init(desk: BookingDesk, settlement: PaymentSettlement, feeCentsPerTicket: Int64, secret: Data) {
        self.desk = desk
        self.settlement = settlement
        self.feeCentsPerTicket = feeCentsPerTicket
        self.digestKey = SymmetricKey(data: SHA256.hash(data: Data("boxoffice purchase digest".utf8) + secret))
    }

    func purchase(_ request: Boxoffice_V1_PurchaseRequest, context: CallContext) async throws -> Boxoffice_V1_Booking {
        let userID = try desk.accounts.authenticate(context)
        guard !request.holdID.isEmpty else { throw BoxOfficeError.invalidArgument("hold_id is required") }
        let now = desk.clock.now
        let utc = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: now)
        let card = try PaymentCard(number: request.card.number, expiryMonth: Int(request.card.expMonth),
                                   expiryYear: Int(request.card.expYear), cvc: request.card.cvc, zip: request.card.zip,
                                   currentYear: utc.year!, currentMonth: utc.month!)
        guard let key = try context.checkedIdempotencyKey() else {
            return try await buy(request, card: card, userID: userID, key: nil, digest: "")
        }
        let digest = requestDigest(request, card: card)
        let answer = try await gate.whileHolding(key: key, userID: userID) {
            try await buy(request, card: card, userID: userID, key: key, digest: digest)
        }
        guard let answer else {
            throw BoxOfficeError(.aborted, "a purchase with idempotency key \(key) is still in progress: wait for its answer",
                                 retryAfterMilliseconds: 100)
        }
        return answer
    }

    /// What buying the caller's live hold with these ticket types would charge; changes nothing.
    func quoteHold(_ request: Boxoffice_V1_QuoteHoldRequest, context: CallContext) async throws -> Boxoffice_V1_Quote {
        let userID = try desk.accounts.authenticate(context)
        guard !request.holdID.isEmpty else { throw BoxOfficeError.invalidArgument("hold_id is required") }
        let priced = try await price(holdID: request.holdID, userID: userID, ticketTypes: request.ticketTypes, seatTypes: request.seatTypes)
        let showtime = try priced.venue.answeredShowtime(localTime: desk.localTime, nowMilliseconds: desk.clock.nowMilliseconds)
        return .with {
            $0.holdID = priced.held.holdID
            $0.showtime = showtime
            $0.tickets = priced.tickets.map { ticket in
                .with {
                    $0.seat = ticket.seatLabel
                    $0.type = .init(ticket.type)
                    $0.priceCents = ticket.priceCents
                    $0.kind = .init(priced.venue.kind(ofSeat: ticket.seatIndex))
                }
            }
            $0.subtotalCents = priced.quote.subtotalCents
            $0.feesCents = priced.quote.feesCents
            $0.taxCents = priced.quote.taxCents
            $0.totalCents = priced.quote.totalCents
            $0.taxState = priced.venue.theatre.state
            $0.taxRateMilliPercent = priced.venue.taxRateMilliPercent
            $0.holdExpiresAtMs = Milliseconds.sinceEpoch(priced.held.expiresAt)
        }
    }

    /// A live hold priced: its seats with their ticket types and prices (seat kind included), and the quote.
    private struct PricedHold {
        let held: HeldSeats
        let venue: Venue
        let tickets: [BookingRecord.Ticket]
        let quote: PriceQuote
    }

    private func price(holdID: String, userID: Int64, ticketTypes: [Boxoffice_V1_TicketType],
                       seatTypes: [Boxoffice_V1_SeatTicketType]) async throws -> PricedHold {
        let held = try await desk.allocator.heldSeats(holdID: holdID, userID: userID)
        let types = try Self.ticketTypes(positional: ticketTypes, bySeat: seatTypes, seats: held.seats, holdID: holdID)
        let venue = try await desk.venue(ofShowtime: held.showtimeID, for: "hold \(holdID)")
        let tickets = zip(held.seats, types).map { seat, type in
            BookingRecord.Ticket(seatIndex: seat.index, seatLabel: seat.label, type: type,
                                 priceCents: venue.showtime.prices.cents(for: type, on: seat.kind))
        }
        guard let quote = PriceQuote(ticketCents: tickets.map(\.priceCents), feeCentsPerTicket: feeCentsPerTicket,
                                     state: venue.theatre.state) else {
            throw BoxOfficeError.internalError("theatre \(venue.theatre.id) is in \(venue.theatre.state), which has no sales tax rate")
        }
        return PricedHold(held: held, venue: venue, tickets: tickets, quote: quote)
    }

    /// One ticket type per held seat, in the hold's order: from `positional` (missing ones adult) or
    /// from `bySeat` (seats left out adult), never both.
    static func ticketTypes(positional: [Boxoffice_V1_TicketType], bySeat: [Boxoffice_V1_SeatTicketType],
                            seats: [SeatLayout.Seat], holdID: String) throws -> [TicketType] {
        guard positional.isEmpty || bySeat.isEmpty else {
            throw BoxOfficeError.invalidArgument("give ticket types by position or by seat, not both")
        }
        if !bySeat.isEmpty {
            var chosen: [String: TicketType] = [:]
            for entry in bySeat {
                let label = entry.seat.uppercased()
                guard seats.contains(where: { $0.label == label }) else {
                    throw BoxOfficeError.invalidArgument("seat \(entry.seat) is not in hold \(holdID), which holds "
                                                         + seats.map(\.label).joined(separator: ", "))
                }
                guard chosen.updateValue(try ticketType(entry.type), forKey: label) == nil else {
                    throw BoxOfficeError.invalidArgument("seat \(label) is given a ticket type twice")
                }
            }
            return seats.map { chosen[$0.label] ?? .adult }
        }
        guard positional.count <= seats.count else {
            throw BoxOfficeError.invalidArgument("\(positional.count) ticket types were given but hold \(holdID) has \(seats.count) seat\(seats.count == 1 ? "" : "s")")
        }
        let types = try positional.map(ticketType)
        return seats.indices.map { $0 < types.count ? types[$0] : .adult }
    }

    private func buy(_ request: Boxoffice_V1_PurchaseRequest, card: PaymentCard,
                     userID: Int64, key: String?, digest: String) async throws -> Boxoffice_V1_Booking {
        let nowMilliseconds = desk.clock.nowMilliseconds
        if let key, let booking = try await bookingMade(under: key, userID: userID, digest: digest, now: nowMilliseconds) {
            return booking
        }
        let priced: PricedHold
        do {
            priced = try await price(holdID: request.holdID, userID: userID, ticketTypes: request.ticketTypes, seatTypes: request.seatTypes)
        } catch {
            // The hold may have been bought under this key a moment ago (by the payment sweeper
            // settling an earlier attempt): that booking is the answer.
            if let key, let booking = try await bookingMade(under: key, userID: userID, digest: digest, now: nowMilliseconds) {
                return booking
            }
            throw error
        }
        let (held, quote) = (priced.held, priced.quote)

        let use = key.map { IdempotencyUse(key: $0, userID: userID, requestDigest: digest, usedAt: nowMilliseconds) }
        let intent = PaymentIntent(
            id: "pi_" + UUID().uuidString.lowercased(), userID: userID, holdID: held.holdID,
            booking: BookingRecord(
                code: ConfirmationCode.random().description, userID: userID, showtimeID: held.showtimeID,
                subtotalCents: quote.subtotalCents, feesCents: quote.feesCents, taxCents: quote.taxCents, totalCents: quote.totalCents,
                cardBrand: card.brand.rawValue, cardLastFour: card.lastFour, processorReference: "",
                createdAt: nowMilliseconds, tickets: priced.tickets),
            key: use, createdAt: nowMilliseconds, settleAfter: nowMilliseconds + Milliseconds.of(settlement.settleAfter))
        if let booking = try await record(intent, digest: digest) { return booking }
        let charge = try await charge(card, for: intent)
        do {
            try await settlement.book(intent, charge: charge)
        } catch {
            return try await answerUnbooked(intent, charge: charge, error: error, venue: priced.venue)
        }
        desk.metrics.bookingConfirmed()
        return try Boxoffice_V1_Booking(PaymentSettlement.booking(intent, charge: charge), venue: priced.venue,
                                        localTime: desk.localTime, nowMilliseconds: desk.clock.nowMilliseconds)
    }

    /// Writes the intent. When an earlier attempt under the same key left one unsettled (its
    /// call died, or its database went away mid-way), the retry settles that one first, now,
    /// instead of waiting for the sweeper: its booking is then the answer; a refunded or chargeless
    /// one makes way for this attempt. Settling is safe whoever else tries at the same time.
    private func record(_ intent: PaymentIntent, digest: String) async throws -> Boxoffice_V1_Booking? {
        do {
            try await desk.allocator.recordIntent(intent)
            return nil
        } catch let inUse as BoxOfficeError where inUse.code == .aborted {
            guard let key = intent.key, let earlier = try await desk.intents.intent(userID: intent.userID, key: key.key) else { throw inUse }
            guard earlier.key?.requestDigest == digest else {
                throw BoxOfficeError.invalidArgument(
                    "idempotency_key \(key.key) was already used for a different purchase: use a new key for a new purchase")
            }
            _ = try await settlement.settle(earlier)
            if let booking = try await bookingMade(under: key.key, userID: intent.userID, digest: digest, now: desk.clock.nowMilliseconds) {
                return booking
            }
            try await desk.allocator.recordIntent(intent)
            return nil
        }
    }

    /// Charges the card under the intent's id. A refusal (declined, processor not reached) moved
    /// no money and drops the intent. Any other failure leaves the charge's outcome unknown: the
    /// processor is asked at once, and if it cannot say, the intent stays for the sweeper.
    private func charge(_ card: PaymentCard, for intent: PaymentIntent) async throws -> PaymentCharge {
        do {
            return try await desk.gateway.charge(card, amountCents: intent.amountCents, idempotencyKey: intent.id)
        } catch let error as BoxOfficeError where [.failedPrecondition, .invalidArgument, .unavailable].contains(error.code) {
            _ = try? await desk.intents.dropIntent(id: intent.id)  // if this fails, the sweeper finds no charge and drops it
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            let made: PaymentCharge?
            do {
                made = try await desk.gateway.charge(madeWithKey: intent.id)
            } catch {
                throw Self.outcomeUnknown(intent)
            }
            guard let made else {
                _ = try? await desk.intents.dropIntent(id: intent.id)
                throw error
            }
            return made
        }
    }

    /// The charge went through but its booking was not written as asked.
    private func answerUnbooked(_ intent: PaymentIntent, charge: PaymentCharge, error: any Error,
                                venue: Venue) async throws -> Boxoffice_V1_Booking {
        if let outage = error as? BoxOfficeError, outage.code == .unavailable {
            // The transaction's outcome is unknown (its COMMIT may have happened): the intent, if
            // it is still there, is the sweeper's. A retry with the same key finds the booking.
            throw Self.outcomeUnknown(intent, cause: outage)
        }
        if error is PaymentIntentSettled { return try await sweptAnswer(intent, charge: charge, venue: venue) }
        // Refused for good (the hold expired meanwhile, the show started): the money goes back.
        let reason = "the booking of hold \(intent.holdID) was not written: \(error)"
        guard try await settlement.refund(intent, charge: charge, because: reason) else {
            return try await sweptAnswer(intent, charge: charge, venue: venue)
        }
        // An earlier attempt under the same key may have bought this hold meanwhile (on another
        // node of a cluster, or one this call outlived): its booking is the answer, this charge
        // having gone back.
        if let key = intent.key, let booking = try await bookingMade(under: key.key, userID: intent.userID, digest: key.requestDigest,
                                                                      now: desk.clock.nowMilliseconds) {
            return booking
        }
        throw error
    }

    /// A sweeper settled this purchase's intent while the call was still running: the booking it
    /// made, or else the charge goes back. (A sweeper that looked before the charge landed dropped
    /// the intent, so nobody else will refund it; refunding twice refunds once.)
    private func sweptAnswer(_ intent: PaymentIntent, charge: PaymentCharge, venue: Venue) async throws -> Boxoffice_V1_Booking {
        if let booking = try await desk.storedBooking(code: intent.booking.code, userID: intent.userID) {
            return try Boxoffice_V1_Booking(booking, venue: venue, localTime: desk.localTime, nowMilliseconds: desk.clock.nowMilliseconds)
        }
        try await settlement.refundOwed(charge, userID: intent.userID,
                                        because: "the payment of hold \(intent.holdID) was settled without a booking while it was charged")
        throw BoxOfficeError(.failedPrecondition, "the payment for hold \(intent.holdID) took too long and was refunded: "
                             + "hold the seats again")
    }

    private static func outcomeUnknown(_ intent: PaymentIntent, cause: BoxOfficeError? = nil) -> BoxOfficeError {
        BoxOfficeError(.unavailable, "the purchase of hold \(intent.holdID) could not be confirmed"
                       + (cause.map { " (\($0.message))" } ?? "") + ": retry with the same idempotency key to see the booking; "
                       + "if it was not made, the charge is refunded", retryAfterMilliseconds: max(cause?.retryAfterMilliseconds ?? 0, 1_000))
    }

    /// The booking an earlier purchase under `key` made, if any; INVALID_ARGUMENT when that
    /// purchase asked for something else.
    private func bookingMade(under key: String, userID: Int64, digest: String, now: Int64) async throws -> Boxoffice_V1_Booking? {
        guard let earlier = try await desk.bookings.idempotencyRecord(key: key, userID: userID, since: now - Self.keyLifetimeMilliseconds)
        else { return nil }
        guard earlier.requestDigest == digest else {
            throw BoxOfficeError.invalidArgument(
                "idempotency_key \(key) was already used for a different purchase: use a new key for a new purchase")
        }
        guard let booking = try await desk.storedBooking(code: earlier.bookingCode, userID: userID) else {
            throw BoxOfficeError.internalError("the booking made under idempotency key \(key) is missing")
        }
        return try await desk.answer(booking)
    }

    /// What makes two purchase requests "the same": hold, ticket types and every card field, as an
    /// HMAC under the server's secret, so the stored digest cannot be reversed into a card number.
    private func requestDigest(_ request: Boxoffice_V1_PurchaseRequest, card: PaymentCard) -> String {
        let canonical = [request.holdID, request.ticketTypes.map { String($0.rawValue) }.joined(separator: ","),
                         request.seatTypes.map { "\($0.seat.uppercased())=\($0.type.rawValue)" }.joined(separator: ","),
                         card.number, "\(card.expiryMonth)/\(card.expiryYear)", card.cvc, card.zip].joined(separator: "\u{1F}")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(canonical.utf8), using: digestKey)
        return Data(mac).base64EncodedString()
    }

    static func ticketType(_ type: Boxoffice_V1_TicketType) throws -> TicketType {
        switch type {
        case .unspecified, .adult: .adult
        case .child: .child
        case .senior: .senior
        case .UNRECOGNIZED(let value): throw BoxOfficeError.invalidArgument("unknown ticket type \(value)")
        }
    }
}
