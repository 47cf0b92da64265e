import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
@testable import BoxOfficeServer
import Testing

/// A seat map whose screen was encoded ahead is the same message on the wire.
struct ScreenEncodingCacheTests {
    static func screen(heldSeat: String?) -> Boxoffice_V1_Screen {
        .with { screen in
            screen.id = 7
            screen.name = "Screen 1"
            screen.rows = ["A", "B"].map { row in
                .with {
                    $0.label = row
                    $0.seats = (1...3).map { number in
                        .with { $0.label = "\(row)\(number)"; $0.number = UInt32(number); $0.state = "\(row)\(number)" == heldSeat ? .held : .available }
                    }
                }
            }
        }
    }

    @Test func aCachedScreenDecodesAsTheScreenItWas() throws {
        let cache = ScreenEncodingCache(capacity: 2)
        let free = TakenSeats()
        let field = try cache.screenField(showtimeID: 1, taken: free) { Self.screen(heldSeat: nil) }
        var map = Boxoffice_V1_SeatMap.with { $0.sold = 0; $0.available = 6; $0.showtime = .with { $0.id = 1 } }
        map.unknownFields = field
        let decoded = try Boxoffice_V1_SeatMap(serializedBytes: try map.serializedBytes() as [UInt8])
        #expect(decoded.screen == Self.screen(heldSeat: nil))
        #expect(decoded.available == 6 && decoded.showtime.id == 1)
        #expect(decoded.unknownFields.data.isEmpty)

        // The same seats: no new encoding. Other seats: encoded again.
        var builds = 0
        _ = try cache.screenField(showtimeID: 1, taken: free) { builds += 1; return Self.screen(heldSeat: nil) }
        #expect(builds == 0)
        let held = TakenSeats(held: [0])
        map.unknownFields = try cache.screenField(showtimeID: 1, taken: held) { builds += 1; return Self.screen(heldSeat: "A1") }
        #expect(builds == 1)
        let after = try Boxoffice_V1_SeatMap(serializedBytes: try map.serializedBytes() as [UInt8])
        #expect(after.screen.rows[0].seats[0].state == .held)
    }

    @Test func itKeepsNoMoreThanItsCapacity() throws {
        let cache = ScreenEncodingCache(capacity: 2)
        var builds = 0
        for showtime in 1...3 { _ = try cache.screenField(showtimeID: Int64(showtime), taken: TakenSeats()) { builds += 1; return Self.screen(heldSeat: nil) } }
        for showtime in 1...3 { _ = try cache.screenField(showtimeID: Int64(showtime), taken: TakenSeats()) { builds += 1; return Self.screen(heldSeat: nil) } }
        // Three showtimes through a cache of two: at least one had to be encoded again.
        #expect(builds >= 4)
    }
}
