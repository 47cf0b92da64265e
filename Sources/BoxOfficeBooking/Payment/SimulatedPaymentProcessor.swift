import BoxOfficeCore
import DequeModule
import Synchronization

/// The built-in gateway: a processor simulated in memory with the industry's test card numbers.
///
/// - 4242 4242 4242 4242 (and any other valid number) is approved.
/// - 4000 0000 0000 0002 is declined: FAILED_PRECONDITION "card declined".
/// - 4000 0000 0000 0119 fails as if the processor were down: UNAVAILABLE, retry after a second.
///
/// It keeps its latest charges (never the card), so tests can count charges and refunds, and
/// forgets older ones so that a server running for weeks on it does not grow by every sale: a
/// refund of a forgotten charge is honoured as after a restart, and a forgotten charge's
/// idempotency key no longer answers (the server's own idempotency keys still do).
public final class SimulatedPaymentProcessor: PaymentGateway {
    public static let approvedCard = "4242424242424242"
    public static let declinedCard = "4000000000000002"
    public static let processorErrorCard = "4000000000000119"

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

    public init(retainedCharges: Int = 10_000) {
        precondition(retainedCharges > 0, "the simulation must remember at least one charge")
        self.retainedCharges = retainedCharges
    }

    /// A copy of what the processor has done so far.
    public var snapshot: Ledger { ledger.withLock { $0 } }

    public func charge(_ card: PaymentCard, amountCents: Int64, idempotencyKey: String) async throws -> PaymentCharge {
        switch card.number {
        case Self.declinedCard:
            throw BoxOfficeError(.failedPrecondition, "the card was declined by its issuer (do_not_honor): use another card")
        case Self.processorErrorCard:
            throw BoxOfficeError(.unavailable, "the payment processor is not answering: try again shortly", retryAfterMilliseconds: 1000)
        default:
            break
        }
        return ledger.withLock { ledger in
            if !idempotencyKey.isEmpty, let reference = ledger.chargeByKey[idempotencyKey], let earlier = ledger.charges[reference] {
                return earlier
            }
            let reference = "sim_ch_\(ledger.nextReference)"
            ledger.nextReference += 1
            let charge = PaymentCharge(reference: reference, amountCents: amountCents,
                                       cardBrand: card.brand.rawValue, cardLastFour: card.lastFour)
            ledger.charges[reference] = charge
            ledger.order.append(reference)
            if !idempotencyKey.isEmpty {
                ledger.chargeByKey[idempotencyKey] = reference
                ledger.keyByCharge[reference] = idempotencyKey
            }
            while ledger.order.count > retainedCharges {
                let oldest = ledger.order.removeFirst()
                ledger.charges[oldest] = nil
                ledger.refunded[oldest] = nil
                if let key = ledger.keyByCharge.removeValue(forKey: oldest) { ledger.chargeByKey[key] = nil }
            }
            return charge
        }
    }

    public func refund(chargeReference reference: String, amountCents: Int64) async throws -> PaymentRefund {
        ledger.withLock { ledger in
            // A charge this process never saw was made before a restart; a real processor still has
            // it, so the simulation honours the refund too. Refunding again refunds nothing more.
            let charged = ledger.charges[reference]?.amountCents ?? amountCents
            ledger.refunded[reference] = min(charged, max(ledger.refunded[reference] ?? 0, amountCents))
            // A fully refunded charge no longer answers for its key: a retry under it charges afresh.
            if ledger.refunded[reference] == charged, let key = ledger.keyByCharge.removeValue(forKey: reference) {
                ledger.chargeByKey[key] = nil
            }
            return PaymentRefund(reference: "sim_re_\(reference.dropFirst("sim_ch_".count))", amountCents: amountCents)
        }
    }
}
