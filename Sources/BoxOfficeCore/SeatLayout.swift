/// What kind of place a seat is.
public enum SeatKind: String, Hashable, Sendable, CaseIterable {
    case standard, wheelchair, companion, premium

    /// The letter that stands for this kind in a layout string.
    public var symbol: Character {
        switch self {
        case .standard: "S"
        case .wheelchair: "W"
        case .companion: "C"
        case .premium: "P"
        }
    }

    public init?(symbol: Character) {
        guard let kind = Self.allCases.first(where: { $0.symbol == symbol }) else { return nil }
        self = kind
    }
}

/// The picture format of an auditorium or a showing.
public enum ScreenFormat: String, Hashable, Sendable, CaseIterable {
    case standard, imax, threeD = "3d", dolbyCinema = "dolby", premiumLarge = "plf"
}

/// An auditorium's seats, rows front (nearest the screen) to back.
///
/// Stored as a compact string: rows separated by "/", one letter per place (`S` standard,
/// `W` wheelchair, `C` companion, `P` premium) and `.` for an aisle gap. A showtime's seats are
/// this layout plus the few seats that are taken, so each seat has a stable `index` in reading
/// order that seat sets (bitsets) are built on.
public struct SeatLayout: Hashable, Sendable {
    public struct Seat: Hashable, Sendable {
        /// Position in reading order, 0..<capacity.
        public var index: Int
        public var row: Int
        public var rowLabel: String
        /// 1-based number within the row, left to right.
        public var number: Int
        /// 0-based position across the row, counting aisle gaps.
        public var column: Int
        public var kind: SeatKind
        public var label: String { "\(rowLabel)\(number)" }
    }

    public let encoded: String
    public let rows: [[Seat]]
    public let seats: [Seat]
    private let indexByLabel: [String: Int]

    public var capacity: Int { seats.count }

    public init(encoded: String) throws(BoxOfficeError) {
        var rows: [[Seat]] = []
        var seats: [Seat] = []
        for (rowNumber, rowText) in encoded.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            let rowLabel = SeatLayout.rowLabel(rowNumber)
            var row: [Seat] = []
            for (column, symbol) in rowText.enumerated() {
                if symbol == "." { continue }
                guard let kind = SeatKind(symbol: symbol) else {
                    throw .internalError("seat layout has an unknown place \"\(symbol)\"")
                }
                let seat = Seat(index: seats.count, row: rowNumber, rowLabel: rowLabel,
                                number: row.count + 1, column: column, kind: kind)
                row.append(seat)
                seats.append(seat)
            }
            rows.append(row)
        }
        self.encoded = encoded
        self.rows = rows
        self.seats = seats
        self.indexByLabel = Dictionary(uniqueKeysWithValues: seats.map { ($0.label, $0.index) })
    }

    /// The seat with this label ("F12"), case-insensitive, or nil.
    public func seat(labeled label: String) -> Seat? {
        indexByLabel[label.uppercased()].map { seats[$0] }
    }

    /// Row labels A, B, … Z, AA, AB, …, skipping I and O, which read as 1 and 0.
    public static func rowLabel(_ row: Int) -> String {
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
        var label = ""
        var value = row
        repeat {
            label = String(letters[value % letters.count]) + label
            value = value / letters.count - 1
        } while value >= 0
        return label
    }
}
