import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

struct PurchaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purchase", abstract: "Buy the seats of a hold with a card (needs signin).",
        discussion: """
            The card is asked for on a terminal (number and security code without echo), or read as one \
            line of standard input: NUMBER MM/YY CVC ZIP. It is never an argument, so it stays out of `ps` \
            and shell history.
            Test cards of the built-in simulated processor: 4242424242424242 is approved, \
            4000000000000002 is declined, 4000000000000119 fails as if the processor were down.
            A retry with the same --idempotency-key never buys or charges twice.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The hold id that `boxoffice hold` printed.", valueName: "hold-id"))
    var hold: String

    @Option(help: ArgumentHelp(
        "Ticket types in the hold's seat order: adult, child or senior, comma-separated; missing ones are adult.",
        valueName: "types"))
    var types: String?

    @Option(help: ArgumentHelp(
        "Makes a retry safe: the same key and request give the same booking. Generated when not given.", valueName: "key"))
    var idempotencyKey: String?

    func validate() throws {
        _ = try ticketTypes()
    }

    func run() async throws {
        let card = try SecretInput.card()
        let request = Boxoffice_V1_PurchaseRequest.with {
            $0.holdID = hold
            $0.ticketTypes = (try? ticketTypes()) ?? []
            $0.card = .with {
                $0.number = card.number
                $0.expMonth = card.expiryMonth
                $0.expYear = card.expiryYear
                $0.cvc = card.cvc
                $0.zip = card.zip
            }
        }
        let key = idempotencyKey ?? UUID().uuidString.lowercased()
        var options = connection.callOptions
        options.idempotencyKey = key
        do {
            let booking = try await connection.withClient { try await $0.purchase(request, options: options) }
            try connection.output(booking) { render(booking) }
        } catch let error as BoxOfficeError where [.unavailable, .aborted, .deadlineExceeded, .unknown].contains(error.code) {
            // The purchase may or may not have gone through: the key lets the buyer retry without paying twice.
            FileHandle.standardError.write(Data("retry safely with: --idempotency-key \(key)\n".utf8))
            throw error
        }
    }


    private func ticketTypes() throws -> [Boxoffice_V1_TicketType] {
        guard let types else { return [] }
        return try types.split(separator: ",").map { word in
            switch word.trimmingCharacters(in: .whitespaces).lowercased() {
            case "adult": .adult
            case "child": .child
            case "senior": .senior
            default: throw ValidationError("--types takes adult, child or senior, not \"\(word)\"")
            }
        }
    }
}

struct BookingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bookings", abstract: "List your bookings, newest first (needs signin).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var page: PageOptions

    func run() async throws {
        let request = Boxoffice_V1_ListBookingsRequest.with {
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.listBookings(request, options: connection.callOptions) }
        try connection.output(answer) {
            var table = TextTable(["CODE", "STATE", "MOVIE", "THEATRE", "STARTS", "SEATS", "TOTAL"], rightAligned: [6])
            for booking in answer.bookings {
                table.append([booking.code, booking.stateName, booking.showtime.movieTitle, booking.showtime.theatreName,
                              booking.showtime.startsAtLocal.localStart, booking.tickets.map(\.seat).joined(separator: ","),
                              dollars(booking.totalCents)])
            }
            return table.render() + pageFooter(shown: answer.bookings.count, total: answer.total, pageToken: page.pageToken ?? "", nextToken: answer.nextPageToken)
        }
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
        try connection.output(booking) { render(booking) }
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
        try connection.output(booking) { render(booking) }
    }
}

/// A booking as a receipt: what, where, when, which seats, what it cost.
private func render(_ booking: Boxoffice_V1_Booking) -> String {
    let show = booking.showtime
    var text = "booking \(booking.code): \(booking.stateName)\n"
    text += "\(show.movieTitle) at \(show.theatreName), \(show.screenName), \(show.startsAtLocal.localStart) (\(show.timeZone))\n\n"
    var table = TextTable(["SEAT", "TICKET", "PRICE"], rightAligned: [2])
    for ticket in booking.tickets {
        table.append([ticket.seat, ticket.type.name, dollars(ticket.priceCents)])
    }
    text += table.render() + "\n"
    text += "subtotal \(dollars(booking.subtotalCents))  fees \(dollars(booking.feesCents))  "
        + "tax \(dollars(booking.taxCents))  total \(dollars(booking.totalCents))\n"
    text += "paid with \(booking.cardBrand) ending \(booking.cardLast4)\n"
    if booking.state == .cancelled {
        text += "cancelled; refunded \(dollars(booking.refundedCents))\n"
    }
    return text
}

extension Boxoffice_V1_Booking {
    fileprivate var stateName: String { state == .cancelled ? "cancelled" : "confirmed" }
}

extension Boxoffice_V1_TicketType {
    fileprivate var name: String {
        switch self {
        case .child: "child"
        case .senior: "senior"
        default: "adult"
        }
    }
}

extension String {
    /// "2026-07-01 19:30" from "2026-07-01T19:30:00-04:00".
    fileprivate var localStart: String {
        guard count >= 16 else { return self }
        return prefix(10) + " " + dropFirst(11).prefix(5)
    }
}
