import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeServer
import BoxOfficeStore
import BoxOfficeTesting
import Foundation
import Testing

/// `ListHolds`, `QuoteHold`, ticket types by seat, and what a booking's receipt carries, over loopback.
@Suite("My holds, quotes and receipts over loopback", .timeLimit(.minutes(2)))
struct HoldListAndQuoteTests {
    /// A showtime whose screen has premium seats, and a premium and a standard seat of it.
    private func premiumShowtime(_ buyer: Buyer) async throws -> (show: Boxoffice_V1_Showtime, premium: String, standard: String) {
        let shows = try await buyer.client.searchShowtimes(.with {
            $0.near = .with { $0.zip = "60601" }
            $0.date = TestCatalogue.startDate.adding(days: 1).description
            $0.pageSize = 100
        })
        for show in shows.showtimes {
            let map = try await buyer.client.seatMap(.with { $0.showtimeID = show.id })
            let seats = map.screen.rows.flatMap(\.seats)
            if let premium = seats.first(where: { $0.kind == .premium }), let standard = seats.first(where: { $0.kind == .standard }) {
                return (show, premium.label, standard.label)
            }
        }
        throw BoxOfficeError.notFound("no screen with premium seats near 60601")
    }

    @Test func holdsAnswerSeatsInTheOrderAskedAndListHoldsShowsThemUntilTheyEnd() async throws {
        let clock = ManualClock(TestCatalogue.now)
        try await TestServer.withRunning(clock: clock) { server, _ in
            let buyer = try await Buyer.signUp(server, "lister@example.com")
            let other = try await Buyer.signUp(server, "other@example.com")
            let show = try await buyer.showtime()
            let first = try await buyer.hold(["K10", "A10"], of: show.id)
            #expect(first.seats == ["K10", "A10"])
            #expect(first.showtime.id == show.id)
            #expect(first.showtime.theatreAddress.state == "IL")
            clock.advance(seconds: 10)
            let second = try await buyer.client.holdSeats(.with { $0.showtimeID = show.id; $0.bestAvailable = .with { $0.count = 2 } })
            _ = try await other.hold(["C1"], of: show.id)

            let listed = try await buyer.client.listHolds()
            #expect(listed.holds.map(\.holdID) == [first.holdID, second.holdID], "soonest expiry first")
            #expect(listed.holds.first?.seats == ["K10", "A10"])
            #expect(listed.holds.first?.showtime.movieTitle == show.movieTitle)
            #expect(listed.holds.first?.expiresAtMs == first.expiresAtMs)
            #expect(try await other.client.listHolds().holds.map(\.seats) == [["C1"]])

            _ = try await buyer.client.releaseHold(.with { $0.holdID = second.holdID })
            #expect(try await buyer.client.listHolds().holds.map(\.holdID) == [first.holdID])
            // Expiry ends a hold at its instant, reaper or not.
            clock.advance(seconds: 300)
            #expect(try await buyer.client.listHolds().holds.isEmpty)
            let anonymous = try await server.connect()
            #expect(try await anonymous.send(.listHolds(.init())).status.code == .unauthenticated)
            await anonymous.close()
            await buyer.close()
            await other.close()
        }
    }

    @Test func aQuotePricesPremiumSeatsAndTicketTypesByStateTaxAndChangesNothing() async throws {
        try await TestServer.withRunning { server, _ in
            let buyer = try await Buyer.signUp(server, "quoter@example.com")
            let (show, premium, standard) = try await premiumShowtime(buyer)
            #expect(show.prices.premiumExtraCents > 0, "the generator prices premium seats")
            let hold = try await buyer.hold([premium, standard], of: show.id)
            let quote = try await buyer.client.quoteHold(.with {
                $0.holdID = hold.holdID
                $0.seatTypes = [.with { $0.seat = standard.lowercased(); $0.type = .child }]
            })
            #expect(quote.tickets.map(\.seat) == [premium, standard])
            #expect(quote.tickets.map(\.type) == [.adult, .child])
            #expect(quote.tickets.map(\.kind) == [.premium, .standard])
            #expect(quote.tickets.map(\.priceCents) == [show.prices.adultCents + show.prices.premiumExtraCents, show.prices.childCents])
            #expect(quote.subtotalCents == quote.tickets.map(\.priceCents).reduce(0, +))
            #expect(quote.taxState == "IL")
            #expect(quote.taxRateMilliPercent == 6_250)
            #expect(quote.taxCents == SalesTax.tax(on: quote.subtotalCents + quote.feesCents, state: "IL"))
            #expect(quote.totalCents == quote.subtotalCents + quote.feesCents + quote.taxCents)
            #expect(quote.holdExpiresAtMs == hold.expiresAtMs)
            #expect(quote.showtime.theatreAddress.city.isEmpty == false)

            // The same choice bought costs what the quote said, and the receipt says what it was.
            var request = Buyer.purchaseRequest(hold.holdID)
            request.seatTypes = [.with { $0.seat = standard; $0.type = .child }]
            let booking = try await buyer.client.purchase(request)
            #expect(booking.totalCents == quote.totalCents)
            #expect(Set(booking.tickets.map(\.kind)) == [.standard, .premium])
            #expect(booking.tickets.first { $0.seat == standard }?.type == .child)
            #expect(booking.taxState == "IL")
            #expect(booking.taxRateMilliPercent == 6_250)
            #expect(booking.showtime.theatreAddress.zip.count == 5)
            #expect(booking.createdAtMs == Int64(TestCatalogue.now.timeIntervalSince1970 * 1000))
            let fetched = try await buyer.client.getBooking(.with { $0.code = booking.code })
            #expect(fetched.showtime.theatreAddress == booking.showtime.theatreAddress)
            #expect(fetched.tickets.map(\.kind) == booking.tickets.map(\.kind))
            // A bought hold has no quote.
            #expect(try await buyer.client.send(.quoteHold(.with { $0.holdID = hold.holdID })).status.code == .failedPrecondition)
            await buyer.close()
        }
    }

    @Test func ticketTypesByPositionFollowTheOrderTheSeatsWereAskedFor() async throws {
        try await TestServer.withRunning { server, _ in
            let buyer = try await Buyer.signUp(server, "order@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["F12", "F11"], of: show.id)
            let response = try await buyer.purchase(hold.holdID, types: [.child, .adult])
            let booking = try #require(response.booking, "\(response.status)")
            #expect(booking.tickets.first { $0.seat == "F12" }?.type == .child)
            #expect(booking.tickets.first { $0.seat == "F11" }?.type == .adult)
            await buyer.close()
        }
    }

    @Test(arguments: [
        ("both", "give ticket types by position or by seat, not both"),
        ("stranger", "seat Z99 is not in hold"),
        ("twice", "seat F11 is given a ticket type twice"),
        ("too many", "3 ticket types were given but hold"),
    ])
    func badTicketTypeChoicesAreRefusedClearly(_ case: String, _ message: String) async throws {
        try await TestServer.withRunning { server, _ in
            let buyer = try await Buyer.signUp(server, "types@example.com")
            let show = try await buyer.showtime()
            let hold = try await buyer.hold(["F11", "F12"], of: show.id)
            let request = Boxoffice_V1_QuoteHoldRequest.with {
                $0.holdID = hold.holdID
                switch `case` {
                case "both":
                    $0.ticketTypes = [.child]
                    $0.seatTypes = [.with { $0.seat = "F11"; $0.type = .child }]
                case "stranger": $0.seatTypes = [.with { $0.seat = "Z99"; $0.type = .child }]
                case "twice": $0.seatTypes = [.with { $0.seat = "F11"; $0.type = .child }, .with { $0.seat = "f11"; $0.type = .adult }]
                default: $0.ticketTypes = [.child, .adult, .senior]
                }
            }
            let answer = try await buyer.client.send(.quoteHold(request))
            #expect(answer.status.code == .invalidArgument)
            #expect(answer.status.message.contains(message), "\(answer.status.message)")
            await buyer.close()
        }
    }

    @Test func bookingsListUpcomingAndPastApart() async throws {
        let clock = ManualClock(TestCatalogue.now)
        try await TestServer.withRunning(clock: clock) { server, _ in
            let buyer = try await Buyer.signUp(server, "periods@example.com")
            let soon = try await buyer.showtime(daysAhead: 1)
            let later = try await buyer.showtime(daysAhead: 2)
            var codes: [Int64: String] = [:]
            for show in [later, soon] {
                let hold = try await buyer.hold(["D4"], of: show.id)
                codes[show.id] = try #require(try await buyer.purchase(hold.holdID).booking).code
            }
            func listed(_ when: Boxoffice_V1_BookingTime) async throws -> [String] {
                try await buyer.client.listBookings(.with { $0.when = when }).bookings.map(\.code)
            }
            #expect(try await listed(.upcoming) == [codes[soon.id]!, codes[later.id]!], "soonest show first")
            #expect(try await listed(.past).isEmpty)
            #expect(try await listed(.all).count == 2)
            // Once the first show has started it is past.
            clock.advance(seconds: TimeInterval(soon.startsAtMs - clock.nowMilliseconds) / 1000 + 1)
            #expect(try await listed(.upcoming) == [codes[later.id]!])
            #expect(try await listed(.past) == [codes[soon.id]!])
            await buyer.close()
        }
    }
}
