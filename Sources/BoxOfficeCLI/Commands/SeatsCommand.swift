import Foundation
import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto

struct SeatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seats", abstract: "Draw a showtime's seat map: which seats are free, held or sold.",
        discussion: """
            Seat numbers run along the top and bottom, row letters down both sides, aisles are gaps. \
            Signed in, the seats of your own holds for the showtime are marked *.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("A showtime id (see `boxoffice showtimes`).", valueName: "showtime-id"))
    var showtime: Int64

    func validate() throws {
        try checkID(showtime, option: "--showtime")
    }

    func run() async throws {
        let request = Boxoffice_V1_GetSeatMapRequest.with { $0.showtimeID = showtime }
        let (map, yours) = try await connection.withClient { client in
            let map = try await client.seatMap(request, options: connection.callOptions)
            guard !connection.json, !client.authToken.isEmpty else { return (map, Set<String>()) }
            return (map, try await Self.yourSeats(showtime: showtime, client: client, options: connection.callOptions))
        }
        try connection.output(map) { SeatMapDrawing(map, yours: yours).render() }
    }

    /// The seats of the caller's live holds for `showtime`; none when the token is no good or the
    /// server does not know ListHolds.
    static func yourSeats(showtime: Int64, client: BoxOfficeConnection,
                          options: BoxOfficeConnection.CallOptions) async throws -> Set<String> {
        do {
            let holds = try await client.listHolds(options: options).holds
            return Set(holds.filter { $0.showtimeID == showtime }.flatMap(\.seats).map { $0.uppercased() })
        } catch let error as BoxOfficeError where error.code == .unauthenticated || error.code == .unimplemented {
            return []
        }
    }
}

/// The seat map as a grid: the screen at the top, seat numbers above and below the seat columns,
/// row labels on both sides, aisles as gaps, and a legend with each seat kind's price.
///
/// Each place across a row (Seat.column, aisle gaps included) is a cell of the same width: three
/// characters when the house fits in `maxWidth` that way, else two, else one. Numbers that do not
/// fit across a cell are written downwards, tens over units.
struct SeatMapDrawing {
    let map: Boxoffice_V1_SeatMap
    /// Labels of the caller's held seats, upper case.
    let yours: Set<String>
    let maxWidth: Int

    init(_ map: Boxoffice_V1_SeatMap, yours: Set<String> = [], maxWidth: Int = 120) {
        self.map = map
        self.yours = Set(yours.map { $0.uppercased() })
        self.maxWidth = maxWidth
    }

    private var rows: [Boxoffice_V1_SeatRow] { map.screen.rows }
    private var columns: Int { (rows.flatMap(\.seats).map(\.column).max().map { Int($0) + 1 }) ?? 0 }
    private var labelWidth: Int { max(1, rows.map(\.label.count).max() ?? 1) }

    /// The widest line for cells of `width` characters: label, space, (width - 1) before the first
    /// seat, the cells, (width - 1) after the last, space, label.
    private func lineWidth(cell width: Int) -> Int {
        2 * labelWidth + 2 + columns * width + (width - 1)
    }

    /// Characters per place across a row.
    var cellWidth: Int {
        [3, 2].first { lineWidth(cell: $0) <= maxWidth } ?? 1
    }

    func render() -> String {
        let show = map.showtime
        let cell = cellWidth
        let lead = String(repeating: " ", count: labelWidth + 1)
        var text = "\(show.movieTitle) at \(show.theatreName), \(map.screen.name), "
            + "\(HumanTime.local(ms: show.startsAtMs, zone: show.timeZone))\n"
        if show.started {
            text += "started: its seats can no longer be held or bought\n"
        }
        text += "\n"
        let area = columns * cell + (cell - 1)
        let screenLabel = " SCREEN "
        let left = max(2, (area - screenLabel.count) / 2)
        let right = max(2, area - screenLabel.count - left)
        text += lead + String(repeating: "=", count: left) + screenLabel + String(repeating: "=", count: right) + "\n\n"

        let numbers = columns == 0 ? [] : numberLines(cell: cell)
        text += numbers.map { lead + $0 + "\n" }.joined()
        for row in rows {
            var cells = Array(repeating: " ", count: area)
            for seat in row.seats where Int(seat.column) < columns {
                cells[Int(seat.column) * cell + cell - 1] = symbol(seat)
            }
            let label = row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            text += "\(label) \(cells.joined()) \(row.label)".trimmingTrailingSpaces() + "\n"
        }
        text += numbers.map { lead + $0 + "\n" }.joined()
        return text + "\n" + legend()
    }

    /// The seat numbers over each column: the number most rows have there (rows of one house
    /// mostly agree), right-aligned to the seat symbol, or downwards when they do not fit.
    private func numberLines(cell: Int) -> [String] {
        var counts = Array(repeating: [UInt32: Int](), count: columns)
        for row in rows {
            for seat in row.seats where Int(seat.column) < columns {
                counts[Int(seat.column)][seat.number, default: 0] += 1
            }
        }
        let numbers: [UInt32?] = counts.map { tally in
            tally.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        }
        let digits = numbers.compactMap { $0.map { String($0).count } }.max() ?? 1
        let area = columns * cell + (cell - 1)
        if digits < cell {
            var line = Array(repeating: Character(" "), count: area)
            for (column, number) in numbers.enumerated() {
                guard let number else { continue }
                let text = Array(String(number))
                let end = column * cell + cell - 1
                for (offset, character) in text.enumerated() { line[end - text.count + 1 + offset] = character }
            }
            return [String(line).trimmingTrailingSpaces()]
        }
        // Downwards: one line per digit, the units on the last, each digit under the seat symbol.
        return (0..<digits).map { place in
            var line = Array(repeating: Character(" "), count: area)
            for (column, number) in numbers.enumerated() {
                guard let number else { continue }
                let text = Array(String(number))
                let index = place - (digits - text.count)
                if index >= 0 { line[column * cell + cell - 1] = text[index] }
            }
            return String(line).trimmingTrailingSpaces()
        }
    }

    private func legend() -> String {
        let prices = map.showtime.prices
        let seats = rows.flatMap(\.seats)
        let kinds = Set(seats.map(\.kind))
        var entries = ["o standard \(dollars(prices.adultCents))"]
        if kinds.contains(.premium) { entries.append("P premium \(dollars(prices.adultCents + prices.premiumExtraCents))") }
        if kinds.contains(.wheelchair) { entries.append("W wheelchair \(dollars(prices.adultCents))") }
        if kinds.contains(.companion) { entries.append("c companion \(dollars(prices.adultCents))") }
        var marks = ["h held", "x sold"]
        if seats.contains(where: { yours.contains($0.label.uppercased()) }) { marks.insert("* yours", at: 0) }
        var note = "adult prices; child \(dollars(prices.childCents)), senior \(dollars(prices.seniorCents))"
        if kinds.contains(.premium) && prices.premiumExtraCents != 0 {
            note += ", each +\(dollars(prices.premiumExtraCents)) on a premium seat"
        }
        return entries.joined(separator: "  ") + "\n" + marks.joined(separator: "  ") + "\n" + note + "\n"
            + "\(map.available) available, \(map.held) held, \(map.sold) sold of \(map.screen.capacity)\n"
    }

    private func symbol(_ seat: Boxoffice_V1_Seat) -> String {
        if yours.contains(seat.label.uppercased()) { return "*" }
        switch seat.state {
        case .sold: return "x"
        case .held: return "h"
        default: break
        }
        switch seat.kind {
        case .wheelchair: return "W"
        case .companion: return "c"
        case .premium: return "P"
        default: return "o"
        }
    }
}
