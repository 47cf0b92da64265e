import BoxOfficeCore
import BoxOfficeStore
import NIOCore
import NIOPosix
import PostgresNIO

/// PostgreSQL errors in words. `PSQLError`'s own description hides everything (so that it never
/// leaks data into logs); what an operator needs, the server's message and SQLSTATE or the
/// connection's failure, is taken out here.
public enum PostgresFailure {
    /// How long a client is told to wait before trying again while the database is away.
    static let retryAfterMilliseconds: UInt32 = 1_000

    /// `error` as the caller should see it: a database that went away (connection lost or refused,
    /// the server shutting down, too many connections, the pool giving up) is UNAVAILABLE with a
    /// retry-after; a serialization failure or deadlock, also worth retrying, likewise. A
    /// `SeatLedgerFailure` keeps its request index, its cause translated.
    public static func translated(_ error: any Error) -> any Error {
        if let failure = error as? SeatLedgerFailure {
            return SeatLedgerFailure(request: failure.request, cause: translated(failure.cause))
        }
        guard isTransient(error) else { return error }
        if isReadOnly(error) {
            return BoxOfficeError(.unavailable, "the database accepts no writes right now (a standby, or a primary during a failover): "
                                  + "try again shortly", retryAfterMilliseconds: retryAfterMilliseconds)
        }
        return BoxOfficeError(.unavailable, "the database is not answering (\(describe(error))): try again shortly",
                              retryAfterMilliseconds: retryAfterMilliseconds)
    }

    /// A transient error that says the database itself is away (not a serialization failure or
    /// deadlock, which only ask for the transaction to be tried again).
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let failure = error as? SeatLedgerFailure { return isConnectionLoss(failure.cause) }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], ["40001", "40P01"].contains(state) { return false }
        if let error = error as? PostgresTransactionError {
            return [error.closureError, error.beginError, error.commitError].compactMap { $0 }.contains(where: isConnectionLoss)
        }
        return isTransient(error)
    }

    /// SQLSTATE 25006: the server answering is read-only, a standby or a primary that a failover
    /// tool is demoting or has not yet let write. The writable database is elsewhere or coming.
    static func isReadOnly(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "25006"
    }

    static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed].contains(error.code) {
                return true
            }
            guard let state = error.serverInfo?[.sqlState] else { return false }
            // 08: connection exception; 57P01-03: the server shutting down or starting; 53300: too
            // many connections; 25006: a read-only server (see isReadOnly); 40001/40P01:
            // serialization failure, deadlock.
            return state.hasPrefix("08") || state.hasPrefix("57P") || ["53300", "25006", "40001", "40P01"].contains(state)
        case is NIOConnectionError, is IOError:
            return true
        default:
            // The pool's own errors (its circuit breaker tripped, a lease timed out) live in a
            // module postgres-nio does not export: they are recognised by name.
            return String(reflecting: type(of: error)).contains("ConnectionPoolError")
        }
    }

    public static func describe(_ error: any Error) -> String {
        switch error {
        case let error as BoxOfficeError:
            return error.message
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + state
            }
            if error.code == .authMechanismRequiresPassword {
                return "the server asks for a password: put it in the URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            }
            if let underlying = error.underlying { return describe(underlying) }
            return "\(error.code)"
        case let error as PostgresTransactionError:
            return [error.closureError, error.beginError, error.commitError, error.rollbackError].compactMap { $0 }
                .map(describe).joined(separator: "; ")
        case let error as NIOConnectionError:
            let reasons = error.connectionErrors.map { describe($0.error) } + (error.dnsAError.map { ["cannot resolve the host: \($0)"] } ?? [])
            return (reasons.first ?? "no address to try") + " (is PostgreSQL running there?)"
        case let error as IOError where error.errnoCode == ECONNREFUSED:
            return "nothing is listening there (connection refused)"
        default:
            return "\(error)"
        }
    }
}
