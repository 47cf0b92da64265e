/// An error that a BoxOffice call answers with: a gRPC status code, a message for people, and for
/// throttling errors how long to wait before retrying.
public struct BoxOfficeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: Code
    public var message: String
    /// Milliseconds the caller should wait before retrying; 0 when retrying now is fine.
    public var retryAfterMilliseconds: UInt32

    public init(_ code: Code, _ message: String, retryAfterMilliseconds: UInt32 = 0) {
        self.code = code
        self.message = message
        self.retryAfterMilliseconds = retryAfterMilliseconds
    }

    public var description: String { "\(code): \(message)" }

    /// gRPC's status codes, with gRPC's numbers. A struct over a raw value so that codes added by a
    /// newer peer pass through unchanged.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let ok = Code(rawValue: 0)
        public static let cancelled = Code(rawValue: 1)
        public static let unknown = Code(rawValue: 2)
        public static let invalidArgument = Code(rawValue: 3)
        public static let deadlineExceeded = Code(rawValue: 4)
        public static let notFound = Code(rawValue: 5)
        public static let alreadyExists = Code(rawValue: 6)
        public static let permissionDenied = Code(rawValue: 7)
        public static let resourceExhausted = Code(rawValue: 8)
        public static let failedPrecondition = Code(rawValue: 9)
        public static let aborted = Code(rawValue: 10)
        public static let outOfRange = Code(rawValue: 11)
        public static let unimplemented = Code(rawValue: 12)
        public static let internalError = Code(rawValue: 13)
        public static let unavailable = Code(rawValue: 14)
        public static let dataLoss = Code(rawValue: 15)
        public static let unauthenticated = Code(rawValue: 16)

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        ]

        /// The gRPC name, e.g. `NOT_FOUND`.
        public var name: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
        }

        public var description: String { name }
    }
}

extension BoxOfficeError {
    public static func invalidArgument(_ message: String) -> Self { .init(.invalidArgument, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func unimplemented(_ message: String) -> Self { .init(.unimplemented, message) }
    public static func internalError(_ message: String) -> Self { .init(.internalError, message) }
}
