import PostgresNIO

/// A statement of the store sent as a prepared statement: each connection parses and plans it
/// once, then every execution is one Bind/Execute round trip carrying only its values.
///
/// A conforming type names its SQL (`static let sql`) and is made from its values in order:
/// `ClaimSeats(values: showtimes, seats, holds, expiries)`.
protocol PostgresStatement: PostgresPreparedStatement {
    var bindings: PostgresBindings { get }
    init(bindings: PostgresBindings)
}

extension PostgresStatement {
    init(values: any PostgresEncodable & Sendable...) throws {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try bindings.append(value) }
        self.init(bindings: bindings)
    }

    func makeBindings() throws -> PostgresBindings { bindings }
}

/// A statement whose rows are one text column (the keys it changed, from RETURNING).
protocol PostgresKeysStatement: PostgresStatement where Row == String {}

extension PostgresKeysStatement {
    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// A statement whose rows nobody reads.
protocol PostgresCommandStatement: PostgresStatement where Row == () {}

extension PostgresCommandStatement {
    func decodeRow(_ row: PostgresRow) throws {}
}

extension PostgresConnection {
    /// Runs `statement` and returns the keys its RETURNING clause gave, one per changed row.
    func keys<S: PostgresKeysStatement>(_ statement: S, logger: Logger) async throws -> [String] {
        var keys: [String] = []
        for try await key in try await execute(statement, logger: logger) { keys.append(key) }
        return keys
    }

    /// Runs `statement` for its effect.
    func run<S: PostgresCommandStatement>(_ statement: S, logger: Logger) async throws {
        _ = try await execute(statement, logger: logger)
    }
}
