import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeTesting
import Foundation
import Synchronization
import Testing

/// PostgreSQL stopped and started again under a stream of purchases: a `boxofficed` process on a
/// PostgreSQL of the test's own (`scripts/postgres.sh`), buyers holding and buying the whole time.
/// While the database is away every call is answered UNAVAILABLE with a retry-after, never
/// INTERNAL and never left hanging; once it is back the server has reconnected by itself and the
/// stream goes on; every booking a buyer saw confirmed is there, and no seat is sold twice.
@Suite("A database outage under load", .enabled(if: TestPostgres.url != nil, "needs BOXOFFICE_TEST_POSTGRES_URL"),
       .timeLimit(.minutes(3)))
struct DatabaseOutageTests {
    /// What the buyers saw.
    final class Ledger: Sendable {
        struct Seen: Sendable {
            var confirmed: [(code: String, showtime: Int64, seats: [String], token: String)] = []
            var codes: [BoxOfficeError.Code: Int] = [:]
            var unavailableWithoutRetryAfter = 0
        }
        let seen = Mutex(Seen())
        private let stopped = Atomic(false)
        var stop: Bool { stopped.load(ordering: .relaxed) }
        func stopBuying() { stopped.store(true, ordering: .relaxed) }
        var confirmedCount: Int { seen.withLock { $0.confirmed.count } }
        var unavailableCount: Int { seen.withLock { $0.codes[.unavailable] ?? 0 } }
        func saw(_ status: Boxoffice_V1_Status) {
            let code = BoxOfficeError.Code(rawValue: Int(status.code.rawValue))
            seen.withLock {
                $0.codes[code, default: 0] += 1
                if code == .unavailable && status.retryAfterMs == 0 { $0.unavailableWithoutRetryAfter += 1 }
            }
        }
    }

    @Test func aStreamOfPurchasesRidesOutPostgreSQLStoppingAndStarting() async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pgDirectory = directory.appendingPathComponent("pg").path
        let postgres = try await ScratchPostgres.up(in: pgDirectory)
        defer { postgres.stopNow() }  // the postmaster, stopped by its pid even when the test failed
        let url = postgres.url
        let key = directory.appendingPathComponent("signing.key")
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: key)
        let server = try ServerProcess.start(database: String(url), arguments: [
            "--trusted", "127.0.0.1", "--secret-file", key.path, "--password-hash-rounds", "1000", "--database-connections", "4",
        ])

        let setup = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: server.port)
        let showtimes = try await FutureShowtimes.nearNewYork(setup)
        try #require(showtimes.count >= 2)
        var tokens: [String] = []
        for index in 0..<6 {
            tokens.append(try await setup.signUp(.with { $0.email = "outage\(index)@example.com"; $0.name = "B"; $0.password = "long enough" }).token)
        }
        await setup.close()

        let ledger = Ledger()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (buyer, token) in tokens.enumerated() {
                group.addTask {
                    let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: server.port)
                    client.authToken = token
                    var round = 0
                    while !ledger.stop {
                        round += 1
                        let showtime = showtimes[(buyer + round) % showtimes.count]
                        let held = try await client.send(.holdSeats(.with { $0.showtimeID = showtime; $0.bestAvailable = .with { $0.count = 1 } }))
                        guard case .holdSeats(let hold) = held.result else {
                            ledger.saw(held.status)
                            try await Task.sleep(for: .milliseconds(Int64(max(held.status.retryAfterMs, 20))))
                            continue
                        }
                        // The same purchase, under one key, until it is answered for good.
                        let key = "b\(buyer)-r\(round)"
                        while true {
                            let answer = try await client.send(.purchase(.with {
                                $0.holdID = hold.holdID
                                $0.card = .with { $0.number = SimulatedPaymentProcessor.approvedCard; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
                            }), options: .init(idempotencyKey: key))
                            if case .purchase(let booking) = answer.result {
                                ledger.seen.withLock { $0.confirmed.append((booking.code, showtime, booking.tickets.map(\.seat), token)) }
                                break
                            }
                            ledger.saw(answer.status)
                            guard [.unavailable, .aborted].contains(answer.status.code), !ledger.stop else { break }
                            try await Task.sleep(for: .milliseconds(Int64(max(answer.status.retryAfterMs, 20))))
                        }
                    }
                    await client.close()
                }
            }
            group.addTask {
                // Waiting on the buyers (another process's progress), polled.
                func until(_ condition: () -> Bool) async throws {
                    for _ in 0..<3_000 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
                    try #require(condition())
                }
                try await until { ledger.confirmedCount >= 15 }
                try await ScratchPostgres.run("down", "--dir", pgDirectory)
                try await until { ledger.unavailableCount >= 10 }
                let before = ledger.confirmedCount
                try await ScratchPostgres.run("up", "--dir", pgDirectory)
                try await until { ledger.confirmedCount >= before + 15 }
                ledger.stopBuying()
            }
            try await group.waitForAll()
        }

        let seen = ledger.seen.withLock { $0 }
        #expect(seen.codes[.internalError] == nil, "never INTERNAL: \(seen.codes)")
        #expect(seen.unavailableWithoutRetryAfter == 0, "every UNAVAILABLE says when to retry")
        #expect(Set(seen.codes.keys).isSubset(of: [.unavailable, .aborted, .alreadyExists, .failedPrecondition]), "\(seen.codes)")
        // Every booking a buyer saw is there, and no seat of a showtime is in two of them.
        let check = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: server.port)
        var sold: Set<String> = []
        for booking in seen.confirmed {
            check.authToken = booking.token
            let stored = try await check.getBooking(.with { $0.code = booking.code })
            #expect(stored.state == .confirmed && stored.tickets.map(\.seat) == booking.seats)
            for seat in booking.seats { #expect(sold.insert("\(booking.showtime)/\(seat)").inserted, "\(seat) sold twice") }
        }
        await check.close()
        server.send(SIGTERM)
        #expect(await server.waitForExit() == 0)
    }
}
