import BoxOfficeClient
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import Logging
import Synchronization
import Testing

/// No full card number and no CVC may reach the database, its WAL or a log line, whatever happens
/// to the purchase: approved, declined, malformed, retried.
@Suite("Card data stays out of storage and logs", .timeLimit(.minutes(2)))
struct CardDataTests {
    @Test func cardNumbersAndCVCsAreNeitherStoredNorLogged() async throws {
        let logs = CapturedLogs()
        // A valid American Express number that appears nowhere else. Four digits appear somewhere in any
        // catalogue (ZIP coordinates), so the CVC check counts occurrences before and after instead: pages
        // written for bookings must add none. Its digits avoid 2-7, the digits of hold ids.
        let number = Self.withLuhnDigit("34987654321098")
        let cvc = "9819"
        try await TestServer.withRunning(logger: Logger(label: "boxoffice.test") { _ in logs.handler() }) { server, _ in
            let before = try server.storageFiles().map { Self.occurrences(of: cvc, in: $0) }
            let buyer = try await Buyer.signUp(server, "vault@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["J4", "J5"], of: show.id)
            // Refused with the number in the request: malformed, declined, wrong CVC length.
            _ = try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.declinedCard, cvc: cvc)
            _ = try await buyer.purchase(hold.holdID, card: number, cvc: String(cvc.prefix(3)))
            _ = try await buyer.purchase(hold.holdID, card: String(number.dropLast()) + "0", cvc: cvc)
            let bought = try await buyer.purchase(hold.holdID, card: number, cvc: cvc, key: "vault-1")
            #expect(bought.status.code == .ok, "\(bought.status)")
            _ = try await buyer.purchase(hold.holdID, card: number, cvc: cvc, key: "vault-1")
            let code = try #require(bought.booking?.code)
            _ = try await buyer.client.cancelBooking(.with { $0.code = code })
            await buyer.close()

            let files = try server.storageFiles()
            #expect(files.count >= 2, "expected the database and its WAL")
            #expect(files.map { Self.occurrences(of: cvc, in: $0) } == before + Array(repeating: 0, count: files.count - before.count),
                    "the CVC was written to the database files")
            for secret in [number, SimulatedPaymentProcessor.declinedCard] {
                for file in files {
                    #expect(file.range(of: Data(secret.utf8)) == nil, "\(secret) is in the database files")
                }
                #expect(!logs.text.contains(secret), "\(secret) is in the logs")
            }
            #expect(!logs.text.contains(cvc), "the CVC is in the logs")
            // The last four digits are kept, as the receipt shows them.
            #expect(files.contains { $0.range(of: Data(number.suffix(4).utf8)) != nil })
            #expect(!logs.text.isEmpty)
        }
    }

    static func occurrences(of text: String, in data: Data) -> Int {
        var count = 0
        var start = data.startIndex
        while let found = data.range(of: Data(text.utf8), in: start..<data.endIndex) {
            count += 1
            start = found.upperBound
        }
        return count
    }

    /// `digits` with the Luhn check digit appended.
    static func withLuhnDigit(_ digits: String) -> String {
        let sum = digits.reversed().enumerated().reduce(0) { sum, pair in
            var digit = Int(pair.element.asciiValue! - 48)
            if pair.offset % 2 == 0 { digit *= 2; if digit > 9 { digit -= 9 } }
            return sum + digit
        }
        return digits + String((10 - sum % 10) % 10)
    }
}

extension TestServer {
    /// The bytes of the database file and its WAL and shared-memory files, as they are on disk now.
    func storageFiles() throws -> [Data] {
        try ["", "-wal", "-shm"].compactMap { suffix in
            FileManager.default.fileExists(atPath: databasePath + suffix)
                ? try Data(contentsOf: URL(fileURLWithPath: databasePath + suffix)) : nil
        }
    }
}

/// Every log line at every level, message and metadata, as text.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func handler() -> some LogHandler { Handler(logs: self) }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let logs: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            logs.append("\(event.level) \(event.message) \(metadata.merging(event.metadata ?? [:]) { $1 })")
        }
    }
}
