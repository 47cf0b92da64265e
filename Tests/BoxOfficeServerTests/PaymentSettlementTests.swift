import BoxOfficeBooking
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeServer
import BoxOfficeStore
import BoxOfficeTesting
import Testing

/// No card stays charged without a booking: a purchase whose processor went quiet after charging,
/// or whose charge landed after the sweeper had looked, is settled (booked or refunded) exactly
/// once, by the sweeper or by the call, on a real server with time and sweeps moved by hand.
@Suite("Payment settlement", .timeLimit(.minutes(2)))
struct PaymentSettlementTests {
    let sweep = ManualTicks()
    var schedule: HousekeepingSchedule {
        HousekeepingSchedule(holdReaper: .manual(ManualTicks()), keyExpiry: .manual(ManualTicks()), refundRetry: .manual(ManualTicks()),
                             paymentSweep: .manual(sweep))
    }

    private func withServer(_ gateway: any PaymentGateway, clock: ManualClock,
                            _ body: (TestServer) async throws -> Void) async throws {
        try await TestServer.withRunning(configure: { $0.settlePaymentsAfter = .seconds(60) }, clock: clock, paymentGateway: gateway,
                                         schedule: schedule) { server, _ in try await body(server) }
    }

    /// Waits (on another task, not on time) until the processor has made `count` charges.
    private func charges(_ processor: SimulatedPaymentProcessor, reach count: Int) async throws {
        for _ in 0..<1_000 where processor.snapshot.charges.count < count { try await Task.sleep(for: .milliseconds(5)) }
        try #require(processor.snapshot.charges.count == count)
    }

    @Test func aChargeWhoseAnswerNeverCameIsBookedByTheSweeperAndTheBuyerGetsThatBooking() async throws {
        let clock = ManualClock()
        let processor = SimulatedPaymentProcessor()
        try await withServer(processor, clock: clock) { server in
            let buyer = try await Buyer.signUp(server, "quiet@example.com")
            let show = try await buyer.showtime(daysAhead: 2)
            let hold = try await buyer.hold(["D4", "D5"], of: show.id)
            let call = Task { try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.slowAnswerCard, key: "slow-1") }
            try await charges(processor, reach: 1)
            await sweep.runRound()
            #expect(try await server.ticketStore.intents(settleableAt: .max, limit: 10).count == 1, "too early for the sweeper")

            clock.advance(seconds: 61)
            await sweep.runRound()
            #expect(try await server.ticketStore.intents(settleableAt: .max, limit: 10).isEmpty)
            let listed = try await buyer.client.listBookings(.init())
            #expect(listed.bookings.count == 1, "the sweeper booked the hold with the charge")

            processor.releaseSlowAnswers()
            let answer = try await call.value
            #expect(answer.status.code == .ok, "\(answer.status.message)")
            #expect(answer.booking?.code == listed.bookings.first?.code, "the call answers with the sweeper's booking")
            #expect(processor.snapshot.charges.count == 1)
            #expect(processor.snapshot.refunded.isEmpty, "a booked charge is never refunded")
            // A retry under the same key finds the same booking.
            let retried = try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.slowAnswerCard, key: "slow-1")
            #expect(retried.booking?.code == listed.bookings.first?.code, "\(retried.status.message)")
            await buyer.close()
        }
    }

    @Test func aChargeWhoseHoldExpiredBeforeTheSweeperCameIsRefunded() async throws {
        let clock = ManualClock()
        let processor = SimulatedPaymentProcessor()
        try await withServer(processor, clock: clock) { server in
            let buyer = try await Buyer.signUp(server, "late@example.com")
            let show = try await buyer.showtime(daysAhead: 2)
            let hold = try await buyer.hold(["E4"], of: show.id)
            let call = Task { try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.slowAnswerCard) }
            try await charges(processor, reach: 1)
            clock.advance(seconds: 301)
            await sweep.runRound()
            let charge = try #require(processor.snapshot.charges.values.first)
            #expect(processor.snapshot.refunded[charge.reference] == charge.amountCents, "refunded in full")
            #expect(try await server.ticketStore.owedRefunds(limit: 10).isEmpty, "the refund went through: nothing left owed")
            #expect(try await buyer.client.listBookings(.init()).bookings.isEmpty)

            processor.releaseSlowAnswers()
            let answer = try await call.value
            #expect(answer.status.code == .failedPrecondition, "\(answer.status.message)")
            #expect(answer.status.message.contains("refunded"), "\(answer.status.message)")
            await buyer.close()
        }
    }

    @Test func aChargeLandingAfterTheSweeperFoundNoneIsRefundedByTheCallItself() async throws {
        let clock = ManualClock()
        let gateway = PausingGateway()
        try await withServer(gateway, clock: clock) { server in
            let buyer = try await Buyer.signUp(server, "race@example.com")
            let show = try await buyer.showtime(daysAhead: 2)
            let hold = try await buyer.hold(["F4"], of: show.id)
            let call = Task { try await buyer.purchase(hold.holdID) }
            await gateway.chargeArrived()
            clock.advance(seconds: 61)
            await sweep.runRound()   // no charge yet: the intent is dropped
            #expect(try await server.ticketStore.intents(settleableAt: .max, limit: 10).isEmpty)

            gateway.letChargesThrough()
            let answer = try await call.value
            #expect(answer.status.code == .failedPrecondition, "\(answer.status.message)")
            let charge = try #require(gateway.processor.snapshot.charges.values.first)
            #expect(gateway.processor.snapshot.refunded[charge.reference] == charge.amountCents,
                    "the call refunded the charge nobody else would")
            #expect(try await buyer.client.listBookings(.init()).bookings.isEmpty)
            await buyer.close()
        }
    }

    @Test func aDeclinedCardLeavesNoIntentAndAnApprovedOneLeavesNoneEither() async throws {
        let clock = ManualClock()
        let processor = SimulatedPaymentProcessor()
        try await withServer(processor, clock: clock) { server in
            let buyer = try await Buyer.signUp(server, "plain@example.com")
            let show = try await buyer.showtime(daysAhead: 2)
            let hold = try await buyer.hold(["G4"], of: show.id)
            #expect(try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.declinedCard).status.code == .failedPrecondition)
            #expect(try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.processorErrorCard).status.code == .unavailable)
            #expect(try await server.ticketStore.intents(settleableAt: .max, limit: 10).isEmpty)
            #expect(try await buyer.purchase(hold.holdID).status.code == .ok)
            #expect(try await server.ticketStore.intents(settleableAt: .max, limit: 10).isEmpty, "the booking settled its intent")
            await buyer.close()
        }
    }

    /// Two attempts under one key racing on two deciders (two nodes whose views differ for a
    /// moment): the other one books the hold while this one's charge is out. This attempt's own
    /// booking is then refused by the database; it refunds its charge and answers with the booking
    /// the key already has, not with the refusal.
    @Test func anAttemptOutrunByAnotherUnderTheSameKeyRefundsAndAnswersThatBooking() async throws {
        let clock = ManualClock()
        let gateway = PausingGateway()
        try await withServer(gateway, clock: clock) { server in
            let buyer = try await Buyer.signUp(server, "twice@example.com")
            let show = try await buyer.showtime(daysAhead: 2)
            let hold = try await buyer.hold(["H4", "H5"], of: show.id)
            let call = Task { try await buyer.purchase(hold.holdID, key: "one-key") }
            await gateway.chargeArrived()
            // The other decider: its own allocator over the same store, booking the hold under the
            // same key and request (the intent's digest), with a booking of its own.
            let intent = try #require(try await server.ticketStore.intents(settleableAt: .max, limit: 10).first)
            var theirs = intent.booking
            theirs.code = ConfirmationCode.random().description
            theirs.processorReference = "sim-other-node"
            let other = SeatAllocator(ledger: server.ticketStore, clock: clock)
            _ = try await other.confirmPurchase(holdID: hold.holdID, userID: intent.userID, booking: theirs, key: intent.key)

            gateway.letChargesThrough()
            let answer = try await call.value
            #expect(answer.status.code == .ok, "\(answer.status.message)")
            #expect(answer.booking?.code == theirs.code, "the booking the key already has")
            let charge = try #require(gateway.processor.snapshot.charges.values.first)
            #expect(gateway.processor.snapshot.refunded[charge.reference] == charge.amountCents, "this attempt's charge went back")
            #expect(try await buyer.client.listBookings(.init()).bookings.map(\.code) == [theirs.code])
            await buyer.close()
        }
    }
}
