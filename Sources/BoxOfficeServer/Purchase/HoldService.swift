import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// `HoldSeats` and `ReleaseHold` on the wire: checks the caller's token and the request's shape,
/// then leaves every seat decision to the `SeatAllocator`.
final class HoldService: Sendable {
    private let allocator: SeatAllocator
    private let accounts: AccountService
    init(allocator: SeatAllocator, accounts: AccountService) {
        self.allocator = allocator
        self.accounts = accounts
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
        default:
            throw BoxOfficeError.invalidArgument("give either seats or best_available, not both and not neither")
        }
        let held = try await allocator.hold(showtimeID: showtimeID, userID: userID, seats: seats)
        return .with {
            $0.holdID = held.holdID
            $0.showtimeID = held.showtimeID
            $0.seats = held.seatLabels
            $0.expiresAtMs = Milliseconds.sinceEpoch(held.expiresAt)
        }
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
