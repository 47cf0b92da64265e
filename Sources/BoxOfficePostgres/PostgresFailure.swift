import BoxOfficeCore
import NIOCore
import NIOPosix
import PostgresNIO

/// PostgreSQL errors in words. `PSQLError`'s own description hides everything (so that it never
/// leaks data into logs); what an operator needs, the server's message and SQLSTATE or the
/// connection's failure, is taken out here.
public enum PostgresFailure {
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
