import BoxOfficeCore
public import BoxOfficeStore
public import Logging
public import PostgresNIO

/// `SeatInvariants` on PostgreSQL: the same promises, scope and words, checked in SQL over the
/// same tables. Every check reads one snapshot (a read-only REPEATABLE READ transaction), so a
/// server still writing cannot make the counts of one check disagree with another's.
///
/// Where SQLite asks once per showtime, this asks once for all of them: each question is a round
/// trip here, and a soak run touches hundreds of showtimes.
public enum PostgresSeatInvariants {
    /// Connects once, directly, to `url` and checks it. A refused connection, a wrong password or
    /// an unknown database fails at once in PostgreSQL's words (UNAVAILABLE), where a pool would
    /// retry quietly.
    public static func check(databaseAt url: PostgresURL, scope: SeatInvariants.Scope,
                             logger: Logger = Logger(label: "boxoffice.invariants", factory: { _ in SwiftLogNoOpLogHandler() }))
        async throws -> [String] {
        let configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: .disable)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw BoxOfficeError(.unavailable, "cannot check the invariants in \(url): \(PostgresFailure.describe(error))")
        }
        defer { Task { try? await connection.close() } }
        return try await check(on: connection, scope: scope, logger: logger)
    }

    /// Checks the database `client` serves, on one of its connections; the caller runs the client.
    public static func check(through client: PostgresClient, scope: SeatInvariants.Scope,
                             logger: Logger = Logger(label: "boxoffice.invariants", factory: { _ in SwiftLogNoOpLogHandler() }))
        async throws -> [String] {
        try await client.withConnection { try await check(on: $0, scope: scope, logger: logger) }
    }

    /// Each broken promise, in `SeatInvariants`' order and words; empty when all hold.
    static func check(on connection: PostgresConnection, scope: SeatInvariants.Scope, logger: Logger) async throws -> [String] {
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                // The first statement of the transaction, as PostgreSQL requires: one snapshot, no writes.
                try await drain(connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger))
                var failures = try await seatsInTwoBookings(on: connection, logger: logger)
                failures += try await confirmedCodes(scope.confirmedCodes, on: connection, logger: logger)
                failures += try await showtimeCounts(scope.showtimes, on: connection, logger: logger)
                if let staleBefore = scope.staleHoldsBefore {
                    failures += try await staleHolds(before: staleBefore, on: connection, logger: logger)
                }
                return failures
            }
        } catch let error as PostgresTransactionError {
            // A database that went away may answer later; one without BoxOffice's tables will not.
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error
            throw BoxOfficeError(PostgresFailure.isTransient(cause) ? .unavailable : .failedPrecondition,
                                 "checking the invariants failed: \(PostgresFailure.describe(error))")
        }
    }

    /// No seat in two confirmed bookings. (Two claims on one seat the primary key forbids.)
    private static func seatsInTwoBookings(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var failures: [String] = []
        for try await (showtime, seat, codes) in try await connection.query("""
            SELECT b.showtime_id, min(t.seat_label), string_agg(b.code, ',' ORDER BY b.code)
            FROM tickets t JOIN bookings b ON b.code = t.booking_code
            WHERE b.state = 'confirmed' GROUP BY b.showtime_id, t.seat_index HAVING count(*) > 1
            ORDER BY b.showtime_id, t.seat_index
            """, logger: logger).decode((Int64, String, String).self) {
            failures.append(SeatInvariants.Broken.seatInTwoBookings(showtime: showtime, seat: seat, codes: codes))
        }
        return failures
    }

    /// Each code some client saw confirmed is stored once, confirmed; in the scope's order.
    private static func confirmedCodes(_ codes: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        guard !codes.isEmpty else { return [] }
        var stored: [String: Int] = [:]
        for try await (code, count) in try await connection.query("""
            SELECT code, count(*) FROM bookings WHERE code = ANY(\(codes)) AND state = 'confirmed' GROUP BY code
            """, logger: logger).decode((String, Int64).self) {
            stored[code] = Int(count)
        }
        return codes.compactMap { code in
            let count = stored[code] ?? 0
            return count == 1 ? nil : SeatInvariants.Broken.confirmedBookingStored(code: code, times: count)
        }
    }

    /// In each showtime (the scope's, or every one with a claim): claims within capacity, and as
    /// many tickets in confirmed bookings as seats claimed by bookings.
    private static func showtimeCounts(_ scoped: Set<Int64>?, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var showtimes = scoped.map { Array($0) } ?? []
        if scoped == nil {
            for try await id in try await connection.query("SELECT DISTINCT showtime_id FROM seat_claims", logger: logger)
                .decode(Int64.self) { showtimes.append(id) }
        }
        guard !showtimes.isEmpty else { return [] }
        var failures: [String] = []
        // A showtime the catalogue lacks has capacity 0, as in SQLite's check.
        for try await (showtime, capacity, claimed, bookedClaims, tickets) in try await connection.query("""
            WITH checked (id) AS (SELECT DISTINCT unnest(\(showtimes)::int8[])),
            claims AS (
                SELECT showtime_id, count(*) AS claimed, count(booking_code) AS booked FROM seat_claims
                WHERE showtime_id IN (SELECT id FROM checked) GROUP BY showtime_id),
            sold AS (
                SELECT b.showtime_id, count(*) AS tickets FROM tickets t JOIN bookings b ON b.code = t.booking_code
                WHERE b.state = 'confirmed' AND b.showtime_id IN (SELECT id FROM checked) GROUP BY b.showtime_id)
            SELECT c.id, coalesce(sc.capacity, 0)::int8, coalesce(claims.claimed, 0), coalesce(claims.booked, 0), coalesce(sold.tickets, 0)
            FROM checked c
            LEFT JOIN showtimes s ON s.id = c.id LEFT JOIN screens sc ON sc.id = s.screen_id
            LEFT JOIN claims ON claims.showtime_id = c.id LEFT JOIN sold ON sold.showtime_id = c.id
            ORDER BY c.id
            """, logger: logger).decode((Int64, Int64, Int64, Int64, Int64).self) {
            if claimed > capacity {
                failures.append(SeatInvariants.Broken.claimsOverCapacity(showtime: showtime, claimed: Int(claimed), capacity: Int(capacity)))
            }
            if tickets != bookedClaims {
                failures.append(SeatInvariants.Broken.ticketsUnlikeClaims(showtime: showtime, tickets: Int(tickets), bookedClaims: Int(bookedClaims)))
            }
        }
        return failures
    }

    /// No live hold that expired before `staleBefore` still claims a seat: the reaper ends them
    /// within seconds, on PostgreSQL as on SQLite.
    private static func staleHolds(before staleBefore: Int64, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var failures: [String] = []
        for try await (showtime, seats) in try await connection.query("""
            SELECT c.showtime_id, string_agg(c.seat_index::text, ',' ORDER BY c.seat_index) FROM seat_claims c JOIN holds h ON h.id = c.hold_id
            WHERE h.state = 'live' AND h.expires_at < \(staleBefore) GROUP BY c.showtime_id ORDER BY c.showtime_id
            """, logger: logger).decode((Int64, String).self) {
            failures.append(SeatInvariants.Broken.staleHoldsClaim(showtime: showtime, seats: seats))
        }
        return failures
    }

    private static func drain(_ rows: PostgresRowSequence) async throws {
        for try await _ in rows {}
    }
}
