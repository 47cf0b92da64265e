import BoxOfficeCore
import BoxOfficeProto
import Foundation
import Testing
@testable import BoxOfficeCLI

/// A seat map of `layout` (SeatLayout's encoding) with every seat available but those given.
private func seatMap(_ encoded: String, sold: Set<String> = [], held: Set<String> = []) throws -> Boxoffice_V1_SeatMap {
    let layout = try SeatLayout(encoded: encoded)
    return .with {
        $0.showtime = show(id: 5, startsAtMs: utcMs(2026, 7, 1, 23, 30))
        $0.screen = .with {
            $0.name = "Auditorium 1"
            $0.capacity = UInt32(layout.capacity)
            $0.rows = layout.rows.map { row in
                .with {
                    $0.label = row.first?.rowLabel ?? ""
                    $0.seats = row.map { seat in
                        .with {
                            $0.label = seat.label
                            $0.number = UInt32(seat.number)
                            $0.column = UInt32(seat.column)
                            $0.kind = switch seat.kind {
                            case .standard: .standard
                            case .wheelchair: .wheelchair
                            case .companion: .companion
                            case .premium: .premium
                            }
                            $0.state = sold.contains(seat.label) ? .sold : held.contains(seat.label) ? .held : .available
                        }
                    }
                }
            }
        }
        $0.sold = UInt32(sold.count)
        $0.held = UInt32(held.count)
        $0.available = UInt32(layout.capacity - sold.count - held.count)
    }
}

/// `rows` rows of `sections` seats each, aisles between sections.
private func layout(rows: Int, sections: [Int], kind: Character = "S") -> String {
    Array(repeating: sections.map { String(repeating: kind, count: $0) }.joined(separator: "."), count: rows)
        .joined(separator: "/")
}

/// The seat number written over character `index` of the number lines: across one line, or down several.
private func number(at index: Int, in lines: [Substring]) -> String {
    if lines.count == 1 {
        let characters = Array(lines[0])
        var start = index
        while start > 0, characters.indices.contains(start - 1), characters[start - 1].isNumber { start -= 1 }
        return String(characters[start...index])
    }
    return lines.map { line in
        let characters = Array(line)
        return characters.indices.contains(index) ? String(characters[index]) : " "
    }.joined().trimmingCharacters(in: .whitespaces)
}

/// The drawing's lines: the number lines above and below the rows, and the line of row `label`.
private func parts(of drawing: String, row label: String) throws -> (top: [Substring], bottom: [Substring], row: Substring) {
    let lines = drawing.split(separator: "\n", omittingEmptySubsequences: false)
    let rowLines = lines.indices.filter { lines[$0].first?.isLetter == true && lines[$0].hasSuffix(" " + lines[$0].prefix { $0 != " " }) }
        .filter { $0 > 2 }
    let first = try #require(rowLines.first), last = try #require(rowLines.last)
    let screen = try #require(lines.firstIndex { $0.contains(" SCREEN ") })
    let top = lines[(screen + 2)..<first]
    let bottom = lines[(last + 1)...].prefix { !$0.isEmpty }
    let row = try #require(rowLines.map { lines[$0] }.first { $0.hasPrefix(label + " ") })
    return (Array(top), Array(bottom), row)
}

@Suite("seat map drawing")
struct SeatMapDrawingTests {
    @Test func aFiveHundredSeatHouseFitsIn120ColumnsWithNumbersOverEachSeat() throws {
        // 20 rows of 25 (6 | 13 | 6), wider than any screen the catalogue generator makes (24 + 2 aisles),
        // and 10 rows of 50 in four sections, too wide for three characters a seat.
        for encoded in [layout(rows: 20, sections: [6, 13, 6]), layout(rows: 10, sections: [12, 13, 13, 12])] {
            let map = try seatMap(encoded, sold: ["F14"])
            #expect(map.screen.capacity == 500)
            let drawing = SeatMapDrawing(map).render()
            for line in drawing.split(separator: "\n") {
                #expect(line.count <= 120, "\(line.count): \(line)")
            }
            let (top, bottom, row) = try parts(of: drawing, row: "F")
            let index = try #require(Array(row).firstIndex(of: "x"))
            #expect(number(at: index, in: top) == "14", "\(drawing)")
            #expect(number(at: index, in: bottom) == "14", "\(drawing)")
        }
    }

    @Test func everySeatSitsUnderItsNumberAndAislesShow() throws {
        let map = try seatMap("CWSS.SSSSS.SSWC/SSSS.SSSSS.SSSS/PPPP.PPPPP.PPPP")
        let drawing = SeatMapDrawing(map).render()
        let (top, bottom, _) = try parts(of: drawing, row: "A")
        #expect(top == bottom)
        for row in map.screen.rows {
            let line = try parts(of: drawing, row: row.label).row
            for seat in row.seats {
                let index = 2 + Int(seat.column) * 3 + 2
                #expect(Array(line)[index] != " ", "\(seat.label)")
                #expect(number(at: index, in: top) == "\(seat.number)", "\(seat.label)")
            }
        }
        #expect(drawing == """
            Paper Moon Rising at Cinemark Astoria 10, Auditorium 1, Wed Jul 1, 7:30 PM EDT

              =================== SCREEN ====================

                1  2  3  4     5  6  7  8  9    10 11 12 13
            A   c  W  o  o     o  o  o  o  o     o  o  W  c   A
            B   o  o  o  o     o  o  o  o  o     o  o  o  o   B
            C   P  P  P  P     P  P  P  P  P     P  P  P  P   C
                1  2  3  4     5  6  7  8  9    10 11 12 13

            o standard $12.75  P premium $15.25  W wheelchair $12.75  c companion $12.75
            h held  x sold
            adult prices; child $9.50, senior $10.25, each +$2.50 on a premium seat
            39 available, 0 held, 0 sold of 39

            """)
    }

    @Test func narrowCellsWriteNumbersDownwards() throws {
        let map = try seatMap(layout(rows: 3, sections: [30, 30]))
        let drawing = SeatMapDrawing(map, maxWidth: 80).render()
        #expect(SeatMapDrawing(map, maxWidth: 80).cellWidth == 1)
        let (top, bottom, row) = try parts(of: drawing, row: "B")
        #expect(top.count == 2 && bottom.count == 2)
        #expect(row == "B oooooooooooooooooooooooooooooo oooooooooooooooooooooooooooooo B")
        #expect(top[0] == "           111111111122222222223 333333333444444444455555555556")
        #expect(top[1] == "  123456789012345678901234567890 123456789012345678901234567890")
    }

    @Test func yourSeatsHeldAndSoldHaveTheirOwnMarks() throws {
        let map = try seatMap(layout(rows: 3, sections: [4, 4]), sold: ["A1"], held: ["B2", "B3", "C4"])
        let drawing = SeatMapDrawing(map, yours: ["b2", "B3"]).render()
        #expect(try parts(of: drawing, row: "A").row == "A   x  o  o  o     o  o  o  o   A")
        #expect(try parts(of: drawing, row: "B").row == "B   o  *  *  o     o  o  o  o   B")
        #expect(try parts(of: drawing, row: "C").row == "C   o  o  o  h     o  o  o  o   C")
        #expect(drawing.contains("\n* yours  h held  x sold\n"))
        #expect(!SeatMapDrawing(map).render().contains("yours"))
    }

    @Test func aScreenWithoutSeatsDrawsNoNumbers() throws {
        var map = try seatMap("")
        map.screen.rows = []
        let drawing = SeatMapDrawing(map).render()
        #expect(!drawing.split(separator: "\n").contains { $0.hasSuffix(" ") }, "\(drawing)")
        #expect(drawing.hasSuffix("0 available, 0 held, 0 sold of 0\n"))
    }

    @Test func aStartedShowSaysSo() throws {
        var map = try seatMap(layout(rows: 2, sections: [4]))
        map.showtime.started = true
        #expect(SeatMapDrawing(map).render().contains("\nstarted: its seats can no longer be held or bought\n"))
    }
}
