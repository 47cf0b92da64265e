import BoxOfficeCore

/// Left-aligned columns with a header rule, the way people read lists in a terminal.
struct TextTable {
    private var header: [String]
    private var rows: [[String]] = []
    private var rightAligned: Set<Int>

    init(_ header: [String], rightAligned: Set<Int> = []) {
        self.header = header
        self.rightAligned = rightAligned
    }

    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    func render() -> String {
        let widths = header.indices.map { column in
            ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        let rule = widths.map { String(repeating: "-", count: $0) }
        return ([header, rule] + rows).map(line).joined()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}

/// "$12.50" from cents.
func dollars(_ cents: Int64) -> String {
    let sign = cents < 0 ? "-" : ""
    let value = abs(cents)
    let remainder = value % 100
    return "\(sign)$\(value / 100).\(remainder < 10 ? "0" : "")\(remainder)"
}

/// "4.2 mi".
func miles(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) mi"
}

/// The line under a page: which results it showed ("6–9 of 9") and how to ask for the next page.
/// `pageToken` is the token this page was asked with ("" for the first page); `nextFlags` are options
/// the next page needs besides its token (e.g. "--upcoming ").
func pageFooter(shown: Int, total: UInt32, pageToken: String, nextToken: String, nextFlags: String = "") -> String {
    let first = (PageRequest.offset(ofToken: pageToken) ?? 0) + 1
    let range = shown == 0 ? "0" : shown == 1 ? "\(first)" : "\(first)–\(first + shown - 1)"
    return nextToken.isEmpty
        ? "\(range) of \(total)\n"
        : "\(range) of \(total); next page: \(nextFlags)--page-token \(nextToken)\n"
}
