import BoxOfficeCore
import BoxOfficePostgres
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import Testing

/// The seat ledger and the payment intents, the same tests on a real SQLite file and on a real
/// PostgreSQL database: both stores must keep the same promises, whatever any allocator believes.
@Suite("Seat ledger and payment intents on both stores", .timeLimit(.minutes(3)))
struct LedgerOnBothStoresTests {
    private func refusal(_ body: () async throws -> Void) async -> (any Error)? {
        do {
            try await body()
            return nil
        } catch let failure as SeatLedgerFailure {
            return failure.cause
        } catch {
            return error
        }
    }

    private func booking(_ code: String, userID: Int64, showtimeID: Int64, seats: [Int]) -> BookingRecord {
        BookingRecord(
            code: code, userID: userID, showtimeID: showtimeID, subtotalCents: 1_000 * Int64(seats.count), feesCents: 0, taxCents: 0,
            totalCents: 1_000 * Int64(seats.count), cardBrand: "Visa", cardLastFour: "4242", processorReference: "sim_ch_1", createdAt: 100,
            tickets: seats.map { .init(seatIndex: $0, seatLabel: "A\($0 + 1)", type: .adult, priceCents: 1_000) })
    }

    @Test(arguments: TestStore.available) func aSeatIsClaimedOnceWhateverTheAllocatorsBelieve(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let user = try await store.createUser(email: "claims@example.com", name: "C", passwordHash: "h", createdAtMilliseconds: 1)
            try await store.apply([[.hold(id: "hold-a", userID: user, showtimeID: 1, seats: [7, 3], expiresAt: 1_000, now: 0)]])
            // A second process that believes seat 3 is free is refused, alone, while hold-a lives.
            let refused = await refusal {
                try await store.apply([[.hold(id: "hold-b", userID: user, showtimeID: 1, seats: [3, 4], expiresAt: 1_500, now: 999)]])
            }
            #expect((refused as? BoxOfficeError)?.code == .alreadyExists, "\(String(describing: refused))")
            let seats = try #require(try await store.seats(ofShowtimes: [1])[1])
            #expect(seats.holds.map(\.id) == ["hold-a"])
            #expect(seats.holds.first?.order == [7, 3], "the hold keeps the order its seats were asked in")
            #expect(try await store.hold(id: "hold-b") == nil, "the refused hold's row was rolled back with it")
            #expect(try await store.showtimesWithLiveHolds(userID: user, now: 999) == [1])
            #expect(try await store.showtimesWithExpiredHolds(now: 1_000, limit: 10) == [1])
            // Ending it frees the seats for the next hold.
            try await store.apply([[.endHolds(["hold-a"], .expired)]])
            try await store.apply([[.hold(id: "hold-c", userID: user, showtimeID: 1, seats: [3], expiresAt: 2_000, now: 1_001)]])
            #expect(try await store.hold(id: "hold-a")?.state == .expired)
            #expect(try await store.hold(id: "hold-c")?.state == .live)
        }
    }

    @Test(arguments: TestStore.available) func anExpiredClaimIsTakenOverByTheHoldThatAsksForItNoReaperNeeded(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let user = try await store.createUser(email: "takeover@example.com", name: "T", passwordHash: "h", createdAtMilliseconds: 1)
            try await store.apply([[.hold(id: "old", userID: user, showtimeID: 2, seats: [7, 3], expiresAt: 1_000, now: 0)]])
            // Nobody ended "old": at its expiry another hold takes seat 3 in the statement that makes it.
            try await store.apply([[.hold(id: "new", userID: user, showtimeID: 2, seats: [3, 4], expiresAt: 2_000, now: 1_000)]])
            let seats = try #require(try await store.seats(ofShowtimes: [2])[2])
            #expect(Set(seats.holds.first { $0.id == "new" }?.seatIndices ?? []) == [3, 4])
            #expect(seats.holds.first { $0.id == "old" }?.seatIndices == [7], "the old hold keeps only the seat nobody took")

            // A process whose clock lags still cannot sell the old hold: one of its seats is gone.
            let lost = await refusal {
                try await store.apply([[.purchase(holdID: "old", seatCount: 2, booking: booking("OLD000001", userID: user, showtimeID: 2, seats: [3, 7]),
                                                  key: nil, intentID: nil, now: 999)]])
            }
            #expect((lost as? BoxOfficeError)?.code == .failedPrecondition, "\(String(describing: lost))")
            #expect(try await store.booking(code: "OLD000001", userID: user) == nil)

            // The live hold sells; a booking's seat is never taken over, however late.
            try await store.apply([[.purchase(holdID: "new", seatCount: 2, booking: booking("NEW000001", userID: user, showtimeID: 2, seats: [3, 4]),
                                              key: nil, intentID: nil, now: 1_500)]])
            let late = await refusal {
                try await store.apply([[.hold(id: "late", userID: user, showtimeID: 2, seats: [4], expiresAt: 99_000, now: 90_000)]])
            }
            #expect((late as? BoxOfficeError)?.code == .alreadyExists)
            // And a purchase of a hold past its expiry moves nothing.
            try await store.apply([[.hold(id: "slow", userID: user, showtimeID: 2, seats: [9], expiresAt: 3_000, now: 2_000)]])
            let expired = await refusal {
                try await store.apply([[.purchase(holdID: "slow", seatCount: 1, booking: booking("SLOW00001", userID: user, showtimeID: 2, seats: [9]),
                                                  key: nil, intentID: nil, now: 3_000)]])
            }
            #expect((expired as? BoxOfficeError)?.code == .failedPrecondition)
        }
    }

    @Test(arguments: TestStore.available) func aPurchaseSettlesItsIntentMovesTheClaimsAndACancellationFreesThem(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let user = try await store.createUser(email: "buyer@example.com", name: "B", passwordHash: "h", createdAtMilliseconds: 1)
            try await store.apply([[.hold(id: "h1", userID: user, showtimeID: 2, seats: [10, 11], expiresAt: 5_000, now: 0)]])
            var record = booking("7XK3M9QG0", userID: user, showtimeID: 2, seats: [10, 11])
            record.tickets[1].type = .child
            let key = IdempotencyUse(key: "k1", userID: user, requestDigest: "d", usedAt: 100)
            let intent = PaymentIntent(id: "pi_1", userID: user, holdID: "h1", booking: record, key: key, createdAt: 100, settleAfter: 60_100)
            try await store.recordIntent(intent)
            try await store.apply([[.purchase(holdID: "h1", seatCount: 2, booking: record, key: key, intentID: "pi_1", now: 200)]])
            #expect(try await store.booking(code: record.code, userID: user) == record)
            #expect(try await store.booking(code: record.code, userID: user + 1) == nil)
            #expect(try await store.idempotencyRecord(key: "k1", userID: user, since: 0)?.bookingCode == record.code)
            #expect(try await store.seats(ofShowtimes: [2])[2]?.bookings == [record.code: [10, 11]])
            #expect(try await store.bookingOwner(code: record.code)?.userID == user)
            #expect(try await store.intents(settleableAt: .max, limit: 10).isEmpty, "the booking's transaction settled the intent")
            // Buying the same hold again is refused: it is no longer live, and its intent is settled.
            let again = await refusal {
                try await store.apply([[.purchase(holdID: "h1", seatCount: 2, booking: record, key: nil, intentID: "pi_1", now: 300)]])
            }
            #expect(again is PaymentIntentSettled, "\(String(describing: again))")
            let withoutIntent = await refusal {
                try await store.apply([[.purchase(holdID: "h1", seatCount: 2, booking: record, key: nil, intentID: nil, now: 300)]])
            }
            #expect(withoutIntent != nil)
            try await store.apply([[.cancel(bookingCode: record.code, at: 400, refundedCents: 2_000)]])
            let cancelled = try #require(try await store.booking(code: record.code, userID: user))
            #expect(cancelled.state == .cancelled && cancelled.cancelledAt == 400 && cancelled.refundedCents == 2_000)
            #expect(try await store.seats(ofShowtimes: [2])[2]?.bookings.isEmpty == true)
            #expect(try await store.forgetIdempotencyKeys(before: 101) == 1)
        }
    }

    @Test(arguments: TestStore.available) func anIntentIsSettledOnceAndItsKeyIsHeldUntilThen(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let user = try await store.createUser(email: "intents@example.com", name: "I", passwordHash: "h", createdAtMilliseconds: 1)
            try await store.apply([[.hold(id: "h1", userID: user, showtimeID: 3, seats: [1, 2], expiresAt: 900_000, now: 0)]])
            var record = booking("PAY000001", userID: user, showtimeID: 3, seats: [1, 2])
            // Not charged yet: no processor reference; made when the intent was.
            record.processorReference = ""
            record.createdAt = 1_000
            let key = IdempotencyUse(key: "retry-me", userID: user, requestDigest: "digest", usedAt: 1_000)
            let first = PaymentIntent(id: "pi_a", userID: user, holdID: "h1", booking: record, key: key, createdAt: 1_000, settleAfter: 61_000)
            try await store.recordIntent(first)
            // The same key cannot start a second purchase while the first is unsettled.
            var second = first
            second.id = "pi_b"
            second.booking.code = "PAY000002"
            await #expect(throws: BoxOfficeError.self) { try await store.recordIntent(second) }
            do {
                try await store.recordIntent(second)
            } catch let error as BoxOfficeError {
                #expect(error.code == .aborted && error.retryAfterMilliseconds > 0, "\(error)")
            }
            var keyless = second
            keyless.key = nil
            keyless.settleAfter = 2_000
            try await store.recordIntent(keyless)

            #expect(try await store.intents(settleableAt: 60_999, limit: 10).map(\.id) == ["pi_b"], "only intents whose time has come")
            let due = try await store.intents(settleableAt: 61_000, limit: 10)
            #expect(due.map(\.id) == ["pi_b", "pi_a"], "oldest settle time first")
            #expect(due.last == first, "an intent reads back as written: booking, tickets, key")

            let refund = OwedRefund(chargeReference: "sim_ch_7", amountCents: 2_000, userID: user, reason: "hold expired", owedSince: 62_000)
            #expect(try await store.refundIntent(id: "pi_a", owing: refund))
            #expect(try await store.refundIntent(id: "pi_a", owing: refund) == false, "settled once: the second settler finds it gone")
            #expect(try await store.owedRefunds(limit: 10) == [refund])
            #expect(try await store.dropIntent(id: "pi_b"))
            #expect(try await store.dropIntent(id: "pi_b") == false)
            #expect(try await store.intents(settleableAt: .max, limit: 10).isEmpty)
            // Settled, the key may start a purchase again.
            try await store.recordIntent(second)
        }
    }

    /// Applies `requests` as the allocator does: when the store refuses one, the batch is written
    /// again without it. Returns the refusals by request index.
    private func applyAsTheAllocatorDoes(_ requests: [[SeatChange]], on store: any TicketStore) async throws -> [Int: any Error] {
        var remaining = Array(requests.indices)
        var refused: [Int: any Error] = [:]
        while true {
            do {
                try await store.apply(remaining.map { requests[$0] })
                return refused
            } catch let failure as SeatLedgerFailure {
                refused[remaining.remove(at: failure.request)] = failure.cause
            }
        }
    }

    /// One batch of every kind of change, with requests that conflict with the store and with each
    /// other: each of those fails alone, with its own reason, and every other request commits.
    /// (On PostgreSQL the batch is a dozen array statements, not one statement per change.)
    @Test(arguments: TestStore.available) func aMixedBatchCommitsAllButItsConflictingRequests(_ kind: TestStore) async throws {
        try await kind.withStore { store in
            let user = try await store.createUser(email: "batch@example.com", name: "M", passwordHash: "h", createdAtMilliseconds: 1)
            try await store.apply([[.hold(id: "a", userID: user, showtimeID: 4, seats: [1, 2], expiresAt: 50_000, now: 0)],
                                   [.hold(id: "p", userID: user, showtimeID: 4, seats: [5, 6], expiresAt: 50_000, now: 0)],
                                   [.hold(id: "q", userID: user, showtimeID: 4, seats: [8], expiresAt: 50_000, now: 0)]])
            let q = booking("QQQ000001", userID: user, showtimeID: 4, seats: [8])
            try await store.apply([[.purchase(holdID: "q", seatCount: 1, booking: q, key: nil, intentID: nil, now: 10)]])
            let p = booking("PPP000001", userID: user, showtimeID: 4, seats: [5, 6])
            let pKey = IdempotencyUse(key: "buy-p", userID: user, requestDigest: "dp", usedAt: 100)
            let intent = PaymentIntent(id: "pi_x", userID: user, holdID: "a", booking: booking("XXX000001", userID: user, showtimeID: 4, seats: [1, 2]),
                                       key: IdempotencyUse(key: "buy-a", userID: user, requestDigest: "da", usedAt: 100), createdAt: 100,
                                       settleAfter: 60_100)
            var twin = intent
            twin.id = "pi_y"
            twin.booking.code = "YYY000001"

            let refused = try await applyAsTheAllocatorDoes([
                [.endHolds(["a"], .released)],                                                                  // 0
                [.hold(id: "b", userID: user, showtimeID: 4, seats: [3, 4], expiresAt: 60_000, now: 100)],      // 1
                [.hold(id: "d", userID: user, showtimeID: 4, seats: [4, 10], expiresAt: 60_000, now: 100)],     // 2: seat 4 is b's
                [.purchase(holdID: "p", seatCount: 2, booking: p, key: pKey, intentID: nil, now: 100)],         // 3
                [.hold(id: "e", userID: user, showtimeID: 4, seats: [5], expiresAt: 60_000, now: 100)],         // 4: seat 5 is p's
                [.cancel(bookingCode: q.code, at: 100, refundedCents: 1_000)],                                  // 5
                [.hold(id: "f", userID: user, showtimeID: 4, seats: [8], expiresAt: 60_000, now: 100)],         // 6: freed by 5
                [.recordIntent(intent)],                                                                        // 7
                [.recordIntent(twin)],                                                                          // 8: same key as 7
                [.purchase(holdID: "gone", seatCount: 1, booking: booking("GGG000001", userID: user, showtimeID: 4, seats: [9]),
                           key: nil, intentID: nil, now: 100)],                                                 // 9: no such hold
            ], on: store)

            #expect(Set(refused.keys) == [2, 4, 8, 9], "\(refused)")
            #expect((refused[2] as? BoxOfficeError)?.code == .alreadyExists, "\(String(describing: refused[2]))")
            #expect((refused[4] as? BoxOfficeError)?.code == .alreadyExists, "\(String(describing: refused[4]))")
            #expect((refused[8] as? BoxOfficeError)?.code == .aborted, "\(String(describing: refused[8]))")
            #expect(try await store.hold(id: "a")?.state == .released)
            #expect(try await store.hold(id: "d") == nil, "a refused hold leaves no row")
            #expect(try await store.hold(id: "e") == nil)
            #expect(try await store.hold(id: "p")?.state == .purchased)
            #expect(try await store.booking(code: p.code, userID: user) == p)
            #expect(try await store.idempotencyRecord(key: "buy-p", userID: user, since: 0)?.bookingCode == p.code)
            #expect(try await store.booking(code: q.code, userID: user)?.state == .cancelled)
            #expect(try await store.intent(userID: user, key: "buy-a")?.id == "pi_x")
            let seats = try #require(try await store.seats(ofShowtimes: [4])[4])
            #expect(Dictionary(uniqueKeysWithValues: seats.holds.map { ($0.id, Set($0.seatIndices)) }) == ["b": [3, 4], "f": [8]])
            #expect(seats.bookings == [p.code: [5, 6]])
        }
    }
}
