import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeServer
@testable import BoxOfficeStore
import BoxOfficeTesting
import GRDB
import Testing

/// The hold reaper and the key expiry as services of a real server, their rounds driven by hand
/// and time moved by hand: no test waits for a timer.
@Suite("Housekeeping services", .timeLimit(.minutes(2)))
struct HousekeepingTests {
    let reaper = ManualTicks()
    let keys = ManualTicks()
    let refunds = ManualTicks()
    var schedule: HousekeepingSchedule {
        HousekeepingSchedule(holdReaper: .manual(reaper), keyExpiry: .manual(keys), refundRetry: .manual(refunds))
    }

    @Test func theReaperEndsExpiredHoldsInTheStoreOnItsRound() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(clock: clock, schedule: schedule) { server, _ in
            let buyer = try await Buyer.signUp(server, "reaped@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["E7", "E8"], of: show.id)
            await reaper.runRound()
            #expect(try holdState(hold.holdID, in: server.store) == .live, "not expired yet")

            clock.advance(seconds: 301)
            #expect(try holdState(hold.holdID, in: server.store) == .live, "expired, but the reaper has not come round")
            await reaper.runRound()
            #expect(try holdState(hold.holdID, in: server.store) == .expired)
            #expect(try await server.store.dbPool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM seat_claims WHERE hold_id = ?", arguments: [hold.holdID]) } == 0)
            await buyer.close()
        }
    }

    @Test func keyExpiryForgetsKeysPastTheirDayOnItsRound() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(clock: clock, schedule: schedule) { server, _ in
            let buyer = try await Buyer.signUp(server, "keys@example.com")
            let show = try await buyer.showtime(daysAhead: 3)
            let hold = try await buyer.hold(["F7"], of: show.id)
            #expect(try await buyer.purchase(hold.holdID, key: "retry-me").status.code == .ok)
            let keyCount = { @Sendable () throws -> Int? in try server.store.dbPool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM idempotency_keys") } }
            await keys.runRound()
            #expect(try keyCount() == 1)
            clock.advance(seconds: 24 * 3600 + 1)
            await keys.runRound()
            #expect(try keyCount() == 0)
            await buyer.close()
        }
    }

    @Test func aRefundTheProcessorRefusesIsKeptAndRetriedUntilItGoesThrough() async throws {
        let clock = ManualClock()
        let gateway = PausingGateway()
        gateway.refundsFail.withLock { $0 = true }
        try await TestServer.withRunning(clock: clock, paymentGateway: gateway, schedule: schedule) { server, _ in
            let buyer = try await Buyer.signUp(server, "owed@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["G7", "G8"], of: show.id)
            // The hold expires while the card is being charged: the booking cannot be written.
            async let answer = buyer.purchase(hold.holdID)
            await gateway.chargeArrived()
            clock.advance(seconds: 301)
            gateway.letChargesThrough()
            #expect(try await answer.status.code == .failedPrecondition)
            let charge = try #require(gateway.processor.snapshot.charges.first)
            // The refund failed: the charge is owed, not forgotten.
            let owed = try server.store.owedRefunds(limit: 10)
            #expect(owed.map(\.chargeReference) == [charge.key])
            #expect(owed.first?.amountCents == charge.value.amountCents)
            await refunds.runRound()
            #expect(try server.store.owedRefunds(limit: 10).count == 1, "still refused")

            gateway.refundsFail.withLock { $0 = false }
            await refunds.runRound()
            #expect(try server.store.owedRefunds(limit: 10).isEmpty)
            #expect(gateway.processor.snapshot.refunded[charge.key] == charge.value.amountCents)
            await buyer.close()
        }
    }

    private func holdState(_ id: String, in store: CatalogueStore) throws -> HoldState? {
        try store.dbPool.read { try String.fetchOne($0, sql: "SELECT state FROM holds WHERE id = ?", arguments: [id]) }
            .flatMap(HoldState.init(rawValue:))
    }
}
