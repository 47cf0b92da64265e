import BoxOfficeCore
import BoxOfficeBooking
import Testing

struct BestAvailableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var layout: String
        var taken: [String] = []
        var count: Int
        var kind: SeatKind = .standard
        /// nil: no seats can be offered.
        var expected: [String]?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a single seat goes a bit behind the middle, near the centre",
             layout: Array(repeating: "SSSSSSSSSS", count: 10).joined(separator: "/"), count: 1, expected: ["F5"]),
        Case(name: "a pair sits on the centre line", layout: "SSSSSSSSSS/SSSSSSSSSS/SSSSSSSSSS/SSSSSSSSSS/SSSSSSSSSS",
             count: 2, expected: ["C5", "C6"]),
        Case(name: "a full middle row sends the party one row back",
             layout: "SSS/SSS/SSS/SSS/SSS", taken: ["C2"], count: 3, expected: ["D1", "D2", "D3"]),
        Case(name: "never one empty seat at the row's end when another choice exists",
             layout: "SSSSSS", count: 4, expected: ["A1", "A2", "A3", "A4"]),
        Case(name: "never one empty seat beside a taken one", layout: "SSSSSSS", taken: ["A6"], count: 2,
             expected: ["A4", "A5"]),
        Case(name: "stranding is accepted when nothing else fits", layout: "SSS", count: 2, expected: ["A1", "A2"]),
        Case(name: "an aisle splits a party that cannot sit together", layout: "SSS.SSS", count: 4,
             expected: ["A1", "A2", "A3", "A4"]),
        Case(name: "premium asks for premium seats only", layout: "SSSS/PPPP/SSSS", count: 2, kind: .premium,
             expected: ["B1", "B2"]),
        Case(name: "too few free seats of the kind", layout: "SS/PP", taken: ["A1"], count: 2, expected: nil),
        Case(name: "a wheelchair place alone", layout: "SSSS/CWWC", count: 1, kind: .wheelchair, expected: ["B2"]),
        Case(name: "a wheelchair place with its companion", layout: "CWSSSSWC", count: 2, kind: .wheelchair,
             expected: ["A1", "A2"]),
        Case(name: "companions on both sides of the place", layout: "CCWCC", count: 4, kind: .wheelchair,
             expected: ["A1", "A2", "A3", "A4"]),
        Case(name: "a taken companion seat moves the party", layout: "CWSSSSWC", taken: ["A1"], count: 2,
             kind: .wheelchair, expected: ["A7", "A8"]),
        Case(name: "not enough companion seats beside any place", layout: "CWSSSSWC", count: 3, kind: .wheelchair,
             expected: nil),
    ]

    @Test(arguments: cases)
    func choosesSeats(_ testCase: Case) throws {
        let layout = try SeatLayout(encoded: testCase.layout)
        let taken = SeatSet(capacity: layout.capacity, testCase.taken.map { layout.seat(labeled: $0)!.index })
        let chosen = try BestAvailable.choose(count: testCase.count, kind: testCase.kind, in: layout, taken: taken)
        #expect(chosen.map { $0.map { layout.seats[$0].label } } == testCase.expected)
        if let chosen { #expect(SeatSet(capacity: layout.capacity, chosen).isDisjoint(with: taken)) }
    }

    @Test(arguments: [(0, SeatKind.standard), (11, .standard), (5, .wheelchair), (1, .companion)])
    func refusesPartiesItCannotSeat(count: Int, kind: SeatKind) throws {
        let layout = try SeatLayout(encoded: "SSSSSSSSSSSS/CWWC")
        let error = #expect(throws: BoxOfficeError.self) {
            try BestAvailable.choose(count: count, kind: kind, in: layout, taken: SeatSet(capacity: layout.capacity))
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test func fillsAHouseWithoutOverlap() throws {
        let layout = try SeatLayout(encoded: Array(repeating: "SSSS.SSSSSSSS.SSSS", count: 8).joined(separator: "/"))
        var taken = SeatSet(capacity: layout.capacity)
        var sizes = [3, 1, 4, 2, 10, 7, 5, 6, 2, 9]
        while let chosen = try BestAvailable.choose(count: sizes[0], kind: .standard, in: layout, taken: taken) {
            #expect(chosen.count == sizes[0])
            for seat in chosen {
                let inserted = taken.insert(seat)
                #expect(inserted, "seat \(seat) offered twice")
            }
            sizes.append(sizes.removeFirst())
        }
        #expect(layout.capacity - taken.count < sizes[0])
    }
}
