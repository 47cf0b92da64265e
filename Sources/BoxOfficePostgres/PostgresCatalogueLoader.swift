public import BoxOfficeStore
import Logging
import NIOCore
import PostgresNIO

/// Loads a catalogue into PostgreSQL with COPY: the catalogue generator writes a SQLite file (it
/// is fast and already right), and each of its tables streams into the same table here, in one
/// transaction, so a failed load leaves nothing behind.
public enum PostgresCatalogueLoader {
    /// Copies the catalogue tables of `source` into `store`'s database, whose catalogue must be empty.
    /// Returns the rows copied per table.
    ///
    /// Not under the store's 5-second deadline for a call: the whole country is millions of rows
    /// and takes a minute or more. An hour is there only so that a database that stopped answering
    /// does not hold the load forever.
    @discardableResult
    public static func load(from source: CatalogueStore, into store: PostgresStore,
                            deadline: Duration = .seconds(3600)) async throws -> [CatalogueTable: Int] {
        let logger = store.logger
        return try await store.transaction(deadline: deadline) { connection in
            var copied: [CatalogueTable: Int] = [:]
            for table in CatalogueTable.allCases {
                copied[table] = try await copy(table, from: source, on: connection, logger: logger)
            }
            // The ids come from the generator; later inserts (none today) would start after them.
            try await connection.query("ANALYZE", logger: logger)
            return copied
        }
    }

    private static func copy(_ table: CatalogueTable, from source: CatalogueStore, on connection: PostgresConnection,
                             logger: Logger) async throws -> Int {
        var rows = 0
        try await connection.copyFrom(table: table.rawValue, columns: table.columns, logger: logger) { writer in
            // Pages of rows by key, each streamed as one chunk of COPY text: the whole country never
            // sits in memory at once.
            var after: String?
            while true {
                let page = try source.exportRows(of: table, after: after, limit: 20_000)
                guard let last = page.last else { break }
                var chunk = ""
                for values in page {
                    for (index, value) in values.enumerated() {
                        if index > 0 { chunk += "\t" }
                        chunk += value.map(escaped) ?? "\\N"
                    }
                    chunk += "\n"
                }
                try await writer.write(ByteBuffer(string: chunk))
                rows += page.count
                after = last[0]
            }
        }
        return rows
    }

    /// COPY's text format: backslash, tab, newline and carriage return are escaped.
    private static func escaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out
    }
}
