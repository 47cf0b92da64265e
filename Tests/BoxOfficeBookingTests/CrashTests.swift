import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
@testable import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import GRDB
import Synchronization
import Testing

/// A confirmed booking survives the server being killed: `boxofficed` is SIGKILLed in the middle of
/// a stream of purchases and restarted on the same file.
@Suite("Crash safety", .timeLimit(.minutes(3)))
struct CrashTests {
    struct Confirmed: Sendable {
        var code: String
        var seats: [String]
        var token: String
    }

    @Test func everyConfirmedBookingSurvivesSIGKILL() async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("boxoffice.sqlite").path

        // Eight buyers from loopback buy far faster than the per-client limits allow a person.
        let trusted = ["--trusted", "127.0.0.1"]
        let first = try ServerProcess.start(database: database, arguments: trusted)
        let setup = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: first.port)
        let showtimes = try await FutureShowtimes.nearNewYork(setup)
        try #require(showtimes.count >= 4, "the demo catalogue has too few showtimes left today")
        var signedUp: [String] = []
        for index in 0..<4 {
            signedUp.append(try await setup.signUp(.with {
                $0.email = "crash\(index)@example.com"; $0.name = "Buyer \(index)"; $0.password = "long enough"
            }).token)
        }
        let tokens = signedUp
        await setup.close()

        // Eight buyers hold and buy pairs of seats until the server dies under them.
        let confirmed = ConfirmedList(buyers: 8)
        let enough = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for buyer in 0..<8 {
                group.addTask {
                    // Should every buyer stop before the kill (seats ran out), the test fails instead of waiting.
                    defer { if confirmed.buyerStopped() { enough.continuation.finish() } }
                    let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: first.port)
                    client.authToken = tokens[buyer % tokens.count]
                    defer { Task { await client.close() } }
                    var round = 0
                    while true {
                        let showtime = showtimes[(buyer + round) % showtimes.count]
                        round += 1
                        guard let hold = try? await client.holdSeats(.with {
                            $0.showtimeID = showtime; $0.bestAvailable = .with { $0.count = 2 }
                        }) else { return }
                        let answer: Boxoffice_V1_Response
                        do {
                            answer = try await client.send(.purchase(.with {
                                $0.holdID = hold.holdID
                                $0.card = .with { $0.number = "4242424242424242"; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
                            }))
                        } catch { return }  // the server died before answering: the booking may or may not exist
                        guard case .purchase(let booking) = answer.result else { return }
                        let count = confirmed.append(Confirmed(code: booking.code, seats: booking.tickets.map(\.seat),
                                                               token: client.authToken))
                        if count == 60 { enough.continuation.yield() }
                    }
                }
            }
            for await _ in enough.stream { break }
            first.send(SIGKILL)
            try await group.waitForAll()
        }
        #expect(await first.waitForExit() == SIGKILL)
        let seen = confirmed.all
        #expect(seen.count >= 60)

        // Restarted on the same file: every booking the buyers saw confirmed is there, with its seats.
        let second = try ServerProcess.start(database: database, arguments: trusted)
        let check = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: second.port)
        for booking in seen {
            check.authToken = booking.token
            let stored = try await check.getBooking(.with { $0.code = booking.code })
            #expect(stored.state == .confirmed)
            #expect(stored.tickets.map(\.seat) == booking.seats)
        }
        await check.close()
        second.send(SIGTERM)
        #expect(await second.waitForExit() == 0)

        let queue = try DatabaseQueue(path: database)
        try await queue.read { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            // No seat of a showtime is in two confirmed bookings, every booking seen confirmed is
            // stored once, and every ticket still claims its seat.
            #expect(try SeatInvariants.check(in: db, scope: .init(confirmedCodes: seen.map(\.code))) == [])
            let tickets = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM tickets t JOIN bookings b ON b.code = t.booking_code WHERE b.state = 'confirmed'
                """)
            #expect((tickets ?? 0) >= seen.count * 2)
        }
    }

    /// The bookings the buyers saw confirmed, and how many buyers are still buying.
    final class ConfirmedList: Sendable {
        private let list = Mutex<[Confirmed]>([])
        private let buyersLeft: Mutex<Int>
        var all: [Confirmed] { list.withLock { $0 } }

        init(buyers: Int) { buyersLeft = Mutex(buyers) }

        /// True for the last buyer to stop.
        func buyerStopped() -> Bool { buyersLeft.withLock { $0 -= 1; return $0 == 0 } }

        /// Appends and returns how many there are now.
        func append(_ booking: Confirmed) -> Int { list.withLock { $0.append(booking); return $0.count } }
    }
}
