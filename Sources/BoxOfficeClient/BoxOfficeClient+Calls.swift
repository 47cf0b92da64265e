public import BoxOfficeProto
import BoxOfficeCore

// One typed method per call of proto/boxoffice.proto.
extension BoxOfficeClient {
    public typealias Result = Boxoffice_V1_Response.OneOf_Result

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

    private func unary<Value>(
        _ call: Boxoffice_V1_Request.OneOf_Call,
        _ options: CallOptions,
        extract: (Result) -> Value?
    ) async throws -> Value {
        let result = try await self.call(call, options: options)
        guard let value = extract(result) else {
            throw BoxOfficeError(.internalError, "the server answered with the result of another call")
        }
        return value
    }
}
