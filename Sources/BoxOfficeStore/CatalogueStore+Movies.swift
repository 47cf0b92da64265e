public import BoxOfficeCore
import GRDB

extension CatalogueStore {
    static let movieColumns = "m.id, m.title, m.rating, m.runtime_minutes, m.genres, m.release_date"

    /// The movie with this id, or nil.
    public func movie(id: Int64) throws -> MovieRecord? {
        try dbPool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.movieColumns) FROM movies m WHERE m.id = ?"),
                             arguments: [id]).map(MovieRecord.init(row:))
        }
    }

    /// Movies whose title matches `title` (prefix and typo tolerant), best first; nil or empty `title` lists
    /// every movie, newest release first. With `theatreIDs` and/or `date`, only movies with a showtime at one of
    /// those theatres on that date. No match is an empty array.
    public func movies(title: String?, playingAt theatreIDs: [Int64]?, on date: LocalDate?) throws -> [MovieRecord] {
        if let theatreIDs, theatreIDs.isEmpty { return [] }
        var filter = ""
        var filterArguments: StatementArguments = []
        if let theatreIDs {
            // json_each keeps one cached statement for any number of theatres.
            filter += " AND m.id IN (SELECT s.movie_id FROM showtimes s WHERE s.theatre_id IN (SELECT value FROM json_each(?))"
            filterArguments += ["[" + theatreIDs.map(String.init).joined(separator: ",") + "]"]
            if let date {
                filter += " AND s.local_date = ?"
                filterArguments += [date.description]
            }
            filter += ")"
        } else if let date {
            filter += " AND EXISTS (SELECT 1 FROM showtimes s WHERE s.movie_id = m.id AND s.local_date = ?)"
            filterArguments += [date.description]
        }
        let words = TitleSearch.words(title ?? "")
        return try dbPool.read { db in
            if words.isEmpty {
                let sql = "SELECT \(Self.movieColumns) FROM movies m WHERE 1 \(filter) ORDER BY m.release_date DESC, m.title, m.id"
                return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: filterArguments).map(MovieRecord.init(row:))
            }
            let sql = """
                SELECT \(Self.movieColumns) FROM movie_titles f JOIN movies m ON m.id = f.rowid
                WHERE movie_titles MATCH ? \(filter) ORDER BY f.rank, length(m.title), m.id
                """
            let statement = try db.cachedStatement(sql: sql)
            // Exact words and prefixes first, ranked by bm25.
            let exact = words.map { "\"\($0)\"*" }.joined(separator: " ")
            var found = try Row.fetchAll(statement, arguments: [exact] + filterArguments).map(MovieRecord.init(row:))
            // Then titles that match only once a typed word is read as a near index word.
            if let fuzzy = try Self.typoQuery(words, db) {
                var seen = Set(found.map(\.id))
                for movie in try Row.fetchAll(statement, arguments: [fuzzy] + filterArguments).map(MovieRecord.init(row:))
                where seen.insert(movie.id).inserted {
                    found.append(movie)
                }
            }
            return found
        }
    }

    /// An FTS5 query in which each typed word may also be any vocabulary word it could be a typo or
    /// abbreviation of; nil when no word has such a neighbour (the exact query already said it all).
    static func typoQuery(_ words: [String], _ db: Database) throws -> String? {
        let vocabulary = try String.fetchAll(db.cachedStatement(sql: "SELECT term FROM movie_titles_vocab"))
        var anyNeighbour = false
        let groups = words.map { word -> String in
            var options = ["\"\(word)\"*"]
            for term in vocabulary where !term.hasPrefix(word) {
                if TitleSearch.cost(typed: word, term: term) != nil {
                    options.append("\"\(term)\"")
                    anyNeighbour = true
                }
            }
            return "(" + options.joined(separator: " OR ") + ")"
        }
        return anyNeighbour ? groups.joined(separator: " AND ") : nil
    }
}
