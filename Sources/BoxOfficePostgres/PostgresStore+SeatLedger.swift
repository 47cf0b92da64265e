import BoxOfficeCore
public import BoxOfficeStore
import Logging
import PostgresNIO

// The seat allocator's ledger: what a showtime's seats are when the allocator first meets it, and
// the batched transactions that make its decisions durable. Each statement checks the rows it
// changed (RETURNING), so a database that disagrees with the allocator fails the batch.
extension PostgresStore {
    public func seats(ofShowtimes showtimeIDs: [Int64]) async throws -> [Int64: StoredShowtimeSeats] {
        guard !showtimeIDs.isEmpty else { return [:] }
        var found: [Int64: (startsAt: Int64, layout: SeatLayout)] = [:]
        for try await (id, startsAt, layout) in try await run("""
            SELECT s.id, s.starts_at, sc.layout FROM showtimes s JOIN screens sc ON sc.id = s.screen_id WHERE s.id = ANY(\(showtimeIDs))
            """, logger: logger).decode((Int64, Int64, String).self) {
            found[id] = (startsAt, try SeatLayout(encoded: layout))
        }
        var holds: [Int64: [String: StoredShowtimeSeats.StoredHold]] = [:]
        var bookings: [Int64: [String: [Int]]] = [:]
        let claims = try await run("""
            SELECT c.showtime_id, c.seat_index, c.hold_id, h.user_id, h.expires_at, h.seats, c.booking_code
            FROM seat_claims c LEFT JOIN holds h ON h.id = c.hold_id AND h.state = 'live'
            LEFT JOIN bookings b ON b.code = c.booking_code AND b.state = 'confirmed'
            WHERE c.showtime_id = ANY(\(Array(found.keys))) AND (h.id IS NOT NULL OR b.code IS NOT NULL)
            """, logger: logger)
        for try await (showtimeID, seat, holdID, userID, expiresAt, seatsText, code) in claims
            .decode((Int64, Int32, String?, Int64?, Int64?, String?, String?).self) {
            if let holdID, let userID, let expiresAt {
                if holds[showtimeID, default: [:]][holdID] == nil {
                    // The hold row lists its seats in the order they were asked for; the claims are the truth.
                    let order = (seatsText ?? "").split(separator: ",").compactMap { Int($0) }
                    holds[showtimeID, default: [:]][holdID] = .init(id: holdID, userID: userID, seatIndices: [], expiresAt: expiresAt, order: order)
                }
                holds[showtimeID]![holdID]!.seatIndices.append(Int(seat))
            } else if let code {
                bookings[showtimeID, default: [:]][code, default: []].append(Int(seat))
            }
        }
        return found.reduce(into: [:]) { result, entry in
            result[entry.key] = StoredShowtimeSeats(startsAt: entry.value.startsAt, layout: entry.value.layout,
                                                    holds: Array((holds[entry.key] ?? [:]).values), bookings: bookings[entry.key] ?? [:])
        }
    }

    public func hold(id: String) async throws -> StoredHoldStatus? {
        for try await (showtimeID, userID, stateText) in try await run(
            "SELECT showtime_id, user_id, state FROM holds WHERE id = \(id)", logger: logger).decode((Int64, Int64, String).self) {
            guard let state = HoldState(rawValue: stateText) else {
                throw BoxOfficeError.internalError("hold \(id) has an unknown state \"\(stateText)\"")
            }
            return StoredHoldStatus(showtimeID: showtimeID, userID: userID, state: state)
        }
        return nil
    }

    public func bookingOwner(code: String) async throws -> (showtimeID: Int64, userID: Int64)? {
        for try await (showtimeID, userID) in try await run(
            "SELECT showtime_id, user_id FROM bookings WHERE code = \(code)", logger: logger).decode((Int64, Int64).self) {
            return (showtimeID, userID)
        }
        return nil
    }

    public func showtimesWithExpiredHolds(now: Int64, limit: Int) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await run("""
            SELECT DISTINCT showtime_id FROM holds WHERE state = 'live' AND expires_at <= \(now) LIMIT \(Int64(limit))
            """, logger: logger).decode(Int64.self) { ids.append(id) }
        return ids
    }

    public func showtimesWithLiveHolds(userID: Int64, now: Int64) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await run("""
            SELECT DISTINCT showtime_id FROM holds WHERE user_id = \(userID) AND state = 'live' AND expires_at > \(now)
            """, logger: logger).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// One transaction for the whole batch, a few array statements whatever its size
    /// (`PostgresSeatBatch`). When one request's change is refused, the transaction rolls back and
    /// `SeatLedgerFailure` names that request, so the allocator writes the others again without it.
    public func apply(_ requests: [[SeatChange]]) async throws {
        let batch = try PostgresSeatBatch(requests)
        try await transaction { [logger] connection in try await batch.write(on: connection, logger: logger) }
    }
}
