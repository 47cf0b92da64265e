public import BoxOfficeCore
public import BoxOfficeProto

extension Boxoffice_V1_Response {
    /// An answer carrying only a status.
    public static func failure(callID: UInt64, _ error: BoxOfficeError) -> Self {
        var response = Self()
        response.callID = callID
        response.status = .init(error)
        return response
    }

    /// A successful answer with `result` set.
    static func success(callID: UInt64, _ result: OneOf_Result) -> Self {
        var response = Self()
        response.callID = callID
        response.status.code = .ok
        response.result = result
        return response
    }
}

extension Boxoffice_V1_Status {
    public init(_ error: BoxOfficeError) {
        self.init()
        code = Boxoffice_V1_StatusCode(rawValue: error.code.rawValue) ?? .unknown
        message = error.message
        retryAfterMs = error.retryAfterMilliseconds
    }
}
