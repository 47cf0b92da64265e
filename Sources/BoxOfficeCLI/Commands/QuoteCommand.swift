import ArgumentParser
import BoxOfficeProto

struct QuoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote", abstract: "Show what buying a hold would cost: tickets, fees, tax and total (needs signin).",
        discussion: "Nothing is charged or changed; `purchase` with the same --types charges the total shown.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The hold id that `boxoffice hold` printed (see `boxoffice holds`).")
    var holdID: String

    @Option(help: TicketTypeChoice.help)
    var types: String?

    func validate() throws {
        _ = try TicketTypeChoice(parsing: types)
    }

    func run() async throws {
        let choice = try TicketTypeChoice(parsing: types)
        let request = Boxoffice_V1_QuoteHoldRequest.with {
            $0.holdID = holdID
            $0.ticketTypes = choice.positional
            $0.seatTypes = choice.bySeat
        }
        let quote = try await connection.withClient { try await $0.quoteHold(request, options: connection.callOptions) }
        try connection.output(quote) { describe(quote, nowMs: HumanTime.nowMs) }
    }
}

/// A quote as the buyer reads it before paying: the show, each seat's ticket, and the sum.
func describe(_ quote: Boxoffice_V1_Quote, nowMs: Int64) -> String {
    let show = quote.showtime
    var text = "\(show.movieTitle) at \(show.theatreName), \(show.screenName), \(HumanTime.local(ms: show.startsAtMs, zone: show.timeZone))\n\n"
    var table = TextTable(["SEAT", "KIND", "TICKET", "PRICE"], rightAligned: [3])
    for ticket in quote.tickets {
        table.append([ticket.seat, ticket.kind.name, ticket.type.name, dollars(ticket.priceCents)])
    }
    text += table.render() + "\n"
    text += "subtotal \(dollars(quote.subtotalCents))  fees \(dollars(quote.feesCents))  "
        + "\(taxLabel(state: quote.taxState, milliPercent: quote.taxRateMilliPercent)) \(dollars(quote.taxCents))  "
        + "total \(dollars(quote.totalCents))\n"
    text += "hold \(quote.holdID) expires \(HumanTime.expiry(ms: quote.holdExpiresAtMs, zone: show.timeZone, nowMs: nowMs))\n"
    return text
}
