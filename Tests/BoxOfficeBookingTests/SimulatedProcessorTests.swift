import BoxOfficeBooking
import Testing

/// The simulated processor remembers its latest charges only, so a long-running server does not
/// grow by every sale; what it forgot it handles as a processor would after a restart.
struct SimulatedProcessorTests {
    let card = try! PaymentCard(number: "4242424242424242", expiryMonth: 12, expiryYear: 2040, cvc: "123", zip: "10001",
                                currentYear: 2026, currentMonth: 11)

    @Test func itForgetsTheOldestChargesBeyondItsBound() async throws {
        let processor = SimulatedPaymentProcessor(retainedCharges: 3)
        var charges: [PaymentCharge] = []
        for index in 0..<5 { charges.append(try await processor.charge(card, amountCents: 1_000 + Int64(index), idempotencyKey: "k\(index)")) }
        let ledger = processor.snapshot
        #expect(Set(ledger.charges.keys) == Set(charges.suffix(3).map(\.reference)))

        // A remembered key answers with its charge; a forgotten one charges afresh.
        #expect(try await processor.charge(card, amountCents: 1_004, idempotencyKey: "k4").reference == charges[4].reference)
        let again = try await processor.charge(card, amountCents: 1_000, idempotencyKey: "k0")
        #expect(again.reference != charges[0].reference)

        // A forgotten charge's refund is honoured, as after a restart.
        let refund = try await processor.refund(chargeReference: charges[1].reference, amountCents: 1_001)
        #expect(refund.amountCents == 1_001)
        #expect(processor.snapshot.charges.count == 3)
    }
}
