import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// `HoldSeats`, `ReleaseHold` and `ListHolds` on the wire: checks the caller's token and the
/// request's shape, then leaves every seat decision to the `SeatAllocator`.
final class HoldService: Sendable {
    private let desk: BookingDesk
    private var allocator: SeatAllocator { desk.allocator }
    private var accounts: AccountService { desk.accounts }

    init(desk: BookingDesk) {
        self.desk = desk
    }

    func holdSeats(_ request: Boxoffice_V1_HoldSeatsRequest, context: CallContext) async throws -> Boxoffice_V1_Hold {
        let userID = try accounts.authenticate(context)
        let showtimeID = try SearchService.validID(request.showtimeID, field: "showtime_id")
        let seats: SeatRequest
        switch (request.seats.isEmpty, request.hasBestAvailable) {
        case (false, false):
            guard request.seats.count <= ProtocolLimits.maxSeatsPerHold else {
                throw BoxOfficeError.invalidArgument("a hold takes at most \(ProtocolLimits.maxSeatsPerHold) seats, not \(request.seats.count)")
            }
            seats = .labels(request.seats)
        case (true, true):
            let count = Int(request.bestAvailable.count)
            guard (1...ProtocolLimits.maxSeatsPerHold).contains(count) else {
                throw BoxOfficeError.invalidArgument("best_available.count must be 1 to \(ProtocolLimits.maxSeatsPerHold), not \(count)")
            }
            seats = .bestAvailable(count: count, kind: try Self.kind(request.bestAvailable.kind))
        case (true, false):
            throw BoxOfficeError.invalidArgument("say which seats to hold: name them in seats, or set best_available")
        case (false, true):
            throw BoxOfficeError.invalidArgument("give seats or best_available, not both")
        }
        // Under a key, a retry whose answer was lost gets the same hold back (see SeatAllocator.hold).
        let held = try await allocator.hold(showtimeID: showtimeID, userID: userID, seats: seats,
                                            requestKey: try context.checkedIdempotencyKey())
        let showtime = try await answeredShowtime(held.showtimeID, holdID: held.holdID)
        return .with {
            $0.holdID = held.holdID
            $0.showtimeID = held.showtimeID
            $0.seats = held.seatLabels
            $0.expiresAtMs = Milliseconds.sinceEpoch(held.expiresAt)
            $0.showtime = showtime
        }
    }

    /// The caller's holds that still keep their seats, soonest expiry first.
    func listHolds(_ request: Boxoffice_V1_ListHoldsRequest, context: CallContext) async throws -> Boxoffice_V1_ListHoldsResponse {
        let userID = try accounts.authenticate(context)
        var holds: [Boxoffice_V1_Hold] = []
        for held in try await allocator.liveHolds(of: userID) {
            let showtime = try await answeredShowtime(held.showtimeID, holdID: held.holdID)
            holds.append(.with {
                $0.holdID = held.holdID
                $0.showtimeID = held.showtimeID
                $0.seats = held.seats.map(\.label)
                $0.expiresAtMs = Milliseconds.sinceEpoch(held.expiresAt)
                $0.showtime = showtime
            })
        }
        return .with { $0.holds = holds }
    }

    private func answeredShowtime(_ showtimeID: Int64, holdID: String) async throws -> Boxoffice_V1_Showtime {
        try await desk.venue(ofShowtime: showtimeID, for: "hold \(holdID)")
            .answeredShowtime(localTime: desk.localTime, nowMilliseconds: desk.clock.nowMilliseconds)
    }

    func releaseHold(_ request: Boxoffice_V1_ReleaseHoldRequest, context: CallContext) async throws -> Boxoffice_V1_ReleaseHoldResponse {
        let userID = try accounts.authenticate(context)
        guard !request.holdID.isEmpty else { throw BoxOfficeError.invalidArgument("hold_id is required") }
        let held = try await allocator.heldSeats(holdID: request.holdID, userID: userID)
        try await allocator.release(holdID: request.holdID, userID: userID)
        return .with { $0.releasedSeats = held.seats.map(\.label) }
    }

    private static func kind(_ kind: Boxoffice_V1_SeatKind) throws -> SeatKind {
        switch kind {
        case .unspecified, .standard: .standard
        case .wheelchair: .wheelchair
        case .companion: .companion
        case .premium: .premium
        case .UNRECOGNIZED(let value): throw BoxOfficeError.invalidArgument("unknown seat kind \(value)")
        }
    }
}
