import BoxOfficeCore

/// Where money moves: a card processor behind a small interface, so the simulated one used in
/// development and tests and a real one are interchangeable.
///
/// Both calls are idempotent by their key: a retried charge with the same key returns the first
/// charge instead of charging again, and refunding a charge twice refunds it once. That is what
/// makes a purchase safe to retry across a crash between charging and writing the booking.
public protocol PaymentGateway: Sendable {
    /// Charges `amountCents` to `card`. Throws FAILED_PRECONDITION when the card is declined (with
    /// the processor's reason) and UNAVAILABLE when the processor cannot be reached (retryable).
    func charge(_ card: PaymentCard, amountCents: Int64, idempotencyKey: String) async throws -> PaymentCharge

    /// Gives back `amountCents` of the charge `reference`; UNAVAILABLE when it cannot now.
    func refund(chargeReference reference: String, amountCents: Int64) async throws -> PaymentRefund

    /// The charge made under `idempotencyKey` and not refunded in full, or nil when there is none:
    /// how the payment sweeper learns whether a purchase that died mid-way was charged.
    /// UNAVAILABLE when the processor cannot be asked now.
    func charge(madeWithKey idempotencyKey: String) async throws -> PaymentCharge?
}

/// A successful charge: the only payment facts BoxOffice keeps.
public struct PaymentCharge: Sendable, Hashable, Codable {
    /// The processor's id of the charge, for refunds and disputes.
    public var reference: String
    public var amountCents: Int64
    public var cardBrand: String
    public var cardLastFour: String

    public init(reference: String, amountCents: Int64, cardBrand: String, cardLastFour: String) {
        self.reference = reference
        self.amountCents = amountCents
        self.cardBrand = cardBrand
        self.cardLastFour = cardLastFour
    }
}

/// A successful refund.
public struct PaymentRefund: Sendable, Hashable {
    public var reference: String
    public var amountCents: Int64

    public init(reference: String, amountCents: Int64) {
        self.reference = reference
        self.amountCents = amountCents
    }
}
