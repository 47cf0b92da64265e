import BoxOfficeProto
import Foundation

/// A booking as a receipt: what, where (the theatre and its address), when (the theatre's local
/// time), each seat with its ticket type, kind and price, the fees, the tax with its state and rate,
/// the total, the card, when it was booked and, once cancelled, when and what was refunded.
func receipt(_ booking: Boxoffice_V1_Booking) -> String {
    let show = booking.showtime
    var text = "booking \(booking.code): \(booking.stateName)\n"
    text += "\(show.movieTitle)\n"
    text += show.theatreAddress.line.isEmpty ? "\(show.theatreName)\n" : "\(show.theatreName), \(show.theatreAddress.line)\n"
    text += [show.screenName, show.format.label, languageName(show.language)].filter { !$0.isEmpty && $0 != "-" }
        .joined(separator: ", ") + "\n"
    text += HumanTime.local(ms: show.startsAtMs, zone: show.timeZone) + "\n\n"

    var seats = TextTable(["SEAT", "TICKET", "KIND", "PRICE"], rightAligned: [3])
    for ticket in booking.tickets {
        seats.append([ticket.seat, ticket.type.name, ticket.kind.name, dollars(ticket.priceCents)])
    }
    text += seats.render() + "\n"

    let money: [(String, Int64)] = [
        ("subtotal", booking.subtotalCents),
        ("fees", booking.feesCents),
        (taxLabel(state: booking.taxState, milliPercent: booking.taxRateMilliPercent), booking.taxCents),
        ("total", booking.totalCents),
    ]
    let labelWidth = money.map(\.0.count).max() ?? 0
    let amounts = money.map { dollars($0.1) }
    let amountWidth = amounts.map(\.count).max() ?? 0
    for ((label, _), amount) in zip(money, amounts) {
        text += label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + "  "
            + String(repeating: " ", count: amountWidth - amount.count) + amount + "\n"
    }
    text += "paid with \(booking.cardBrand) ending \(booking.cardLast4)\n"
    if booking.createdAtMs != 0 {
        text += "booked \(HumanTime.local(ms: booking.createdAtMs, zone: show.timeZone))\n"
    }
    if booking.state == .cancelled {
        let when = booking.cancelledAtMs == 0 ? "" : " \(HumanTime.local(ms: booking.cancelledAtMs, zone: show.timeZone))"
        text += "cancelled\(when); refunded \(dollars(booking.refundedCents))\n"
    }
    return text
}

/// "tax NY 4%", "tax MN 6.875%"; just "tax" when the server did not say which state.
func taxLabel(state: String, milliPercent: UInt32) -> String {
    guard !state.isEmpty else { return "tax" }
    return "tax \(state) \(percent(milliPercent: milliPercent))"
}

/// "6.875%" from 6875, "4%" from 4000, "6.25%" from 6250.
func percent(milliPercent: UInt32) -> String {
    let whole = milliPercent / 1000
    var fraction = String(milliPercent % 1000)
    fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
    while fraction.last == "0" { fraction.removeLast() }
    return fraction.isEmpty ? "\(whole)%" : "\(whole).\(fraction)%"
}

/// "English" for "en", "Spanish" for "es"; the code itself when Foundation does not know it.
func languageName(_ code: String) -> String {
    guard !code.isEmpty else { return "" }
    return Locale(identifier: "en_US_POSIX").localizedString(forLanguageCode: code) ?? code
}

extension Boxoffice_V1_Address {
    /// "234 W 42nd St, New York, NY 10036"; empty when the address is.
    var line: String {
        let place = [state, zip].filter { !$0.isEmpty }.joined(separator: " ")
        return [street, city, place].filter { !$0.isEmpty }.joined(separator: ", ")
    }
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

extension Boxoffice_V1_SeatKind {
    var name: String {
        switch self {
        case .wheelchair: "wheelchair"
        case .companion: "companion"
        case .premium: "premium"
        default: "standard"
        }
    }
}
