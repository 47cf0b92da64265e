import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import Logging

/// What the purchase and booking calls share: the seat allocator, accounts, the catalogue, the
/// stored bookings, the payment gateway, the clock, and the way a stored booking becomes an answer.
struct BookingDesk: Sendable {
    let allocator: SeatAllocator
    let accounts: AccountService
    let reader: CatalogueReader
    let bookings: any BookingReading
    let refunds: any RefundLedger
    let logger: Logger
    let gateway: any PaymentGateway
    let clock: any TimeSource
    let localTime: LocalTime
    let metrics: ServerMetrics

    /// `userID`'s booking with this code (someone else's is nil, like one that does not exist).
    func storedBooking(code: String, userID: Int64) async throws -> BookingRecord? {
        try await bookings.booking(code: code, userID: userID)
    }

    /// Gives back a charge whose booking was not written. A refund the processor does not take is
    /// logged, counted, and kept in the store for the refund retrier: never swallowed.
    func refund(_ charge: PaymentCharge, userID: Int64, because reason: String) async {
        do {
            _ = try await gateway.refund(chargeReference: charge.reference, amountCents: charge.amountCents)
            return
        } catch {
            metrics.refundFailed()
            logger.error("refund failed: kept for retry", metadata: [
                "boxoffice.charge": "\(charge.reference)", "boxoffice.amount_cents": "\(charge.amountCents)",
                "boxoffice.user": "\(userID)", "error": "\(error)",
            ])
        }
        let owed = OwedRefund(chargeReference: charge.reference, amountCents: charge.amountCents, userID: userID,
                              reason: reason, owedSince: clock.nowMilliseconds)
        do {
            try await refunds.oweRefund(owed)
        } catch {
            // The money is then only in this log line: it must stand out.
            logger.critical("a refund failed and could not be kept for retry: refund it by hand", metadata: [
                "boxoffice.charge": "\(charge.reference)", "boxoffice.amount_cents": "\(charge.amountCents)",
                "boxoffice.user": "\(userID)", "error": "\(error)",
            ])
        }
    }

    /// The booking as answered, with its showtime.
    func answer(_ record: BookingRecord) async throws -> Boxoffice_V1_Booking {
        guard let showtime = try await reader.showtime(id: record.showtimeID) else {
            throw BoxOfficeError.internalError("showtime \(record.showtimeID) of booking \(record.code) is missing")
        }
        return try Boxoffice_V1_Booking(record, showtime: showtime, localTime: localTime)
    }
}
