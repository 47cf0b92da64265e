import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeStore
import Logging
import ServiceLifecycle

/// A job the server does in rounds beside serving calls: a ServiceLifecycle `Service` that does a
/// round at every tick of its schedule and stops on graceful shutdown. A round that fails is logged
/// and the next round tries again: housekeeping never takes the server down.
struct HousekeepingService: Service {
    /// For logs: "hold-reaper", "key-expiry", "refund-retrier", "payment-sweeper", "revocation-sync".
    let name: String
    let ticks: HousekeepingTicks
    let logger: Logger
    let round: @Sendable () async throws -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ticks.forEachRound { await runRound() }
        }
    }

    private func runRound() async {
        do {
            try await round()
        } catch is CancellationError {
            return
        } catch {
            logger.warning("housekeeping round failed", metadata: ["boxoffice.service": "\(name)", "error": "\(error)"])
        }
    }
}

extension HousekeepingService {
    /// Ends holds past their expiry in the store. Until it runs an expired hold already blocks
    /// nothing (the allocator compares instants); the reaper tidies memory and the store, tells the
    /// bot guard whose holds were abandoned, and keeps the live-holds gauge current.
    static func holdReaper(allocator: SeatAllocator, callGuard: CallGuard, metrics: ServerMetrics,
                           ticks: HousekeepingTicks, logger: Logger) -> HousekeepingService {
        HousekeepingService(name: "hold-reaper", ticks: ticks, logger: logger) {
            let expired = try await allocator.reapExpired()
            if !expired.isEmpty {
                metrics.holdsExpired(expired.count)
                callGuard.holdsExpired(userIDs: expired.map(\.hold.userID))
            }
            metrics.holdsChanged(live: await allocator.heldCount)
        }
    }

    /// Forgets purchases' idempotency keys once they are past the time a retry may reuse them.
    static func keyExpiry(bookings: any BookingReading, clock: any TimeSource, ticks: HousekeepingTicks,
                          logger: Logger) -> HousekeepingService {
        HousekeepingService(name: "key-expiry", ticks: ticks, logger: logger) {
            let forgotten = try await bookings.forgetIdempotencyKeys(before: clock.nowMilliseconds - PurchaseService.keyLifetimeMilliseconds)
            if forgotten > 0 { logger.debug("forgot idempotency keys", metadata: ["boxoffice.keys": "\(forgotten)"]) }
        }
    }

    /// Tries again, oldest first, every refund the processor did not take when a booking failed
    /// after its charge, at most 100 a round, until each goes through.
    static func refundRetrier(refunds: any RefundLedger, gateway: any PaymentGateway, metrics: ServerMetrics,
                              ticks: HousekeepingTicks, logger: Logger) -> HousekeepingService {
        HousekeepingService(name: "refund-retrier", ticks: ticks, logger: logger) {
            let owed = try await refunds.owedRefunds(limit: 100)
            var left = owed.count
            for refund in owed {
                do {
                    _ = try await gateway.refund(chargeReference: refund.chargeReference, amountCents: refund.amountCents)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.warning("owed refund failed again", metadata: ["boxoffice.charge": "\(refund.chargeReference)", "error": "\(error)"])
                    continue
                }
                try await refunds.settleRefund(chargeReference: refund.chargeReference)
                metrics.refundRetried()
                left -= 1
                logger.notice("owed refund went through", metadata: [
                    "boxoffice.charge": "\(refund.chargeReference)", "boxoffice.amount_cents": "\(refund.amountCents)",
                ])
            }
            metrics.refundsOwed(left)
        }
    }

    /// Reads the sign-outs of the other servers on the same database, so a token signed out on
    /// one is refused by all within a round.
    static func revocationSync(accounts: AccountService, ticks: HousekeepingTicks, logger: Logger) -> HousekeepingService {
        HousekeepingService(name: "revocation-sync", ticks: ticks, logger: logger) {
            try await accounts.refreshRevokedTokens()
        }
    }

    /// Settles the payment intents that purchases left behind (a crash, a lost database, a
    /// processor gone quiet): at start and every minute, each is booked or refunded.
    static func paymentSweeper(settlement: PaymentSettlement, ticks: HousekeepingTicks, logger: Logger) -> HousekeepingService {
        HousekeepingService(name: "payment-sweeper", ticks: ticks, logger: logger) {
            _ = try await settlement.sweep()
        }
    }
}
