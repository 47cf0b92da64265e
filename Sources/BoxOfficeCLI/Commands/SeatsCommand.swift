import Foundation
import ArgumentParser
import BoxOfficeProto

struct SeatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seats", abstract: "Draw a showtime's seat map: which seats are free, held or sold.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("A showtime id (see `boxoffice showtimes`).", valueName: "showtime-id"))
    var showtime: Int64

    func run() async throws {
        let request = Boxoffice_V1_GetSeatMapRequest.with { $0.showtimeID = showtime }
        let map = try await connection.withClient { try await $0.seatMap(request, options: connection.callOptions) }
        try connection.output(map) { SeatMapDrawing(map).render() }
    }
}

/// The seat map as a grid: the screen at the top, one line per row, two columns per place.
struct SeatMapDrawing {
    let map: Boxoffice_V1_SeatMap

    init(_ map: Boxoffice_V1_SeatMap) {
        self.map = map
    }

    func render() -> String {
        let show = map.showtime
        let rows = map.screen.rows
        let width = (rows.flatMap(\.seats).map(\.column).max().map { Int($0) + 1 } ?? 0) * 2
        let labelWidth = rows.map(\.label.count).max() ?? 1
        var text = "\(show.movieTitle) at \(show.theatreName), \(map.screen.name), \(show.startsAtLocal)\n\n"
        let screenLabel = " SCREEN "
        let side = max(2, (width - screenLabel.count) / 2)
        text += String(repeating: " ", count: labelWidth + 1) + String(repeating: "=", count: side) + screenLabel
            + String(repeating: "=", count: side) + "\n\n"
        for row in rows {
            var cells = Array(repeating: " ", count: width)
            for seat in row.seats where Int(seat.column) * 2 < width {
                cells[Int(seat.column) * 2] = symbol(seat)
            }
            let label = row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            text += "\(label) \(cells.joined().trimmingTrailingSpaces())  \(row.label)\n"
        }
        text += """

            o available  W wheelchair  c companion  P premium  h held  x sold
            \(map.available) available, \(map.held) held, \(map.sold) sold of \(map.screen.capacity)

            """
        return text
    }

    private func symbol(_ seat: Boxoffice_V1_Seat) -> String {
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
