import Foundation

/// The word matching behind movie title search: how typed text becomes words, and which index
/// words a mistyped word may stand for.
public enum TitleSearch {
    /// Lower-case, diacritic-free alphanumeric words, the same as FTS5's `unicode61 remove_diacritics 2`.
    static func words(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map(String.init)
    }

    /// Edits allowed for a typed word: 1 up to five letters, 2 above. Too short a word has too many
    /// neighbours to mean anything.
    static func allowedEdits(_ word: String) -> Int {
        word.count < 3 ? 0 : word.count <= 5 ? 1 : 2
    }

    /// The cost of reading `typed` as `term` (0 best), or nil when it is no match:
    /// a prefix is 0; a typo within the allowed edits of the term or of one of its prefixes costs
    /// its edits; a vowel-dropping abbreviation ("avngr" for "avengers") costs 2.
    static func cost(typed: String, term: String) -> Int? {
        if term.hasPrefix(typed) { return 0 }
        let allowed = allowedEdits(typed)
        if allowed > 0, let edits = prefixEditDistance(Array(typed), Array(term), limit: allowed) { return edits }
        if typed.count >= 4, typed.first == term.first, term.count <= typed.count * 2, isSubsequence(typed, of: term) { return 2 }
        return nil
    }

    /// The smallest Damerau–Levenshtein (optimal string alignment) distance between `a` and any
    /// prefix of `b` at least `a.count - limit` long, if it is within `limit`.
    static func prefixEditDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
        if a.isEmpty { return 0 }
        if b.isEmpty { return a.count <= limit ? a.count : nil }
        let n = a.count, m = b.count
        var previous2 = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = i
            var rowMin = current[0]
            for j in 1...m {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                var best = min(substitution, previous[j] + 1, current[j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { best = min(best, previous2[j - 2] + 1) }
                current[j] = best
                rowMin = min(rowMin, best)
            }
            if rowMin > limit { return nil }
            swap(&previous2, &previous)
            swap(&previous, &current)
        }
        // After the loop `previous` is row n: the distance from all of `a` to each prefix of `b`.
        let lowest = previous[max(1, n - limit)...].min() ?? Int.max
        return lowest <= limit ? lowest : nil
    }

    static func isSubsequence(_ a: String, of b: String) -> Bool {
        var rest = Substring(b)
        for character in a {
            guard let index = rest.firstIndex(of: character) else { return false }
            rest = rest[rest.index(after: index)...]
        }
        return true
    }
}

extension TitleSearch {
    /// `movies` whose titles match `title` as the SQLite store's full-text search matches them, for
    /// a store without one: every typed word a prefix of a title word first (shorter titles
    /// first), then titles that match once typed words are read as typos or abbreviations.
    public static func rank(_ movies: [MovieRecord], matching title: String) -> [MovieRecord] {
        let typed = words(title)
        guard !typed.isEmpty else { return movies }
        var scored: [(movie: MovieRecord, cost: Int)] = []
        for movie in movies {
            let titleWords = words(movie.title)
            var total = 0
            var matches = true
            for word in typed {
                guard let best = titleWords.compactMap({ cost(typed: word, term: $0) }).min() else { matches = false; break }
                total += best
            }
            if matches { scored.append((movie, total)) }
        }
        return scored.sorted {
            ($0.cost == 0 ? 0 : 1, $0.movie.title.count, $0.movie.id) < ($1.cost == 0 ? 0 : 1, $1.movie.title.count, $1.movie.id)
        }.map(\.movie)
    }
}
