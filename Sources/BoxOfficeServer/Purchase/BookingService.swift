import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore

/// `GetBooking`, `ListBookings` and `CancelBooking`: the caller's own bookings only. Someone else's
/// code is answered exactly like a code that does not exist, so codes cannot be probed.
final class BookingService: Sendable {
    private let desk: BookingDesk

    init(desk: BookingDesk) {
        self.desk = desk
    }

    func getBooking(_ request: Boxoffice_V1_GetBookingRequest, context: CallContext) async throws -> Boxoffice_V1_Booking {
        let userID = try desk.accounts.authenticate(context)
        let record = try await ownBooking(try Self.code(request.code), userID: userID)
        return try await desk.answer(record)
    }

    func listBookings(_ request: Boxoffice_V1_ListBookingsRequest, context: CallContext) async throws -> Boxoffice_V1_ListBookingsResponse {
        let userID = try desk.accounts.authenticate(context)
        let period: BookingPeriod = switch request.when {
        case .all: .all
        case .upcoming: .upcoming
        case .past: .past
        case .UNRECOGNIZED(let value): throw BoxOfficeError.invalidArgument("when \(value) is not ALL, UPCOMING or PAST")
        }
        let page = try PageRequest(size: request.pageSize, token: request.pageToken, query: "bookings of \(userID)|\(period)")
        let (records, total) = try await desk.bookings.bookings(userID: userID, period: period, now: desk.clock.nowMilliseconds,
                                                                offset: page.offset, limit: page.size)
        var bookings: [Boxoffice_V1_Booking] = []
        for record in records { bookings.append(try await desk.answer(record)) }
        return .with {
            $0.bookings = bookings
            $0.nextPageToken = page.nextToken(after: records.count, total: total)
            $0.total = UInt32(total)
        }
    }

    /// Refunds through the gateway first, then frees the seats and marks the booking cancelled in
    /// one transaction. Refunds are idempotent per charge, so if the cancellation then fails (the
    /// show started in between), a retry cannot refund twice.
    func cancelBooking(_ request: Boxoffice_V1_CancelBookingRequest, context: CallContext) async throws -> Boxoffice_V1_Booking {
        let userID = try desk.accounts.authenticate(context)
        let code = try Self.code(request.code)
        let record = try await ownBooking(code, userID: userID)
        guard record.state == .confirmed else {
            throw BoxOfficeError(.failedPrecondition, "booking \(code) is already cancelled")
        }
        guard let showtime = try await desk.reader.showtime(id: record.showtimeID) else {
            throw BoxOfficeError.internalError("showtime \(record.showtimeID) of booking \(code) is missing")
        }
        guard desk.clock.nowMilliseconds < showtime.startsAt * 1000 else {
            throw BoxOfficeError(.failedPrecondition, "the show of booking \(code) has started: it can no longer be cancelled")
        }
        let refund = try await desk.gateway.refund(chargeReference: record.processorReference, amountCents: record.totalCents)
        _ = try await desk.allocator.cancel(bookingCode: code, userID: userID, refundedCents: refund.amountCents)
        desk.metrics.bookingCancelled()
        return try await desk.answer(try await ownBooking(code, userID: userID))
    }

    private func ownBooking(_ code: String, userID: Int64) async throws -> BookingRecord {
        guard let record = try await desk.storedBooking(code: code, userID: userID) else {
            throw BoxOfficeError.notFound("you have no booking \(code)")
        }
        return record
    }

    /// The canonical code, or INVALID_ARGUMENT for text that cannot be a confirmation code.
    static func code(_ text: String) throws -> String {
        guard !text.isEmpty else { throw BoxOfficeError.invalidArgument("code is required") }
        return try ConfirmationCode(checking: text).description
    }
}

extension Boxoffice_V1_Booking {
    /// The booking as answered; the showtime's `seats_left` is not filled in (it changes by the second).
    init(_ record: BookingRecord, venue: Venue, localTime: LocalTime, nowMilliseconds: Int64) throws(BoxOfficeError) {
        self.init()
        code = record.code
        showtime = try venue.answeredShowtime(localTime: localTime, nowMilliseconds: nowMilliseconds)
        // In seat order, as stored: a purchase's answer and every later lookup list them alike.
        tickets = record.tickets.sorted { $0.seatIndex < $1.seatIndex }.map { ticket in
            .with {
                $0.seat = ticket.seatLabel
                $0.type = .init(ticket.type)
                $0.priceCents = ticket.priceCents
                $0.kind = .init(venue.kind(ofSeat: ticket.seatIndex))
            }
        }
        taxState = venue.theatre.state
        taxRateMilliPercent = venue.taxRateMilliPercent
        subtotalCents = record.subtotalCents
        feesCents = record.feesCents
        taxCents = record.taxCents
        totalCents = record.totalCents
        state = record.state == .confirmed ? .confirmed : .cancelled
        cardBrand = record.cardBrand
        cardLast4 = record.cardLastFour
        createdAtMs = record.createdAt
        cancelledAtMs = record.cancelledAt ?? 0
        refundedCents = record.refundedCents
    }
}

extension Boxoffice_V1_TicketType {
    init(_ type: TicketType) {
        switch type {
        case .adult: self = .adult
        case .child: self = .child
        case .senior: self = .senior
        }
    }
}
