import BoxOfficeBooking
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficePostgres
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import Synchronization
import Testing

/// No card stays charged without a booking when the server dies between the charge and the
/// booking's commit: `boxofficed` charges a card whose processor then goes quiet, is SIGKILLed, and
/// restarted on the same database and the same simulated processor (its journal); the payment
/// sweeper's round at start books the hold, or refunds the charge once the hold has expired.
/// On SQLite and on PostgreSQL.
@Suite("No charge without a booking across a crash", .timeLimit(.minutes(3)))
struct ChargeCrashTests {
    enum Database: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A database for boxofficed (a SQLite path or a PostgreSQL URL) in a fresh directory.
    private func withDatabase(_ kind: Database, _ body: (String, URL) async throws -> Void) async throws {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // On PostgreSQL the key nodes share must exist beforehand.
        try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).write(to: directory.appendingPathComponent("signing.key"))
        switch kind {
        case .sqlite:
            try await body(directory.appendingPathComponent("boxoffice.sqlite").path, directory)
        case .postgres:
            guard TestPostgres.url != nil else { return }  // without PostgreSQL, the SQLite case stands alone
            try await TestPostgres.withEmptyDatabase { url in try await body(url.connectionString, directory) }
        }
    }

    /// What the simulated processor did, from its journal: charges and refunded cents by reference.
    private struct Journal {
        var charges: [String: Int64] = [:]
        var refunded: [String: Int64] = [:]

        init(_ url: URL) throws {
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
                if let charged = event["charged"] as? [String: Any], let charge = charged["_0"] as? [String: Any],
                   let reference = charge["reference"] as? String, let cents = (charge["amountCents"] as? NSNumber)?.int64Value {
                    charges[reference] = cents
                } else if let refunded = event["refunded"] as? [String: Any], let reference = refunded["reference"] as? String,
                          let cents = (refunded["cents"] as? NSNumber)?.int64Value {
                    self.refunded[reference, default: 0] += cents
                }
            }
        }
    }

    /// Starts boxofficed, holds seats, and starts a purchase with the card whose answer never comes;
    /// returns once the charge is in the processor's journal, with the killed server's hold.
    private func chargeThenKill(database: String, directory: URL, holdSeconds: Int) async throws
        -> (hold: Boxoffice_V1_Hold, token: String, chargedAt: ContinuousClock.Instant)
    {
        let journal = directory.appendingPathComponent("processor.jsonl")
        let first = try ServerProcess.start(database: database, arguments: arguments(directory, holdSeconds: holdSeconds))
        let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: first.port)
        client.authToken = try await client.signUp(.with { $0.email = "crash@example.com"; $0.name = "C"; $0.password = "long enough" }).token
        let showtime = try #require(try await FutureShowtimes.nearNewYork(client).first)
        let hold = try await client.holdSeats(.with { $0.showtimeID = showtime; $0.bestAvailable = .with { $0.count = 2 } })
        let answered = Mutex<Boxoffice_V1_Status?>(nil)
        let purchase = Task {
            let answer = try? await client.send(.purchase(.with {
                $0.holdID = hold.holdID
                $0.card = .with { $0.number = SimulatedPaymentProcessor.slowAnswerCard; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
            }), options: .init(idempotencyKey: "through-the-crash"))
            answered.withLock { $0 = answer?.status ?? .with { $0.message = "no answer" } }
        }
        // Waiting on the server process, not on time: the journal is written before the charge answers.
        // Bounded by the suite's time limit, not a count: a loaded machine may take seconds. The
        // slow card never answers, so an answer means the purchase stopped before its charge: say so
        // rather than wait out the time limit.
        while try Journal(journal).charges.isEmpty {
            if let status = answered.withLock({ $0 }) {
                Issue.record("the purchase was answered before any charge: \(status.code) \(status.message)")
                first.send(SIGKILL)
                _ = await first.waitForExit()
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let chargedAt = ContinuousClock.now
        try #require(try Journal(journal).charges.count == 1)
        first.send(SIGKILL)
        #expect(await first.waitForExit() == SIGKILL)
        purchase.cancel()
        await client.close()
        return (hold, client.authToken, chargedAt)
    }

    private func arguments(_ directory: URL, holdSeconds: Int, settleAfter: Int = 1) -> [String] {
        ["--trusted", "127.0.0.1", "--payment-journal", directory.appendingPathComponent("processor.jsonl").path,
         "--settle-payments-after", "\(settleAfter)", "--hold-seconds", "\(holdSeconds)",
         "--secret-file", directory.appendingPathComponent("signing.key").path]
    }

    /// The buyer retries under the same key before any sweeper may settle the attempt the crash
    /// left (ten minutes): the retry settles it at once, booking the hold with the charge made.
    @Test(arguments: Database.allCases) func aRetryAfterTheRestartBooksTheHoldWithTheChargeAlreadyMade(_ kind: Database) async throws {
        try await withDatabase(kind) { database, directory in
            let (hold, token, _) = try await chargeThenKill(database: database, directory: directory, holdSeconds: 300)
            let second = try ServerProcess.start(database: database, arguments: arguments(directory, holdSeconds: 300, settleAfter: 600))
            let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: second.port)
            client.authToken = token
            var retried: Boxoffice_V1_Response?
            for _ in 0..<200 {
                let answer = try await client.send(.purchase(.with {
                    $0.holdID = hold.holdID
                    $0.card = .with { $0.number = SimulatedPaymentProcessor.slowAnswerCard; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
                }), options: .init(idempotencyKey: "through-the-crash"))
                retried = answer
                guard answer.status.code == .aborted else { break }   // still being settled
                try await Task.sleep(for: .milliseconds(20))
            }
            let answer = try #require(retried)
            #expect(answer.status.code == .ok, "\(answer.status.message)")
            guard case .purchase(let booking) = answer.result else { return }
            #expect(Set(booking.tickets.map(\.seat)) == Set(hold.seats))
            let listed = try await client.listBookings(.init())
            #expect(listed.bookings.map(\.code) == [booking.code], "one booking, made once")
            await client.close()
            second.send(SIGTERM)
            #expect(await second.waitForExit() == 0)

            let journal = try Journal(directory.appendingPathComponent("processor.jsonl"))
            #expect(journal.charges.count == 1, "the card was charged once")
            #expect(journal.refunded.isEmpty, "a booked charge is not refunded")
            #expect(journal.charges.values.first == booking.totalCents)
        }
    }

    /// Nobody retries: the restarted server's sweeper, in its round at start, finds the hold
    /// expired and refunds the charge.
    @Test(arguments: Database.allCases) func aChargeWhoseHoldExpiredWhileTheServerWasDownIsRefundedByTheSweeper(_ kind: Database) async throws {
        try await withDatabase(kind) { database, directory in
            // Six seconds, not fewer: on a loaded machine (the whole suite at once) the purchase can
            // take seconds to reach the server, and a hold that expired first is never charged.
            let (hold, token, chargedAt) = try await chargeThenKill(database: database, directory: directory, holdSeconds: 6)
            try await Task.sleep(until: chargedAt + .milliseconds(6_100))   // the hold's six seconds are over
            let second = try ServerProcess.start(database: database, arguments: arguments(directory, holdSeconds: 6))
            let journalURL = directory.appendingPathComponent("processor.jsonl")
            // Waiting on the restarted server's sweeper, not on time.
            for _ in 0..<500 where try Journal(journalURL).refunded.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            let journal = try Journal(journalURL)
            #expect(journal.charges.count == 1)
            #expect(journal.refunded == journal.charges, "the whole charge went back")

            let client = try await BoxOfficeConnection.connect(host: "127.0.0.1", port: second.port)
            client.authToken = token
            #expect(try await client.listBookings(.init()).bookings.isEmpty, "no booking was made")
            let retried = try await client.send(.purchase(.with {
                $0.holdID = hold.holdID
                $0.card = .with { $0.number = SimulatedPaymentProcessor.approvedCard; $0.expMonth = 12; $0.expYear = 40; $0.cvc = "123"; $0.zip = "10001" }
            }))
            #expect(retried.status.code == .failedPrecondition, "the hold is over: \(retried.status.message)")
            await client.close()
            second.send(SIGTERM)
            #expect(await second.waitForExit() == 0)
        }
    }
}
