import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import Logging

/// What the purchase and booking calls share: the seat allocator, accounts, the catalogue, the
/// stored bookings, refunds and payment intents, the payment gateway, the clock, and the way a
/// stored booking becomes an answer.
struct BookingDesk: Sendable {
    let allocator: SeatAllocator
    let accounts: AccountService
    let reader: CatalogueReader
    let bookings: any BookingReading
    let refunds: any RefundLedger
    let intents: any PaymentIntentLedger
    let logger: Logger
    let gateway: any PaymentGateway
    let clock: any TimeSource
    let localTime: LocalTime
    let metrics: ServerMetrics

    /// `userID`'s booking with this code (someone else's is nil, like one that does not exist).
    func storedBooking(code: String, userID: Int64) async throws -> BookingRecord? {
        try await bookings.booking(code: code, userID: userID)
    }

    /// The booking as answered, with its showtime, theatre address, seat kinds and tax rate.
    func answer(_ record: BookingRecord) async throws -> Boxoffice_V1_Booking {
        let venue = try await venue(ofShowtime: record.showtimeID, for: "booking \(record.code)")
        return try Boxoffice_V1_Booking(record, venue: venue, localTime: localTime, nowMilliseconds: clock.nowMilliseconds)
    }

    /// A showtime with its theatre and screen, for receipts, quotes and holds; INTERNAL when the
    /// catalogue lost one of them (`owner` says whose showtime it is).
    func venue(ofShowtime id: Int64, for owner: String) async throws -> Venue {
        guard let showtime = try await reader.showtime(id: id),
              let theatre = try await reader.theatre(id: showtime.theatreID),
              let screen = try await reader.screen(id: showtime.screenID)
        else { throw BoxOfficeError.internalError("the showtime \(id) of \(owner) is missing from the catalogue") }
        return Venue(showtime: showtime, theatre: theatre, screen: screen)
    }
}

/// Where and when a showing is: what a receipt, a quote or a hold describes.
struct Venue: Sendable {
    let showtime: ShowtimeRecord
    let theatre: TheatreRecord
    let screen: ScreenRecord

    /// The showtime as answered with its theatre's address (`seats_left` not filled in: it changes by the second).
    func answeredShowtime(localTime: LocalTime, nowMilliseconds: Int64) throws(BoxOfficeError) -> Boxoffice_V1_Showtime {
        var answered = try Boxoffice_V1_Showtime(showtime, seatsLeft: 0, distanceMiles: 0, localTime: localTime,
                                                 nowMilliseconds: nowMilliseconds)
        answered.theatreAddress = .init(theatre)
        return answered
    }

    /// The seat kind of a seat of this screen (standard when the layout has no such seat).
    func kind(ofSeat index: Int) -> SeatKind {
        screen.layout.seats.indices.contains(index) ? screen.layout.seats[index].kind : .standard
    }

    /// The state's sales tax rate in thousandths of a percent.
    var taxRateMilliPercent: UInt32 { UInt32(SalesTax.rate(state: theatre.state) ?? 0) }
}
