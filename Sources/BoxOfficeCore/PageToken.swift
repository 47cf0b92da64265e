/// Paging over a list whose order is stable: the token carries the offset of the next item and a
/// fingerprint of the query, so a token from one search is refused by another.
public struct PageRequest: Hashable, Sendable {
    public var offset: Int
    public var size: Int
    public var fingerprint: UInt64

    /// Reads `page_size` and `page_token`; `query` is any text that identifies the search.
    public init(size requestedSize: UInt32, token: String, query: String) throws(BoxOfficeError) {
        self.fingerprint = PageRequest.fingerprint(of: query)
        self.size = requestedSize == 0 ? ProtocolLimits.defaultPageSize : min(Int(requestedSize), ProtocolLimits.maxPageSize)
        if token.isEmpty {
            self.offset = 0
            return
        }
        let parts = token.split(separator: ".")
        guard parts.count == 2, let offset = Int(parts[0], radix: 36), offset >= 0,
              let print = UInt64(parts[1], radix: 36)
        else { throw .invalidArgument("page_token is malformed: pass next_page_token from the previous answer") }
        guard print == fingerprint else {
            throw .invalidArgument("page_token belongs to a different search: repeat the same search with it")
        }
        self.offset = offset
    }

    /// The slice of `items` for this page and the token of the next page ("" when this is the last).
    public func page<T>(of items: [T]) -> (items: ArraySlice<T>, nextToken: String) {
        let start = min(offset, items.count)
        let end = min(start + size, items.count)
        return (items[start..<end], nextToken(after: end - start, total: items.count))
    }

    /// The token of the page after this one when it held `count` of `total` items ("" when it was the last).
    public func nextToken(after count: Int, total: Int) -> String {
        let end = offset + count
        return count > 0 && end < total ? "\(String(end, radix: 36)).\(String(fingerprint, radix: 36))" : ""
    }

    /// Where the page a token asks for starts (0 for no token, nil for a malformed one): what a
    /// client needs to say "results 6–9" without knowing the search's fingerprint.
    public static func offset(ofToken token: String) -> Int? {
        guard !token.isEmpty else { return 0 }
        guard let first = token.split(separator: ".").first, let offset = Int(first, radix: 36), offset >= 0 else { return nil }
        return offset
    }

    /// FNV-1a: stable across processes, unlike `Hasher`.
    static func fingerprint(of text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}
