/// Who a ticket is for; each showtime prices the three differently.
public enum TicketType: String, Sendable, Hashable, CaseIterable {
    case adult, child, senior
}
