import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeServer
import BoxOfficeTesting
import Foundation
import Testing

@Suite("Purchases and bookings over loopback", .timeLimit(.minutes(2)))
struct PurchaseCallTests {
    @Test func aPurchaseIsPricedChargedOnceAndShownByGetAndList() async throws {
        let processor = SimulatedPaymentProcessor()
        try await TestServer.withRunning(paymentGateway: processor) { server, _ in
            let buyer = try await Buyer.signUp(server, "pat@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["B3", "B4", "B5"], of: show.id)
            let answer = try await buyer.purchase(hold.holdID, types: [.adult, .child])
            let booking = try #require(answer.booking, "\(answer.status)")

            // Tickets at the showtime's prices (the third, untyped, is adult), $1.50 a ticket, Illinois' 6.25%.
            let prices = show.prices
            #expect(booking.tickets.map(\.seat) == ["B3", "B4", "B5"])
            #expect(booking.tickets.map(\.type) == [.adult, .child, .adult])
            #expect(booking.tickets.map(\.priceCents) == [prices.adultCents, prices.childCents, prices.adultCents])
            let subtotal = 2 * prices.adultCents + prices.childCents
            #expect(booking.subtotalCents == subtotal)
            #expect(booking.feesCents == 450)
            #expect(booking.taxCents == ((subtotal + 450) * 6_250 + 50_000) / 100_000)
            #expect(booking.totalCents == booking.subtotalCents + booking.feesCents + booking.taxCents)
            #expect(booking.state == .confirmed)
            #expect(booking.cardBrand == "Visa" && booking.cardLast4 == "4242")
            #expect(booking.showtime.id == show.id)
            #expect(ConfirmationCode(parsing: booking.code)?.description == booking.code)

            let charges = processor.snapshot.charges.values
            #expect(charges.count == 1)
            #expect(charges.first?.amountCents == booking.totalCents)

            let fetched = try await buyer.client.getBooking(.with { $0.code = booking.code.lowercased() })
            #expect(fetched == booking)
            let listed = try await buyer.client.listBookings(.init())
            #expect(listed.bookings == [booking])
            #expect(listed.total == 1)

            let map = try await buyer.client.seatMap(.with { $0.showtimeID = show.id })
            #expect(map.sold == 3 && map.held == 0)
            #expect(map.screen.rows.flatMap(\.seats).filter { $0.state == .sold }.map(\.label) == ["B3", "B4", "B5"])
            await buyer.close()
        }
    }

    /// The hold → purchase → cancel state machine: each row starts from a state, takes one step, and
    /// names the status that step must get.
    @Test(arguments: StateCase.all)
    func holdPurchaseCancelStateMachine(_ row: StateCase) async throws {
        let clock = ManualClock()
        let processor = SimulatedPaymentProcessor()
        try await TestServer.withRunning(clock: clock, paymentGateway: processor) { server, _ in
            let buyer = try await Buyer.signUp(server, "row@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["D7", "D8"], of: show.id)
            var code = ""
            switch row.start {
            case .liveHold: break
            case .expiredHold: clock.advance(seconds: 301)
            case .releasedHold: _ = try await buyer.client.releaseHold(.with { $0.holdID = hold.holdID })
            case .declinedOnce:
                #expect(try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.declinedCard).status.code == .failedPrecondition)
            case .confirmed, .cancelled, .confirmedShowStarted:
                code = try #require(try await buyer.purchase(hold.holdID).booking).code
                if row.start == .cancelled { _ = try await buyer.client.cancelBooking(.with { $0.code = code }) }
                if row.start == .confirmedShowStarted {
                    clock.advance(seconds: TimeInterval(show.startsAtMs / 1000) - clock.now.timeIntervalSince1970 + 1)
                }
            }

            let answer: Boxoffice_V1_Response
            switch row.step {
            case .purchase: answer = try await buyer.purchase(hold.holdID)
            case .purchaseDeclined: answer = try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.declinedCard)
            case .purchaseProcessorDown: answer = try await buyer.purchase(hold.holdID, card: SimulatedPaymentProcessor.processorErrorCard)
            case .purchaseBadLuhn: answer = try await buyer.purchase(hold.holdID, card: "4242424242424241")
            case .release: answer = try await buyer.client.send(.releaseHold(.with { $0.holdID = hold.holdID }))
            case .cancel: answer = try await buyer.client.send(.cancelBooking(.with { $0.code = code }))
            case .get: answer = try await buyer.client.send(.getBooking(.with { $0.code = code }))
            }
            #expect(answer.status.code == row.expected, "\(row): \(answer.status)")

            // What the seat map must show after the step.
            let map = try await buyer.client.seatMap(.with { $0.showtimeID = show.id })
            let seats = map.screen.rows.flatMap(\.seats).filter { ["D7", "D8"].contains($0.label) }.map(\.state)
            #expect(seats == Array(repeating: row.seatsAfter, count: 2), "\(row)")
            switch (row.step, row.expected) {
            case (.purchaseProcessorDown, _): #expect(answer.status.retryAfterMs > 0)
            case (.cancel, .ok):
                #expect(answer.booking?.state == .cancelled)
                #expect(answer.booking?.refundedCents == answer.booking?.totalCents)
                #expect(processor.snapshot.refunded.values.reduce(0, +) == answer.booking?.totalCents)
            case (.purchaseDeclined, _), (.purchaseBadLuhn, _): #expect(processor.snapshot.charges.isEmpty)
            default: break
            }
            await buyer.close()
        }
    }

    struct StateCase: Sendable, CustomStringConvertible {
        enum Start: Sendable { case liveHold, expiredHold, releasedHold, declinedOnce, confirmed, cancelled, confirmedShowStarted }
        enum Step: Sendable { case purchase, purchaseDeclined, purchaseProcessorDown, purchaseBadLuhn, release, cancel, get }
        var start: Start
        var step: Step
        var expected: Boxoffice_V1_StatusCode
        var seatsAfter: Boxoffice_V1_SeatState
        var description: String { "\(start) → \(step)" }

        static let all: [StateCase] = [
            .init(start: .liveHold, step: .purchase, expected: .ok, seatsAfter: .sold),
            .init(start: .liveHold, step: .purchaseDeclined, expected: .failedPrecondition, seatsAfter: .held),
            .init(start: .liveHold, step: .purchaseProcessorDown, expected: .unavailable, seatsAfter: .held),
            .init(start: .liveHold, step: .purchaseBadLuhn, expected: .invalidArgument, seatsAfter: .held),
            .init(start: .liveHold, step: .release, expected: .ok, seatsAfter: .available),
            .init(start: .declinedOnce, step: .purchase, expected: .ok, seatsAfter: .sold),
            .init(start: .expiredHold, step: .purchase, expected: .failedPrecondition, seatsAfter: .available),
            .init(start: .releasedHold, step: .purchase, expected: .failedPrecondition, seatsAfter: .available),
            .init(start: .confirmed, step: .purchase, expected: .failedPrecondition, seatsAfter: .sold),
            .init(start: .confirmed, step: .release, expected: .failedPrecondition, seatsAfter: .sold),
            .init(start: .confirmed, step: .get, expected: .ok, seatsAfter: .sold),
            .init(start: .confirmed, step: .cancel, expected: .ok, seatsAfter: .available),
            .init(start: .cancelled, step: .cancel, expected: .failedPrecondition, seatsAfter: .available),
            .init(start: .cancelled, step: .get, expected: .ok, seatsAfter: .available),
            .init(start: .confirmedShowStarted, step: .cancel, expected: .failedPrecondition, seatsAfter: .sold),
        ]
    }

    @Test func aRetriedPurchaseGivesOneBookingAndOneCharge() async throws {
        let clock = ManualClock()
        let processor = SimulatedPaymentProcessor()
        // Tokens outlive the 24 hours the test moves the clock by.
        try await TestServer.withRunning(configure: { $0.tokenLifetime = .seconds(48 * 3600) },
                                         clock: clock, paymentGateway: processor) { server, _ in
            let buyer = try await Buyer.signUp(server, "retry@example.com")
            let show = try await buyer.showtime(daysAhead: 3)
            let hold = try await buyer.hold(["E1", "E2"], of: show.id)
            let first = try #require(try await buyer.purchase(hold.holdID, key: "order-1").booking)
            let again = try #require(try await buyer.purchase(hold.holdID, key: "order-1").booking)
            #expect(again == first)
            #expect(processor.snapshot.charges.count == 1)
            let listed = try await buyer.client.listBookings(.init())
            #expect(listed.bookings.map(\.code) == [first.code])

            // The same key with anything else changed is refused, and charges nothing.
            let otherCard = try await buyer.purchase(hold.holdID, cvc: "999", key: "order-1")
            #expect(otherCard.status.code == .invalidArgument)
            #expect(otherCard.status.message.contains("different purchase"))
            let otherTypes = try await buyer.purchase(hold.holdID, types: [.senior], key: "order-1")
            #expect(otherTypes.status.code == .invalidArgument)
            #expect(processor.snapshot.charges.count == 1)

            // Another user's identical key is another purchase entirely.
            let other = try await Buyer.signUp(server, "other@example.com")
            let otherHold = try await other.hold(["E5"], of: show.id)
            #expect(try await other.purchase(otherHold.holdID, key: "order-1").status.code == .ok)

            // Keys are kept 24 hours; after that the key is free for a new purchase.
            clock.advance(seconds: 24 * 3600 + 1)
            let nextHold = try await buyer.hold(["E8"], of: show.id)
            let reused = try await buyer.purchase(nextHold.holdID, key: "order-1")
            #expect(reused.status.code == .ok, "\(reused.status)")
            #expect(reused.booking?.code != first.code)
            await buyer.close()
            await other.close()
        }
    }

    @Test func aRetryWhileTheFirstAttemptRunsIsAborted() async throws {
        let gateway = PausingGateway()
        try await TestServer.withRunning(paymentGateway: gateway) { server, _ in
            let buyer = try await Buyer.signUp(server, "eager@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["F1", "F2"], of: show.id)
            async let first = buyer.purchase(hold.holdID, key: "double-click")
            await gateway.chargeArrived()
            let second = try await buyer.purchase(hold.holdID, key: "double-click")
            #expect(second.status.code == .aborted)
            #expect(second.status.message.contains("still in progress"))
            gateway.letChargesThrough()
            #expect(try await first.status.code == .ok)
            #expect(gateway.processor.snapshot.charges.count == 1)
            // Once the first has answered, the retry gets its booking.
            let third = try await buyer.purchase(hold.holdID, key: "double-click")
            #expect(third.booking?.code == (try await first.booking?.code))
            await buyer.close()
        }
    }

    @Test func nobodyButTheOwnerSeesBuysOrCancels() async throws {
        try await TestServer.withRunning { server, _ in
            let alice = try await Buyer.signUp(server, "alice@example.com")
            let bob = try await Buyer.signUp(server, "bob@example.com")
            let show = try await alice.showtime()
            let hold = try await alice.hold(["G1", "G2"], of: show.id)

            let stolen = try await bob.purchase(hold.holdID)
            #expect(stolen.status.code == .notFound)
            let booking = try #require(try await alice.purchase(hold.holdID).booking)

            let unknown = try #require(ConfirmationCode(parsing: "00000000" + "0"))  // a well-formed code nobody has
            for code in [booking.code, unknown.description] {
                let peek = try await bob.client.send(.getBooking(.with { $0.code = code }))
                let cancel = try await bob.client.send(.cancelBooking(.with { $0.code = code }))
                #expect(peek.status.code == .notFound && cancel.status.code == .notFound)
                // Someone else's code and a code that does not exist get the same answer.
                #expect(peek.status.message == "you have no booking \(code)")
            }
            #expect(try await bob.client.listBookings(.init()).bookings.isEmpty)
            #expect(try await alice.client.getBooking(.with { $0.code = booking.code }).state == .confirmed)

            let anonymous = try await server.connect()
            let calls: [Boxoffice_V1_Request.OneOf_Call] = [
                .purchase(Buyer.purchaseRequest(hold.holdID)), .getBooking(.with { $0.code = booking.code }),
                .listBookings(.init()), .cancelBooking(.with { $0.code = booking.code }),
            ]
            for call in calls {
                #expect(try await anonymous.send(call).status.code == .unauthenticated)
            }
            let malformed = try await alice.client.send(.getBooking(.with { $0.code = "NOT-A-CODE" }))
            #expect(malformed.status.code == .invalidArgument)
            await alice.close()
            await bob.close()
            await anonymous.close()
        }
    }

    @Test func badCardsAreRefusedBeforeAnyCharge() async throws {
        let processor = SimulatedPaymentProcessor()
        try await TestServer.withRunning(paymentGateway: processor) { server, _ in
            let buyer = try await Buyer.signUp(server, "cards@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["H1"], of: show.id)
            func attempt(_ edit: (inout Boxoffice_V1_PurchaseRequest) -> Void) async throws -> Boxoffice_V1_Status {
                var request = Buyer.purchaseRequest(hold.holdID)
                edit(&request)
                return try await buyer.client.send(.purchase(request)).status
            }
            let refusals: [(String, (inout Boxoffice_V1_PurchaseRequest) -> Void)] = [
                ("card.number is required", { $0.card.number = "" }),
                ("12 to 19 digits", { $0.card.number = "4242abcd42424242" }),
                ("check digit", { $0.card.number = "4242424242424243" }),
                ("exp_month", { $0.card.expMonth = 13 }),
                ("expired", { $0.card.expYear = 25; $0.card.expMonth = 6 }),
                ("cvc must be 3 digits", { $0.card.cvc = "12" }),
                ("cvc must be 4 digits", { $0.card.number = "378282246310005"; $0.card.cvc = "123" }),
                ("ZIP", { $0.card.zip = "SW1A" }),
                ("2 ticket types were given but hold", { $0.ticketTypes = [.adult, .child] }),
                ("hold_id is required", { $0.holdID = "" }),
            ]
            for (reason, edit) in refusals {
                let status = try await attempt(edit)
                #expect(status.code == .invalidArgument, "\(reason): \(status)")
                #expect(status.message.contains(reason), "\(status.message)")
                #expect(!status.message.contains("4242424242"), "the message repeats the card number")
            }
            #expect(processor.snapshot.charges.isEmpty)
            // An American Express card with its four-digit CVC is fine.
            let amex = try await attempt { $0.card.number = "3782 8224 6310 005"; $0.card.cvc = "1234" }
            #expect(amex.code == .ok, "\(amex)")
            await buyer.close()
        }
    }
}
