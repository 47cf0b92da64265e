import BoxOfficeCore
import BoxOfficeStore
import Foundation
import GRDB

/// The storage baseline: BoxOffice's own booking writes (the hold's transaction, then the purchase's:
/// booking, tickets, idempotency key, seats marked sold) on a fresh SQLite file with the server's
/// durability (WAL, synchronous=FULL), from one writer, with no server in between. Run with one
/// booking per transaction (every booking pays its own two fsyncs), with 22 (the batch the
/// server's group commit reaches under load) and with 64 (ANCHORS.md's batch), to show what the
/// single write pipeline can carry here.
enum StorageBaseline {
    static func run(seconds: Double, batchSizes: [Int], recorder: Recorder) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try CatalogueStore(path: directory.appendingPathComponent("baseline.sqlite").path)
        let today = LocalDate(daysSinceEpoch: Int(Date().timeIntervalSince1970) / 86_400)
        _ = try CatalogueGenerator(options: .init(theatres: 12, days: 3, seed: 7, startDate: today, metros: ["New York"])).generate(into: store)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let userID = try store.createUser(email: "baseline@example.com", name: "Baseline", passwordHash: "-", createdAtMilliseconds: now)
        var seats = try SeatSupply(store: store)

        var notes: [String] = []
        var serial = 0
        for batch in batchSizes {
            let kind = "booking writes, \(batch) per transaction"
            let end = ContinuousClock.now + .seconds(seconds)
            var bookings = 0
            while ContinuousClock.now < end {
                var holds: [(id: String, showtimeID: Int64, seats: [Int])] = []
                for _ in 0..<batch {
                    serial += 1
                    let (showtimeID, pair) = try seats.next()
                    holds.append(("baseline-\(serial)", showtimeID, pair))
                }
                let began = ContinuousClock.now
                try store.dbPool.write { db in
                    for hold in holds {
                        try SeatClaims.insertHold(id: hold.id, userID: userID, showtimeID: hold.showtimeID, seats: hold.seats,
                                                  expiresAt: now + 300_000, in: db)
                    }
                }
                try store.dbPool.write { db in
                    for hold in holds {
                        let code = ConfirmationCode.random().description
                        try BookingRows.insert(BookingRecord(
                            code: code, userID: userID, showtimeID: hold.showtimeID, subtotalCents: 3000, feesCents: 300, taxCents: 293,
                            totalCents: 3593, cardBrand: "Visa", cardLastFour: "4242", processorReference: "sim-\(hold.id)", createdAt: now,
                            tickets: hold.seats.map { .init(seatIndex: $0, seatLabel: "S\($0)", type: .adult, priceCents: 1500) }), in: db)
                        try BookingRows.rememberKey(hold.id, userID: userID, requestDigest: "-", bookingCode: code, now: now, in: db)
                        try SeatClaims.purchaseHold(hold.id, bookingCode: code, seatCount: hold.seats.count, in: db)
                    }
                }
                recorder.record(kind, role: .human, microseconds: UInt64((ContinuousClock.now - began).microseconds), status: .ok)
                bookings += batch
            }
            notes.append("\(kind): \(format(Double(bookings) / seconds, 0)) durable bookings/s (two commits each batch)")
        }
        return notes
    }

    /// Pairs of free seats, showtime after showtime of the baseline catalogue.
    private struct SeatSupply {
        var showtimes: [(id: Int64, seats: Int)]
        var current = 0
        var nextSeat = 0

        init(store: CatalogueStore) throws {
            showtimes = try store.dbPool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT s.id, sc.capacity FROM showtimes s JOIN screens sc ON sc.id = s.screen_id ORDER BY s.id
                    """).map { ($0[0], $0[1]) }
            }
        }

        mutating func next() throws -> (Int64, [Int]) {
            while current < showtimes.count, nextSeat + 2 > showtimes[current].seats {
                current += 1
                nextSeat = 0
            }
            guard current < showtimes.count else { throw SoakSetupError("the storage baseline ran out of seats: run it for less time") }
            defer { nextSeat += 2 }
            return (showtimes[current].id, [nextSeat, nextSeat + 1])
        }
    }
}
