public import BoxOfficeProto
import BoxOfficeCore

// One typed method per call of proto/boxoffice.proto.
extension BoxOfficeConnection {
    public func getInfo(options: CallOptions = .init()) async throws -> Boxoffice_V1_ServerInfo {
        try await unary(.getInfo(.init()), options) { if case .getInfo(let value) = $0 { value } else { nil } }
    }

    public func searchTheatres(_ request: Boxoffice_V1_SearchTheatresRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_SearchTheatresResponse {
        try await unary(.searchTheatres(request), options) { if case .searchTheatres(let value) = $0 { value } else { nil } }
    }

    public func searchMovies(_ request: Boxoffice_V1_SearchMoviesRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_SearchMoviesResponse {
        try await unary(.searchMovies(request), options) { if case .searchMovies(let value) = $0 { value } else { nil } }
    }

    public func searchShowtimes(_ request: Boxoffice_V1_SearchShowtimesRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_SearchShowtimesResponse {
        try await unary(.searchShowtimes(request), options) { if case .searchShowtimes(let value) = $0 { value } else { nil } }
    }

    public func listScreens(_ request: Boxoffice_V1_ListScreensRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_ListScreensResponse {
        try await unary(.listScreens(request), options) { if case .listScreens(let value) = $0 { value } else { nil } }
    }

    public func seatMap(_ request: Boxoffice_V1_GetSeatMapRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_SeatMap {
        try await unary(.getSeatMap(request), options) { if case .getSeatMap(let value) = $0 { value } else { nil } }
    }

    public func signUp(_ request: Boxoffice_V1_SignUpRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_AuthSession {
        try await unary(.signUp(request), options) { if case .signUp(let value) = $0 { value } else { nil } }
    }

    public func signIn(_ request: Boxoffice_V1_SignInRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_AuthSession {
        try await unary(.signIn(request), options) { if case .signIn(let value) = $0 { value } else { nil } }
    }

    public func holdSeats(_ request: Boxoffice_V1_HoldSeatsRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_Hold {
        try await unary(.holdSeats(request), options) { if case .holdSeats(let value) = $0 { value } else { nil } }
    }

    public func releaseHold(_ request: Boxoffice_V1_ReleaseHoldRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_ReleaseHoldResponse {
        try await unary(.releaseHold(request), options) { if case .releaseHold(let value) = $0 { value } else { nil } }
    }

    /// Buys a hold. Pass the same `options.idempotencyKey` when retrying, so a retry never buys twice.
    public func purchase(_ request: Boxoffice_V1_PurchaseRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_Booking {
        try await unary(.purchase(request), options) { if case .purchase(let value) = $0 { value } else { nil } }
    }

    public func getBooking(_ request: Boxoffice_V1_GetBookingRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_Booking {
        try await unary(.getBooking(request), options) { if case .getBooking(let value) = $0 { value } else { nil } }
    }

    public func listBookings(_ request: Boxoffice_V1_ListBookingsRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_ListBookingsResponse {
        try await unary(.listBookings(request), options) { if case .listBookings(let value) = $0 { value } else { nil } }
    }

    public func cancelBooking(_ request: Boxoffice_V1_CancelBookingRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_Booking {
        try await unary(.cancelBooking(request), options) { if case .cancelBooking(let value) = $0 { value } else { nil } }
    }

    /// What buying a live hold with these ticket types would charge; changes nothing.
    public func quoteHold(_ request: Boxoffice_V1_QuoteHoldRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_Quote {
        try await unary(.quoteHold(request), options) { if case .quoteHold(let value) = $0 { value } else { nil } }
    }

    public func listHolds(options: CallOptions = .init()) async throws -> Boxoffice_V1_ListHoldsResponse {
        try await unary(.listHolds(.init()), options) { if case .listHolds(let value) = $0 { value } else { nil } }
    }

    /// Revokes the token in `options`: every server refuses it from then on.
    public func signOut(options: CallOptions = .init()) async throws -> Boxoffice_V1_SignOutResponse {
        try await unary(.signOut(.init()), options) { if case .signOut(let value) = $0 { value } else { nil } }
    }

    public func whoAmI(options: CallOptions = .init()) async throws -> Boxoffice_V1_Account {
        try await unary(.whoAmI(.init()), options) { if case .whoAmI(let value) = $0 { value } else { nil } }
    }

    public func rateMovie(_ request: Boxoffice_V1_RateMovieRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_Review {
        try await unary(.rateMovie(request), options) { if case .rateMovie(let value) = $0 { value } else { nil } }
    }

    public func deleteReview(_ request: Boxoffice_V1_DeleteReviewRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_DeleteReviewResponse {
        try await unary(.deleteReview(request), options) { if case .deleteReview(let value) = $0 { value } else { nil } }
    }

    public func listReviews(_ request: Boxoffice_V1_ListReviewsRequest, options: CallOptions = .init()) async throws -> Boxoffice_V1_ListReviewsResponse {
        try await unary(.listReviews(request), options) { if case .listReviews(let value) = $0 { value } else { nil } }
    }

    private func unary<Value>(
        _ call: Boxoffice_V1_Request.OneOf_Call,
        _ options: CallOptions,
        extract: (Boxoffice_V1_Response.OneOf_Result) -> Value?
    ) async throws -> Value {
        let result = try await self.call(call, options: options)
        guard let value = extract(result) else {
            throw BoxOfficeError(.internalError, "the server answered with the result of another call")
        }
        return value
    }
}
