import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import NIOPosix

/// What the purchase and booking calls share: the seat allocator, accounts, the catalogue, the
/// store behind a thread pool, the payment gateway, the clock, and the way a stored booking
/// becomes an answer.
struct BookingDesk: Sendable {
    let allocator: SeatAllocator
    let accounts: AccountService
    let reader: CatalogueReader
    let store: CatalogueStore
    let threadPool: NIOThreadPool
    let gateway: any PaymentGateway
    let clock: any TimeSource
    let localTime: LocalTime
    let metrics: ServerMetrics

    /// `userID`'s booking with this code (someone else's is nil, like one that does not exist).
    func storedBooking(code: String, userID: Int64) async throws -> BookingRecord? {
        let store = store
        return try await threadPool.runIfActive { try store.booking(code: code, userID: userID) }
    }

    /// The booking as answered, with its showtime.
    func answer(_ record: BookingRecord) async throws -> Boxoffice_V1_Booking {
        guard let showtime = try await reader.showtime(id: record.showtimeID) else {
            throw BoxOfficeError.internalError("showtime \(record.showtimeID) of booking \(record.code) is missing")
        }
        return try Boxoffice_V1_Booking(record, showtime: showtime, localTime: localTime)
    }
}
