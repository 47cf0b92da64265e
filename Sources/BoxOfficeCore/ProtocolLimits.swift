/// The limits of the protocol that every side reads from one place: the server enforces them,
/// `GetInfo` reports them, and the CLI and the soak tool size their requests by them.
public enum ProtocolLimits {
    /// The most seats one hold may take (a party; best available seats it together when it can).
    public static let maxSeatsPerHold = 10
    /// The most seats a wheelchair party takes: one wheelchair place and up to three companions.
    public static let maxWheelchairParty = 4
    /// The most live holds one user may have on one showtime.
    public static let maxLiveHoldsPerUser = 2
    /// Items per page when a request names no page size.
    public static let defaultPageSize = 20
    /// The most items one page carries; a larger page size is served as this.
    public static let maxPageSize = 100
    /// The default largest frame a server accepts, in bytes (its 4-byte length prefix excluded).
    public static let defaultMaxFrameBytes = 1 << 20
    /// The longest idempotency key, in UTF-8 bytes.
    public static let maxIdempotencyKeyBytes = 128
}
