import BoxOfficeBooking
import BoxOfficeProto
import SwiftProtobuf
import Synchronization

/// The encoded screen of each showtime's seat map, kept while its seats stay as they were.
///
/// A seat map is a screen of rows of seats, and swift-protobuf sizes a nested message again at every
/// level above it: profiling a browsing load showed a quarter of the server's time encoding seat
/// maps. So a showtime's screen is encoded once per state of its seats, and the seat map carries
/// those bytes as its `screen` field through `unknownFields`, which encoding copies as they are.
/// On the wire it is the same message (a decoder reads field 2 as the screen, wherever it comes).
final class ScreenEncodingCache: Sendable {
    /// `SeatMap.screen`'s field number in proto/boxoffice.proto.
    static let screenFieldNumber = 2

    private struct Entry {
        var taken: TakenSeats
        var field: UnknownStorage
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    /// Showtimes kept; about 5 KB each for a 300-seat screen.
    let capacity: Int

    init(capacity: Int = 2_048) {
        self.capacity = max(1, capacity)
    }

    /// The seat map's `screen` field for `showtimeID` with `taken` seats, encoded by `build` on a miss.
    func screenField(showtimeID: Int64, taken: TakenSeats, build: () -> Boxoffice_V1_Screen) throws -> UnknownStorage {
        if let hit = entries.withLock({ $0[showtimeID] }), hit.taken == taken { return hit.field }
        let field = try Self.encodeField(Self.screenFieldNumber, build())
        entries.withLock { entries in
            if entries[showtimeID] == nil, entries.count >= capacity, let any = entries.keys.first {
                entries[any] = nil  // an arbitrary one: a seat map is cheap to encode again
            }
            entries[showtimeID] = Entry(taken: taken, field: field)
        }
        return field
    }

    /// `message` as field `number` (length-delimited) in an unknown-field storage. swift-protobuf
    /// fills that storage only by decoding, so the bytes are decoded as an empty message, which
    /// knows no fields and keeps them all as they are.
    static func encodeField(_ number: Int, _ message: some SwiftProtobuf.Message) throws -> UnknownStorage {
        let body: [UInt8] = try message.serializedBytes()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count + 8)
        appendVarint(UInt64(number << 3 | 2), to: &bytes)
        appendVarint(UInt64(body.count), to: &bytes)
        bytes += body
        return try Google_Protobuf_Empty(serializedBytes: bytes).unknownFields
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
