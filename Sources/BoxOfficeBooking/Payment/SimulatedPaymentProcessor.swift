import BoxOfficeCore
import DequeModule
public import Foundation
import Synchronization

/// The built-in gateway: a processor simulated in memory with the industry's test card numbers.
///
/// - 4242 4242 4242 4242 (and any other valid number) is approved.
/// - 4000 0000 0000 0002 is declined: FAILED_PRECONDITION "card declined".
/// - 4000 0000 0000 0119 fails as if the processor were down: UNAVAILABLE, retry after a second.
/// - 4000 0000 0000 0341 is charged at once, but the answer comes only when `releaseSlowAnswers()`
///   is called (or after `slowAnswerLimit`): a processor that charged and then went quiet, for
///   tests that stop or kill the server between the charge and the booking.
///
/// It keeps its latest charges (never the card), so tests can count charges and refunds, and
/// forgets older ones so that a server running for weeks on it does not grow by every sale: a
/// refund of a forgotten charge is honoured as after a restart, and a forgotten charge's
/// idempotency key no longer answers (the server's own idempotency keys still do).
///
/// With a journal file, every charge and refund is appended to it as one JSON line before it is
/// answered, and the file is read back at start: the simulated processor then outlives the server
/// process, as a real one does, which is what a crash test needs.
public final class SimulatedPaymentProcessor: PaymentGateway {
    public static let approvedCard = "4242424242424242"
    public static let declinedCard = "4000000000000002"
    public static let processorErrorCard = "4000000000000119"
    public static let slowAnswerCard = "4000000000000341"

    public struct Ledger: Sendable {
        /// Charges by reference.
        public var charges: [String: PaymentCharge] = [:]
        /// Cents refunded by charge reference.
        public var refunded: [String: Int64] = [:]
        /// The charge each idempotency key made, and the key of each charge.
        var chargeByKey: [String: String] = [:]
        var keyByCharge: [String: String] = [:]
        var nextReference = 1
        /// References oldest first, to forget the oldest beyond `retainedCharges`.
        var order: Deque<String> = []
    }

    private let ledger = Mutex(Ledger())
    /// How many of the latest charges the simulation remembers.
    public let retainedCharges: Int
    /// The longest a slow-answer card's charge waits for `releaseSlowAnswers()`.
    public let slowAnswerLimit: Duration
    private let journal: Journal?
    private let slowAnswers = Mutex<[CheckedContinuation<Void, Never>]?>([])

    /// A processor in memory; with `journal`, one whose charges and refunds are also kept in that
    /// file (created when missing) and read back from it now.
    public init(retainedCharges: Int = 10_000, journal: URL? = nil, slowAnswerLimit: Duration = .seconds(600)) throws {
        precondition(retainedCharges > 0, "the simulation must remember at least one charge")
        self.retainedCharges = retainedCharges
        self.slowAnswerLimit = slowAnswerLimit
        self.journal = try journal.map(Journal.init(url:))
        if let events = try self.journal?.replay() {
            ledger.withLock { ledger in
                for event in events { Self.apply(event, to: &ledger, retaining: retainedCharges) }
            }
        }
    }

    /// A processor in memory only.
    public convenience init(retainedCharges: Int = 10_000) {
        // Without a journal nothing can fail.
        try! self.init(retainedCharges: retainedCharges, journal: nil)
    }

    /// A copy of what the processor has done so far.
    public var snapshot: Ledger { ledger.withLock { $0 } }

    /// Lets every slow-answer charge waiting, and every later one, answer.
    public func releaseSlowAnswers() {
        let waiting = slowAnswers.withLock { waiting in
            defer { waiting = nil }
            return waiting ?? []
        }
        for continuation in waiting { continuation.resume() }
    }

    public func charge(_ card: PaymentCard, amountCents: Int64, idempotencyKey: String) async throws -> PaymentCharge {
        switch card.number {
        case Self.declinedCard:
            throw BoxOfficeError(.failedPrecondition, "the card was declined by its issuer (do_not_honor): use another card")
        case Self.processorErrorCard:
            throw BoxOfficeError(.unavailable, "the payment processor is not answering: try again shortly", retryAfterMilliseconds: 1000)
        default:
            break
        }
        let charge = try ledger.withLock { ledger in
            if !idempotencyKey.isEmpty, let reference = ledger.chargeByKey[idempotencyKey], let earlier = ledger.charges[reference] {
                return earlier
            }
            let charge = PaymentCharge(reference: "sim_ch_\(ledger.nextReference)", amountCents: amountCents,
                                       cardBrand: card.brand.rawValue, cardLastFour: card.lastFour)
            let event = Event.charged(charge, key: idempotencyKey)
            try journal?.append(event)
            Self.apply(event, to: &ledger, retaining: retainedCharges)
            return charge
        }
        if card.number == Self.slowAnswerCard { await waitForRelease() }
        return charge
    }

    public func refund(chargeReference reference: String, amountCents: Int64) async throws -> PaymentRefund {
        try ledger.withLock { ledger in
            let event = Event.refunded(reference: reference, cents: amountCents)
            try journal?.append(event)
            Self.apply(event, to: &ledger, retaining: retainedCharges)
            return PaymentRefund(reference: "sim_re_\(reference.dropFirst("sim_ch_".count))", amountCents: amountCents)
        }
    }

    public func charge(madeWithKey idempotencyKey: String) async throws -> PaymentCharge? {
        ledger.withLock { ledger in ledger.chargeByKey[idempotencyKey].flatMap { ledger.charges[$0] } }
    }

    /// What the processor did, as the journal keeps it.
    enum Event: Codable {
        case charged(PaymentCharge, key: String)
        case refunded(reference: String, cents: Int64)
    }

    private static func apply(_ event: Event, to ledger: inout Ledger, retaining retainedCharges: Int) {
        switch event {
        case .charged(let charge, let key):
            let reference = charge.reference
            ledger.charges[reference] = charge
            ledger.order.append(reference)
            if let number = Int(reference.dropFirst("sim_ch_".count)) { ledger.nextReference = max(ledger.nextReference, number + 1) }
            if !key.isEmpty {
                ledger.chargeByKey[key] = reference
                ledger.keyByCharge[reference] = key
            }
            while ledger.order.count > retainedCharges {
                let oldest = ledger.order.removeFirst()
                ledger.charges[oldest] = nil
                ledger.refunded[oldest] = nil
                if let key = ledger.keyByCharge.removeValue(forKey: oldest) { ledger.chargeByKey[key] = nil }
            }
        case .refunded(let reference, let cents):
            // A charge this process never saw was made before a restart; a real processor still has
            // it, so the simulation honours the refund too. Refunding again refunds nothing more.
            let charged = ledger.charges[reference]?.amountCents ?? cents
            ledger.refunded[reference] = min(charged, max(ledger.refunded[reference] ?? 0, cents))
            // A fully refunded charge no longer answers for its key: a retry under it charges afresh.
            if ledger.refunded[reference] == charged, let key = ledger.keyByCharge.removeValue(forKey: reference) {
                ledger.chargeByKey[key] = nil
            }
        }
    }

    private func waitForRelease() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let waiting = self.slowAnswers.withLock { waiting -> Bool in
                        guard waiting != nil else { return false }
                        waiting!.append(continuation)
                        return true
                    }
                    if !waiting { continuation.resume() }
                }
            }
            group.addTask { [slowAnswerLimit] in try? await Task.sleep(for: slowAnswerLimit) }
            await group.next()
            group.cancelAll()
        }
    }
}

/// The simulated processor's journal: one JSON event per line, appended and flushed to the kernel
/// before the event is answered, so a killed server process loses none of it.
private final class Journal: Sendable {
    private let handle: FileHandle
    private let url: URL

    init(url: URL) throws {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw BoxOfficeError.invalidArgument("cannot create the payment journal \(url.path)")
            }
        }
        do {
            handle = try FileHandle(forUpdating: url)
            try handle.seekToEnd()
        } catch {
            throw BoxOfficeError.invalidArgument("cannot open the payment journal \(url.path): \(error.localizedDescription)")
        }
    }

    func replay() throws -> [SimulatedPaymentProcessor.Event] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").enumerated().map { number, line in
            do {
                return try JSONDecoder().decode(SimulatedPaymentProcessor.Event.self, from: Data(line.utf8))
            } catch {
                throw BoxOfficeError.invalidArgument("the payment journal \(url.path) has an unreadable line \(number + 1)")
            }
        }
    }

    func append(_ event: SimulatedPaymentProcessor.Event) throws {
        var line = try JSONEncoder().encode(event)
        line.append(UInt8(ascii: "\n"))
        do {
            try handle.write(contentsOf: line)
        } catch {
            throw BoxOfficeError(.unavailable, "the payment processor could not record the payment: try again shortly",
                                 retryAfterMilliseconds: 1000)
        }
    }
}
