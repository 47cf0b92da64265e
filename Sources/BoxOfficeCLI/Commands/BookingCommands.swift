import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

struct BookingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bookings", abstract: "List your bookings: upcoming shows, then past ones (needs signin).",
        discussion: """
            Two sections by default: Upcoming (shows that have not started, soonest first) and Past \
            (latest first), each a page of its own. --upcoming or --past lists one section, which \
            --page-token then pages. With --json: the one answer, or without --upcoming and --past a \
            JSON array of the two answers, upcoming first.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Only bookings for shows that have not started, soonest first.")
    var upcoming = false

    @Flag(name: .long, help: "Only bookings for shows that have started, latest first.")
    var past = false

    @OptionGroup var page: PageOptions

    func validate() throws {
        if upcoming && past { throw ValidationError("give --upcoming or --past, not both (neither lists both)") }
        if page.pageToken != nil && !upcoming && !past {
            throw ValidationError("--page-token pages one section: give --upcoming or --past with it")
        }
    }

    /// The sections this command lists, in order.
    var sections: [BookingSection] {
        upcoming ? [.upcoming] : past ? [.past] : [.upcoming, .past]
    }

    /// The request for one section.
    func request(_ section: BookingSection) -> Boxoffice_V1_ListBookingsRequest {
        .with {
            $0.when = section.when
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
    }

    func run() async throws {
        let sections = sections
        let answers = try await connection.withClient { client in
            var answers: [Boxoffice_V1_ListBookingsResponse] = []
            for section in sections {
                answers.append(try await client.listBookings(request(section), options: connection.callOptions))
            }
            return answers
        }
        try connection.output(answers) {
            BookingsListing(sections: Array(zip(sections, answers)), pageToken: page.pageToken ?? "",
                            oneSection: sections.count == 1).render()
        }
    }
}

/// Upcoming or past: one section of `boxoffice bookings`.
enum BookingSection: Sendable {
    case upcoming, past

    var when: Boxoffice_V1_BookingTime { self == .upcoming ? .upcoming : .past }
    var title: String { self == .upcoming ? "Upcoming" : "Past" }
    var flag: String { self == .upcoming ? "--upcoming" : "--past" }
}

/// Sections of bookings, each a titled table with its page footer; the footer's next page names the
/// section's flag, since a page token pages one section.
struct BookingsListing {
    let sections: [(BookingSection, Boxoffice_V1_ListBookingsResponse)]
    /// The token the page was asked with (one section only).
    let pageToken: String
    /// Whether the user asked for one section; one section is printed without its title then.
    let oneSection: Bool

    func render() -> String {
        sections.map { section, answer in
            let title = oneSection ? "" : "\(section.title)\n"
            guard !answer.bookings.isEmpty || !pageToken.isEmpty else {
                return title + "no \(section.title.lowercased()) bookings\n"
            }
            var table = TextTable(["CODE", "STATE", "MOVIE", "THEATRE", "STARTS", "SEATS", "TOTAL"], rightAligned: [6])
            for booking in answer.bookings {
                table.append([booking.code, booking.stateName, booking.showtime.movieTitle, booking.showtime.theatreName,
                              HumanTime.local(ms: booking.showtime.startsAtMs, zone: booking.showtime.timeZone),
                              booking.tickets.map(\.seat).joined(separator: ","), dollars(booking.totalCents)])
            }
            return title + table.render()
                + pageFooter(shown: answer.bookings.count, total: answer.total, pageToken: pageToken,
                             nextToken: answer.nextPageToken, nextFlags: section.flag + " ")
        }.joined(separator: "\n")
    }
}

struct BookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "booking", abstract: "Show one of your bookings (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The confirmation code, e.g. 7XK3M9QG0.")
    var code: String

    func run() async throws {
        let request = Boxoffice_V1_GetBookingRequest.with { $0.code = code }
        let booking = try await connection.withClient { try await $0.getBooking(request, options: connection.callOptions) }
        try connection.output(booking) { receipt(booking) }
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel one of your bookings before the show starts and get a refund (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The confirmation code, e.g. 7XK3M9QG0.")
    var code: String

    func run() async throws {
        let request = Boxoffice_V1_CancelBookingRequest.with { $0.code = code }
        let booking = try await connection.withClient { try await $0.cancelBooking(request, options: connection.callOptions) }
        try connection.output(booking) { receipt(booking) }
    }
}
