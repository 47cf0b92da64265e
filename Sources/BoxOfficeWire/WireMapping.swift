public import BoxOfficeCore
public import BoxOfficeProto

// The one translation between the wire's messages and the domain's errors, used in both
// directions by the server, the client and the soak tool.

extension Boxoffice_V1_Status {
    /// The status that `error` is answered with.
    public init(_ error: BoxOfficeError) {
        self.init()
        code = Boxoffice_V1_StatusCode(rawValue: error.code.rawValue) ?? .unknown
        message = error.message
        retryAfterMs = error.retryAfterMilliseconds
    }

    /// The error a non-OK status stands for (codes this build does not know pass through by number).
    public var error: BoxOfficeError {
        BoxOfficeError(BoxOfficeError.Code(rawValue: code.rawValue), message, retryAfterMilliseconds: retryAfterMs)
    }
}

extension Boxoffice_V1_Response {
    /// An answer carrying only a status.
    public static func failure(callID: UInt64, _ error: BoxOfficeError) -> Self {
        var response = Self()
        response.callID = callID
        response.status = .init(error)
        return response
    }

    /// A successful answer with `result` set.
    public static func success(callID: UInt64, _ result: OneOf_Result) -> Self {
        var response = Self()
        response.callID = callID
        response.status.code = .ok
        response.result = result
        return response
    }
}

extension Boxoffice_V1_Request.OneOf_Call {
    /// The call's name as in the proto, for logs, metrics and reports.
    public var name: String {
        switch self {
        case .getInfo: "GetInfo"
        case .searchTheatres: "SearchTheatres"
        case .searchMovies: "SearchMovies"
        case .searchShowtimes: "SearchShowtimes"
        case .listScreens: "ListScreens"
        case .getSeatMap: "GetSeatMap"
        case .signUp: "SignUp"
        case .signIn: "SignIn"
        case .holdSeats: "HoldSeats"
        case .releaseHold: "ReleaseHold"
        case .purchase: "Purchase"
        case .getBooking: "GetBooking"
        case .listBookings: "ListBookings"
        case .cancelBooking: "CancelBooking"
        case .quoteHold: "QuoteHold"
        case .listHolds: "ListHolds"
        case .signOut: "SignOut"
        case .whoAmI: "WhoAmI"
        case .rateMovie: "RateMovie"
        case .deleteReview: "DeleteReview"
        case .listReviews: "ListReviews"
        }
    }
}
