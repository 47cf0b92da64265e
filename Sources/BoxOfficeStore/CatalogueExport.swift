import GRDB

/// The catalogue's tables as another database loads them: each table's columns, and its rows as
/// text (nil for NULL), in an order that satisfies the foreign keys when loaded one after another.
public enum CatalogueTable: String, CaseIterable, Sendable {
    case zipCodes = "zip_codes"
    case theatres
    case screens
    case movies
    case showtimes

    public var columns: [String] {
        switch self {
        case .zipCodes: ["zip", "type", "city", "state", "county", "time_zone", "lat", "lon"]
        case .theatres: ["id", "chain", "name", "street", "city", "state", "zip", "lat", "lon", "time_zone", "screen_count"]
        case .screens: ["id", "theatre_id", "number", "name", "format", "layout", "capacity"]
        case .movies: ["id", "title", "rating", "runtime_minutes", "genres", "release_date"]
        case .showtimes: ["id", "screen_id", "theatre_id", "movie_id", "starts_at", "local_date", "format", "language",
                          "price_adult", "price_child", "price_senior", "price_premium_extra"]
        }
    }
}

extension CatalogueStore {
    /// Up to `limit` rows of `table` in primary-key order after the row whose key is `after` (nil:
    /// from the start), each value as text (reals with every digit, so a coordinate loads exactly;
    /// nil is NULL). Paging by key keeps a whole-country table out of memory.
    public func exportRows(of table: CatalogueTable, after: String?, limit: Int) throws -> [[String?]] {
        let columns = table.columns
        let key = columns[0]
        let sql = "SELECT \(columns.joined(separator: ", ")) FROM \(table.rawValue) "
            + (after == nil ? "" : "WHERE \(key) > ? ") + "ORDER BY \(key) LIMIT ?"
        let arguments: StatementArguments = after.map { [$0, limit] } ?? [limit]
        return try dbPool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                columns.indices.map { index -> String? in
                    switch (row[index] as DatabaseValue).storage {
                    case .int64(let number): String(number)
                    case .double(let number): "\(number)"
                    case .string(let text): text
                    case .blob, .null: nil
                    }
                }
            }
        }
    }
}
