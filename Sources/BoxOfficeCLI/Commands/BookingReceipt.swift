import BoxOfficeProto
import Foundation

/// A booking as a receipt: what, where, when, which seats, what it cost.
func receipt(_ booking: Boxoffice_V1_Booking) -> String {
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
    var stateName: String { state == .cancelled ? "cancelled" : "confirmed" }
}

extension Boxoffice_V1_TicketType {
    var name: String {
        switch self {
        case .child: "child"
        case .senior: "senior"
        default: "adult"
        }
    }
}

extension String {
    /// "2026-07-01 19:30" from "2026-07-01T19:30:00-04:00".
    var localStart: String {
        guard count >= 16 else { return self }
        return prefix(10) + " " + dropFirst(11).prefix(5)
    }
}
