import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import Crypto
import Foundation

/// `Purchase`: turns the caller's live hold into a booking.
///
/// The order matters. Everything that can be refused without side effects is checked first (token,
/// card form, idempotency key, hold, price); then the card is charged; then the allocator writes
/// the booking, its tickets, the payment record and the key in the transaction that moves the
/// seats from the hold to the booking. If that write fails (say the hold expired while the
/// processor was answering) the charge is refunded before the error is returned.
final class PurchaseService: Sendable {
    /// How long a key's booking is remembered for retries.
    static let keyLifetimeMilliseconds: Int64 = 24 * 3600 * 1000

    private let desk: BookingDesk
    private let feeCentsPerTicket: Int64
    /// Keys the request digests, so a digest in the database tells nothing about the card.
    private let digestKey: SymmetricKey
    private let gate = IdempotencyGate()

    init(desk: BookingDesk, feeCentsPerTicket: Int64, secret: Data) {
        self.desk = desk
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
        let types = try request.ticketTypes.map(Self.ticketType)
        let key = context.idempotencyKey
        guard key.utf8.count <= ProtocolLimits.maxIdempotencyKeyBytes else {
            throw BoxOfficeError.invalidArgument("idempotency_key is longer than \(ProtocolLimits.maxIdempotencyKeyBytes) bytes")
        }
        guard !key.isEmpty else {
            return try await buy(request, card: card, types: types, userID: userID, key: nil, digest: "")
        }
        let digest = requestDigest(request, card: card)
        let answer = try await gate.whileHolding(key: key, userID: userID) {
            try await buy(request, card: card, types: types, userID: userID, key: key, digest: digest)
        }
        guard let answer else {
            throw BoxOfficeError(.aborted, "a purchase with idempotency key \(key) is still in progress: wait for its answer",
                                 retryAfterMilliseconds: 100)
        }
        return answer
    }

    private func buy(_ request: Boxoffice_V1_PurchaseRequest, card: PaymentCard, types: [TicketType],
                     userID: Int64, key: String?, digest: String) async throws -> Boxoffice_V1_Booking {
        let nowMilliseconds = desk.clock.nowMilliseconds
        if let key, let earlier = try await earlierUse(of: key, userID: userID, now: nowMilliseconds) {
            guard earlier.requestDigest == digest else {
                throw BoxOfficeError.invalidArgument(
                    "idempotency_key \(key) was already used for a different purchase: use a new key for a new purchase")
            }
            guard let booking = try await desk.storedBooking(code: earlier.bookingCode, userID: userID) else {
                throw BoxOfficeError.internalError("the booking made under idempotency key \(key) is missing")
            }
            return try await desk.answer(booking)
        }

        let held = try await desk.allocator.heldSeats(holdID: request.holdID, userID: userID)
        guard types.count <= held.seats.count else {
            throw BoxOfficeError.invalidArgument("ticket_types names \(types.count) tickets but the hold has \(held.seats.count) seats")
        }
        guard let showtime = try await desk.reader.showtime(id: held.showtimeID),
              let theatre = try await desk.reader.theatre(id: showtime.theatreID)
        else { throw BoxOfficeError.internalError("showtime \(held.showtimeID) of hold \(held.holdID) is missing") }
        let ticketTypes = held.seats.indices.map { $0 < types.count ? types[$0] : .adult }
        let prices = ticketTypes.map { showtime.prices.cents(for: $0) }
        guard let quote = PriceQuote(ticketCents: prices, feeCentsPerTicket: feeCentsPerTicket, state: theatre.state) else {
            throw BoxOfficeError.internalError("theatre \(theatre.id) is in \(theatre.state), which has no sales tax rate")
        }

        // Without a client key, the processor still gets one per attempt so its own retries are safe.
        let processorKey = key.map { "u\(userID):\($0)" } ?? "u\(userID):\(UUID().uuidString)"
        let charge = try await desk.gateway.charge(card, amountCents: quote.totalCents, idempotencyKey: processorKey)
        let code = ConfirmationCode.random().description
        let record = BookingRecord(
            code: code, userID: userID, showtimeID: held.showtimeID,
            subtotalCents: quote.subtotalCents, feesCents: quote.feesCents, taxCents: quote.taxCents, totalCents: quote.totalCents,
            cardBrand: charge.cardBrand, cardLastFour: charge.cardLastFour, processorReference: charge.reference,
            createdAt: nowMilliseconds,
            tickets: zip(held.seats, zip(ticketTypes, prices)).map { seat, ticket in
                .init(seatIndex: seat.index, seatLabel: seat.label, type: ticket.0, priceCents: ticket.1)
            })
        do {
            let use = key.map { IdempotencyUse(key: $0, userID: userID, requestDigest: digest, usedAt: nowMilliseconds) }
            _ = try await desk.allocator.confirmPurchase(holdID: held.holdID, userID: userID, booking: record, key: use)
        } catch {
            // No booking was written, so the money goes back; the buyer sees why the booking failed.
            await desk.refund(charge, userID: userID, because: "the booking of hold \(held.holdID) was not written: \(error)")
            throw error
        }
        desk.metrics.bookingConfirmed()
        return try Boxoffice_V1_Booking(record, showtime: showtime, localTime: desk.localTime)
    }

    private func earlierUse(of key: String, userID: Int64, now: Int64) async throws -> IdempotencyRecord? {
        try await desk.bookings.idempotencyRecord(key: key, userID: userID, since: now - Self.keyLifetimeMilliseconds)
    }

    /// What makes two purchase requests "the same": hold, ticket types and every card field, as an
    /// HMAC under the server's secret, so the stored digest cannot be reversed into a card number.
    private func requestDigest(_ request: Boxoffice_V1_PurchaseRequest, card: PaymentCard) -> String {
        let canonical = [request.holdID, request.ticketTypes.map { String($0.rawValue) }.joined(separator: ","),
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

extension Prices {
    func cents(for type: TicketType) -> Int64 {
        switch type {
        case .adult: adultCents
        case .child: childCents
        case .senior: seniorCents
        }
    }
}
