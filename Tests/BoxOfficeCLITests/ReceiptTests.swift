import ArgumentParser
import BoxOfficeCore
import BoxOfficeProto
import Testing
@testable import BoxOfficeCLI

private func booking(code: String = "FDZN8S6HN", state: Boxoffice_V1_BookingState = .confirmed,
                     startsAtMs: Int64 = utcMs(2026, 12, 3, 1, 30)) -> Boxoffice_V1_Booking {
    .with {
        $0.code = code
        $0.state = state
        $0.showtime = .with {
            $0.id = 6520
            $0.theatreName = "Marcus Chicago 8"
            $0.theatreAddress = .with {
                $0.street = "4121 Lake St"
                $0.city = "Minneapolis"
                $0.state = "MN"
                $0.zip = "55406"
            }
            $0.movieTitle = "Whispering Canyon"
            $0.screenName = "Auditorium 2"
            $0.format = .dolbyCinema
            $0.language = "es"
            $0.startsAtMs = startsAtMs
            $0.timeZone = "America/Chicago"
        }
        $0.tickets = [
            .with { $0.seat = "M7"; $0.type = .adult; $0.kind = .premium; $0.priceCents = 1525 },
            .with { $0.seat = "M8"; $0.type = .child; $0.kind = .standard; $0.priceCents = 950 },
        ]
        $0.subtotalCents = 2475
        $0.feesCents = 300
        $0.taxCents = 191
        $0.totalCents = 2966
        $0.taxState = "MN"
        $0.taxRateMilliPercent = 6875
        $0.cardBrand = "Visa"
        $0.cardLast4 = "4242"
        $0.createdAtMs = utcMs(2026, 11, 29, 16, 5)
        if state == .cancelled {
            $0.cancelledAtMs = utcMs(2026, 11, 30, 14, 0)
            $0.refundedCents = 2966
        }
    }
}

@Suite("receipts and bookings")
struct ReceiptTests {
    @Test func aReceiptSaysWhereWhenWhatAndTheTax() {
        #expect(receipt(booking()) == """
            booking FDZN8S6HN: confirmed
            Whispering Canyon
            Marcus Chicago 8, 4121 Lake St, Minneapolis, MN 55406
            Auditorium 2, Dolby Cinema, \(languageName("es"))
            Wed Dec 2, 7:30 PM CST

            SEAT  TICKET  KIND       PRICE
            ----  ------  --------  ------
            M7    adult   premium   $15.25
            M8    child   standard   $9.50

            subtotal       $24.75
            fees            $3.00
            tax MN 6.875%   $1.91
            total          $29.66
            paid with Visa ending 4242
            booked Sun Nov 29, 10:05 AM CST

            """)
    }

    @Test func aCancelledReceiptSaysWhenAndTheRefund() {
        let text = receipt(booking(state: .cancelled))
        #expect(text.hasPrefix("booking FDZN8S6HN: cancelled\n"))
        #expect(text.hasSuffix("booked Sun Nov 29, 10:05 AM CST\ncancelled Mon Nov 30, 8:00 AM CST; refunded $29.66\n"))
    }

    @Test func taxRatesReadAsPercent() {
        #expect(taxLabel(state: "NY", milliPercent: 4000) == "tax NY 4%")
        #expect(taxLabel(state: "MN", milliPercent: 6875) == "tax MN 6.875%")
        #expect(taxLabel(state: "IL", milliPercent: 6250) == "tax IL 6.25%")
        #expect(taxLabel(state: "PR", milliPercent: 10500) == "tax PR 10.5%")
        #expect(taxLabel(state: "OR", milliPercent: 0) == "tax OR 0%")
        #expect(taxLabel(state: "", milliPercent: 0) == "tax")
        #expect(languageName("en") == "English")
    }

    @Test func bookingsComeInUpcomingAndPastSections() {
        let upcoming = Boxoffice_V1_ListBookingsResponse.with {
            $0.bookings = [booking(code: "AAAA1111B")]
            $0.total = 3
            $0.nextPageToken = "1.xyz"
        }
        let past = Boxoffice_V1_ListBookingsResponse.with {
            $0.bookings = [booking(code: "CCCC2222D", state: .cancelled, startsAtMs: utcMs(2026, 11, 20, 1, 30))]
            $0.total = 1
        }
        let text = BookingsListing(sections: [(.upcoming, upcoming), (.past, past)], pageToken: "", oneSection: false).render()
        #expect(text == """
            Upcoming
            CODE       STATE      MOVIE              THEATRE           STARTS                  SEATS   TOTAL
            ---------  ---------  -----------------  ----------------  ----------------------  -----  ------
            AAAA1111B  confirmed  Whispering Canyon  Marcus Chicago 8  Wed Dec 2, 7:30 PM CST  M7,M8  $29.66
            1 of 3; next page: --upcoming --page-token 1.xyz

            Past
            CODE       STATE      MOVIE              THEATRE           STARTS                   SEATS   TOTAL
            ---------  ---------  -----------------  ----------------  -----------------------  -----  ------
            CCCC2222D  cancelled  Whispering Canyon  Marcus Chicago 8  Thu Nov 19, 7:30 PM CST  M7,M8  $29.66
            1 of 1

            """)
        let none = BookingsListing(sections: [(.upcoming, .init()), (.past, past)], pageToken: "", oneSection: false).render()
        #expect(none.hasPrefix("Upcoming\nno upcoming bookings\n\nPast\nCODE"))
        let one = BookingsListing(sections: [(.past, past)], pageToken: "1.abc", oneSection: true).render()
        #expect(one.hasPrefix("CODE"))
        #expect(one.hasSuffix("\n2 of 1\n"))
    }

    @Test func bookingsOptionsPickTheSections() throws {
        #expect(try BookingsCommand.parse([]).sections == [.upcoming, .past])
        #expect(try BookingsCommand.parse(["--past"]).sections == [.past])
        let paged = try BookingsCommand.parse(["--upcoming", "--page-token", "5.abc", "--page-size", "5"])
        #expect(paged.sections == [.upcoming])
        #expect(paged.request(.upcoming).when == .upcoming)
        #expect(paged.request(.upcoming).pageToken == "5.abc")
        #expect(try BookingsCommand.parse([]).request(.past).when == .past)
        #expect(throws: (any Error).self) { try BookingsCommand.parse(["--upcoming", "--past"]) }
        #expect(throws: (any Error).self) { try BookingsCommand.parse(["--page-token", "5.abc"]) }
    }
}
