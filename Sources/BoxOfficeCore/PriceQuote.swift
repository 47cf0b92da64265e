/// What a set of tickets costs: the ticket prices, a convenience fee per ticket, and the theatre's
/// state sales tax on both. All integer cents, so the parts always add up to the total.
public struct PriceQuote: Hashable, Sendable {
    public var ticketCents: [Int64]
    public var subtotalCents: Int64
    public var feesCents: Int64
    public var taxCents: Int64
    public var totalCents: Int64

    /// Prices `ticketCents` (one per ticket) in `state` with `feeCentsPerTicket`; nil for an unknown state.
    public init?(ticketCents: [Int64], feeCentsPerTicket: Int64, state: String) {
        let subtotal = ticketCents.reduce(0, +)
        let fees = feeCentsPerTicket * Int64(ticketCents.count)
        guard let tax = SalesTax.tax(on: subtotal + fees, state: state) else { return nil }
        self.ticketCents = ticketCents
        self.subtotalCents = subtotal
        self.feesCents = fees
        self.taxCents = tax
        self.totalCents = subtotal + fees + tax
    }
}
