import BoxOfficeCore
import Testing

@Suite("Dates, seat layouts and paging")
struct ValuesTests {
    @Test func datesRoundTripThroughDaysSinceEpoch() throws {
        for text in ["1970-01-01", "2000-02-29", "2026-07-04", "2026-11-01", "2099-12-31"] {
            let date = try LocalDate(parsing: text)
            #expect(date.description == text)
            #expect(LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date)
        }
        #expect(try LocalDate(parsing: "1970-01-02").daysSinceEpoch == 1)
        #expect(try LocalDate(parsing: "2026-02-28").adding(days: 1).description == "2026-03-01")
    }

    @Test(arguments: ["2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "", "tomorrow"])
    func refusesDatesThatDoNotExist(text: String) {
        #expect(throws: BoxOfficeError.self) { try LocalDate(parsing: text) }
    }

    @Test func layoutsNumberSeatsAndSkipAisles() throws {
        let layout = try SeatLayout(encoded: "SS.SS/WC.CS/PPPPP")
        #expect(layout.capacity == 13)
        #expect(layout.rows.count == 3)
        let b3 = try #require(layout.seat(labeled: "b3"))
        #expect(b3.kind == .companion)
        #expect(b3.column == 3)
        #expect(b3.index == 6)
        #expect(layout.seat(labeled: "A5") == nil)
        #expect(layout.seats.map(\.index) == Array(0..<13))
    }

    @Test func rowLabelsSkipIAndO() {
        #expect((0..<10).map(SeatLayout.rowLabel) == ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K"])
        #expect(SeatLayout.rowLabel(23) == "Z")
        #expect(SeatLayout.rowLabel(24) == "AA")
    }

    @Test func pagesWalkTheWholeListOnce() throws {
        let items = Array(0..<45)
        var seen: [Int] = []
        var token = ""
        repeat {
            let page = try PageRequest(size: 20, token: token, query: "q")
            let (slice, next) = page.page(of: items)
            seen += slice
            token = next
        } while !token.isEmpty
        #expect(seen == items)
    }

    @Test func pageTokensBelongToTheirSearch() throws {
        let first = try PageRequest(size: 10, token: "", query: "theatres near 10001")
        let (_, next) = first.page(of: Array(0..<30))
        #expect(throws: BoxOfficeError.self) { try PageRequest(size: 10, token: next, query: "theatres near 60601") }
        #expect(throws: BoxOfficeError.self) { try PageRequest(size: 10, token: "garbage", query: "q") }
        #expect(try PageRequest(size: 1000, token: "", query: "q").size == ProtocolLimits.maxPageSize)
    }

    @Test func codesCarryGRPCNames() {
        #expect(BoxOfficeError.Code.notFound.rawValue == 5)
        #expect(BoxOfficeError.Code.notFound.name == "NOT_FOUND")
        #expect(BoxOfficeError.Code.unauthenticated.name == "UNAUTHENTICATED")
        #expect(BoxOfficeError.Code(rawValue: 42).name == "CODE_42")
    }
}

@Suite struct TextInputTests {
    @Test(arguments: ["plain", "Zoë Ångström", "emoji 🎬", "two\nlines"])
    func printableTextPasses(_ text: String) throws {
        try TextInput.refuseControlCharacters(in: text, field: "review", allowingLineBreaks: true)
    }

    @Test(arguments: [("tab\there", "U+0009"), ("nul\u{0}", "U+0000"), ("del\u{7F}", "U+007F"), ("c1\u{85}", "U+0085"), ("two\nlines", "U+000A"), ("cr\rover", "U+000D")])
    func controlCharactersAreRefusedNamingTheField(_ text: String, _ code: String) {
        #expect(throws: BoxOfficeError.invalidArgument("name must not contain control characters (it has \(code))")) {
            try TextInput.refuseControlCharacters(in: text, field: "name")
        }
    }

    /// A lone carriage return would let a review rewrite the line a terminal shows above it.
    @Test func lineBreaksAllowNewlinesButNotCarriageReturns() {
        #expect(throws: BoxOfficeError.invalidArgument("review must not contain control characters (it has U+000D)")) {
            try TextInput.refuseControlCharacters(in: "fine\rFAKE", field: "review", allowingLineBreaks: true)
        }
    }
}
