import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeStore
import Logging

/// How a payment intent ended.
enum PaymentOutcome: String, CaseIterable, Sendable {
    /// Its charge became the booking.
    case booked
    /// Its charge was refunded (or is owed, kept for the refund retrier).
    case refunded
    /// No charge was made: nothing to give back.
    case dropped
}

/// Settles payment intents, so that no card stays charged without a booking.
///
/// A purchase writes its intent before charging and settles it itself: the booking's transaction
/// deletes it, or a refusal turns it into an owed refund. Whatever a crash, a lost database or a
/// processor gone quiet leaves behind, the sweeper settles once the intent's `settleAfter` has
/// passed: it asks the processor whether the charge happened, and books the hold (still live) or
/// refunds the charge. Both sides settle only by deleting the intent's row, so exactly one of them
/// does, whichever is first, and the other finds it gone.
struct PaymentSettlement: Sendable {
    let desk: BookingDesk
    /// How long a purchase may stay between writing its intent and settling it before a sweeper
    /// may settle it instead: longer than any processor answer or booking transaction takes.
    let settleAfter: Duration

    /// Settles the intents whose time has come, oldest first, at most 100 a round; returns how many
    /// of those it could not settle yet (the processor or the database not answering).
    func sweep() async throws -> Int {
        let due = try await desk.intents.intents(settleableAt: desk.clock.nowMilliseconds, limit: 100)
        var unsettled = 0
        // In a cluster each intent is settled by the node that owns its showtime, as its purchase would be.
        for intent in due where desk.allocator.decides(intent.booking.showtimeID) {
            do {
                if let outcome = try await settle(intent) {
                    desk.metrics.intentSettled(outcome)
                    desk.logger.notice("payment intent settled by the sweeper", metadata: [
                        "boxoffice.intent": "\(intent.id)", "boxoffice.outcome": "\(outcome.rawValue)",
                        "boxoffice.booking": "\(intent.booking.code)", "boxoffice.user": "\(intent.userID)",
                    ])
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                unsettled += 1
                desk.logger.warning("payment intent not settled yet: tried again next round", metadata: [
                    "boxoffice.intent": "\(intent.id)", "error": "\(error)",
                ])
            }
        }
        desk.metrics.intentsUnsettled(unsettled)
        return unsettled
    }

    /// One intent a sweeper found: nil when someone else settled it meanwhile.
    func settle(_ intent: PaymentIntent) async throws -> PaymentOutcome? {
        guard let charge = try await desk.gateway.charge(madeWithKey: intent.id) else {
            return try await desk.intents.dropIntent(id: intent.id) ? .dropped : nil
        }
        do {
            try await book(intent, charge: charge)
            desk.metrics.bookingConfirmed()
            return .booked
        } catch is PaymentIntentSettled {
            return nil
        } catch let error as BoxOfficeError where error.code == .unavailable {
            throw error
        } catch {
            let settled = try await refund(intent, charge: charge, because: "the booking of hold \(intent.holdID) was refused: \(error)")
            return settled ? .refunded : nil
        }
    }

    /// Writes the intent's booking with its charge, settling the intent in the same transaction.
    func book(_ intent: PaymentIntent, charge: PaymentCharge) async throws {
        _ = try await desk.allocator.confirmPurchase(holdID: intent.holdID, userID: intent.userID,
                                                     booking: Self.booking(intent, charge: charge), key: intent.key, intentID: intent.id)
    }

    /// The intent's booking as it is written once charged.
    static func booking(_ intent: PaymentIntent, charge: PaymentCharge) -> BookingRecord {
        var booking = intent.booking
        booking.processorReference = charge.reference
        booking.cardBrand = charge.cardBrand
        booking.cardLastFour = charge.cardLastFour
        return booking
    }

    /// Turns the intent into a refund owed for its charge (one transaction), then asks the
    /// processor for it. A refund the processor does not take stays owed for the refund retrier:
    /// never dropped. False when the intent was already settled (then nothing is refunded here).
    func refund(_ intent: PaymentIntent, charge: PaymentCharge, because reason: String) async throws -> Bool {
        let owed = OwedRefund(chargeReference: charge.reference, amountCents: charge.amountCents, userID: intent.userID,
                              reason: reason, owedSince: desk.clock.nowMilliseconds)
        guard try await desk.intents.refundIntent(id: intent.id, owing: owed) else { return false }
        await refundNow(owed)
        return true
    }

    /// Owes the refund of a charge no intent stands for any more, then asks the processor for it.
    func refundOwed(_ charge: PaymentCharge, userID: Int64, because reason: String) async throws {
        let owed = OwedRefund(chargeReference: charge.reference, amountCents: charge.amountCents, userID: userID,
                              reason: reason, owedSince: desk.clock.nowMilliseconds)
        try await desk.refunds.oweRefund(owed)
        await refundNow(owed)
    }

    /// Asks the processor for a refund already recorded as owed, and clears the record once it
    /// goes through; one it does not take stays owed for the refund retrier.
    private func refundNow(_ owed: OwedRefund) async {
        do {
            _ = try await desk.gateway.refund(chargeReference: owed.chargeReference, amountCents: owed.amountCents)
        } catch {
            desk.metrics.refundFailed()
            desk.logger.error("refund failed: kept for retry", metadata: [
                "boxoffice.charge": "\(owed.chargeReference)", "boxoffice.amount_cents": "\(owed.amountCents)",
                "boxoffice.user": "\(owed.userID)", "error": "\(error)",
            ])
            return
        }
        do {
            try await desk.refunds.settleRefund(chargeReference: owed.chargeReference)
        } catch {
            // Refunding twice refunds once: the retrier's next round only tidies the record.
            desk.logger.warning("refund done but still listed as owed", metadata: [
                "boxoffice.charge": "\(owed.chargeReference)", "error": "\(error)",
            ])
        }
    }
}
