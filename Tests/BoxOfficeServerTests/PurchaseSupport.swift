import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeServer
import BoxOfficeTesting
import Synchronization
import Testing

/// Buyers, holds and cards for the purchase and booking tests.
struct Buyer {
    let client: BoxOfficeConnection

    static func signUp(_ server: TestServer, _ email: String) async throws -> Buyer {
        let client = try await server.connect()
        client.authToken = try await client.signUp(.with { $0.email = email; $0.name = email; $0.password = "long enough" }).token
        return Buyer(client: client)
    }

    /// A showtime `days` after the catalogue's first day near Chicago, later than the test clock's now.
    func showtime(daysAhead days: Int = 1) async throws -> Boxoffice_V1_Showtime {
        let shows = try await client.searchShowtimes(.with {
            $0.near = .with { $0.zip = "60601" }
            $0.date = TestCatalogue.startDate.adding(days: days).description
        })
        return try #require(shows.showtimes.first)
    }

    func hold(_ seats: [String], of showtime: Int64) async throws -> Boxoffice_V1_Hold {
        try await client.holdSeats(.with { $0.showtimeID = showtime; $0.seats = seats })
    }

    func purchase(_ holdID: String, card: String = SimulatedPaymentProcessor.approvedCard, cvc: String = "123",
                  types: [Boxoffice_V1_TicketType] = [], key: String = "") async throws -> Boxoffice_V1_Response {
        try await client.send(.purchase(Self.purchaseRequest(holdID, card: card, cvc: cvc, types: types)),
                              options: .init(idempotencyKey: key))
    }

    static func purchaseRequest(_ holdID: String, card: String = SimulatedPaymentProcessor.approvedCard, cvc: String = "123",
                                types: [Boxoffice_V1_TicketType] = []) -> Boxoffice_V1_PurchaseRequest {
        .with {
            $0.holdID = holdID
            $0.ticketTypes = types
            $0.card = .with { $0.number = card; $0.expMonth = 12; $0.expYear = 30; $0.cvc = cvc; $0.zip = "60601" }
        }
    }

    func close() async { await client.close() }
}

extension Boxoffice_V1_Response {
    /// The booking of a Purchase, GetBooking or CancelBooking answer.
    var booking: Boxoffice_V1_Booking? {
        switch result {
        case .purchase(let booking), .getBooking(let booking), .cancelBooking(let booking): booking
        default: nil
        }
    }
}

/// A processor whose charges wait until the test lets them through, to hold a purchase in flight,
/// and whose refunds fail while `refundsFail` is set (the processor unreachable).
final class PausingGateway: PaymentGateway {
    let processor = SimulatedPaymentProcessor()
    let refundsFail = Mutex(false)
    private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let started = AsyncStream<Void>.makeStream()

    /// Resumes when a charge has arrived and is waiting.
    func chargeArrived() async {
        for await _ in started.stream { return }
    }

    func letChargesThrough() {
        for continuation in waiting.withLock({ list in defer { list = [] }; return list }) { continuation.resume() }
    }

    func charge(_ card: PaymentCard, amountCents: Int64, idempotencyKey: String) async throws -> PaymentCharge {
        await withCheckedContinuation { continuation in
            waiting.withLock { $0.append(continuation) }
            started.continuation.yield()
        }
        return try await processor.charge(card, amountCents: amountCents, idempotencyKey: idempotencyKey)
    }

    func refund(chargeReference reference: String, amountCents: Int64) async throws -> PaymentRefund {
        if refundsFail.withLock({ $0 }) { throw BoxOfficeError(.unavailable, "the processor did not answer") }
        return try await processor.refund(chargeReference: reference, amountCents: amountCents)
    }

    func charge(madeWithKey idempotencyKey: String) async throws -> PaymentCharge? {
        try await processor.charge(madeWithKey: idempotencyKey)
    }
}
