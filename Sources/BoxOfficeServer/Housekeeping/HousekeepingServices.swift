import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeStore
import Logging
import ServiceLifecycle

/// Ends holds past their expiry in the store, once a round. Until it runs an expired hold already
/// blocks nothing (the allocator compares instants); the reaper tidies memory and the store, tells
/// the bot guard whose holds were abandoned, and keeps the live-holds gauge current.
struct HoldReaper: Service {
    let allocator: SeatAllocator
    let callGuard: CallGuard
    let metrics: ServerMetrics
    let ticks: HousekeepingTicks
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ticks.forEachRound { await round() }
        }
    }

    /// One round; a failure is logged and the next round tries again.
    func round() async {
        do {
            let expired = try await allocator.reapExpired()
            if !expired.isEmpty {
                metrics.holdsExpired(expired.count)
                callGuard.holdsExpired(userIDs: expired.map(\.hold.userID))
            }
            metrics.holdsChanged(live: await allocator.heldCount)
        } catch is CancellationError {
            return
        } catch {
            logger.warning("reaping expired holds failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Forgets purchases' idempotency keys once they are past the time a retry may reuse them.
struct IdempotencyKeyExpiry: Service {
    let bookings: any BookingReading
    let clock: any TimeSource
    let ticks: HousekeepingTicks
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ticks.forEachRound { await round() }
        }
    }

    /// One round; a failure is logged and the next round tries again.
    func round() async {
        do {
            let forgotten = try await bookings.forgetIdempotencyKeys(before: clock.nowMilliseconds - PurchaseService.keyLifetimeMilliseconds)
            if forgotten > 0 { logger.debug("forgot idempotency keys", metadata: ["boxoffice.keys": "\(forgotten)"]) }
        } catch is CancellationError {
            return
        } catch {
            logger.warning("forgetting old idempotency keys failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Tries again, oldest first, every refund the processor did not take when a booking failed after
/// its charge, until each goes through.
struct RefundRetrier: Service {
    let refunds: any RefundLedger
    let gateway: any PaymentGateway
    let metrics: ServerMetrics
    let ticks: HousekeepingTicks
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ticks.forEachRound { await round() }
        }
    }

    /// One round over at most 100 owed refunds; each failure is logged and left for the next round.
    func round() async {
        do {
            let owed = try await refunds.owedRefunds(limit: 100)
            var left = owed.count
            for refund in owed {
                do {
                    _ = try await gateway.refund(chargeReference: refund.chargeReference, amountCents: refund.amountCents)
                    try await refunds.settleRefund(chargeReference: refund.chargeReference)
                    metrics.refundRetried()
                    left -= 1
                    logger.notice("owed refund went through", metadata: [
                        "boxoffice.charge": "\(refund.chargeReference)", "boxoffice.amount_cents": "\(refund.amountCents)",
                    ])
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("owed refund failed again", metadata: [
                        "boxoffice.charge": "\(refund.chargeReference)", "error": "\(error)",
                    ])
                }
            }
            metrics.refundsOwed(left)
        } catch is CancellationError {
            return
        } catch {
            logger.warning("reading owed refunds failed", metadata: ["error": "\(error)"])
        }
    }
}
