import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import Logging

/// Turns a decoded request into a response: finds the handler for its call and maps every thrown
/// error to a status. Handlers never see bytes, and nothing they throw escapes as a crash.
final class Dispatcher: Sendable {
    private let search: SearchService
    private let info: InfoService
    private let accounts: AccountService
    private let holds: HoldService
    private let purchases: PurchaseService
    private let bookings: BookingService
    private let reviews: ReviewService
    private let callGuard: CallGuard
    private let metrics: ServerMetrics
    /// In a cluster: which node answers a seat call, and the way to it.
    private let cluster: (router: ShowtimeRouter, forwarder: PeerForwarder)?

    init(search: SearchService, info: InfoService, accounts: AccountService, holds: HoldService,
         purchases: PurchaseService, bookings: BookingService, reviews: ReviewService, callGuard: CallGuard, metrics: ServerMetrics,
         cluster: (router: ShowtimeRouter, forwarder: PeerForwarder)? = nil) {
        self.search = search
        self.info = info
        self.accounts = accounts
        self.holds = holds
        self.purchases = purchases
        self.bookings = bookings
        self.reviews = reviews
        self.callGuard = callGuard
        self.metrics = metrics
        self.cluster = cluster
    }

    func handle(_ request: Boxoffice_V1_Request, context: CallContext) async -> Boxoffice_V1_Response {
        let started = ContinuousClock.now
        metrics.callStarted()
        let response = await guarded(request, context: context)
        metrics.callFinished(method: request.call?.name ?? "none",
                             status: BoxOfficeError.Code(rawValue: response.status.code.rawValue),
                             duration: ContinuousClock.now - started)
        return response
    }

    /// The guard's admission, the call, and what the call showed the bot guard.
    private func guarded(_ request: Boxoffice_V1_Request, context: CallContext) async -> Boxoffice_V1_Response {
        guard let call = request.call else {
            return .failure(callID: request.callID, .unimplemented(
                "the request names no call this server knows (protocol version \(BoxOfficeVersion.protocolVersion))"))
        }
        var context = context
        context.userID = accounts.verifiedUser(context.authToken)
        // A forwarded call was admitted by the guard of the node its client reached.
        let client = context.origin == .peer ? nil : callGuard.client(userID: context.userID, address: context.remoteAddress)
        if let client {
            do {
                try callGuard.admit(client, call.callClass)
            } catch {
                return .failure(callID: request.callID, error)
            }
        }
        let response = await routed(call, request: request, context: context)
        if let client, let evidence = Self.evidence(of: call, answer: response) {
            callGuard.observe(evidence, for: client)
        }
        return response
    }

    /// What an answered call tells the bot guard beyond its timing, which the guard took on admission.
    private static func evidence(of call: Boxoffice_V1_Request.OneOf_Call, answer: Boxoffice_V1_Response) -> BotGuard.Event? {
        switch (call, answer.result) {
        case (.getSeatMap(let request), _):
            .seatMap(showtimeID: request.showtimeID)
        case (.holdSeats, .holdSeats(let hold)?):
            .hold(isMaximum: hold.seats.count >= ProtocolLimits.maxSeatsPerHold)
        case (.signIn, .signIn(let session)?), (.signUp, .signUp(let session)?):
            .signIn(userID: session.userID)
        default:
            nil
        }
    }

    /// Answered here, or by the node of the cluster that owns the call's showtime.
    private func routed(_ call: Boxoffice_V1_Request.OneOf_Call, request: Boxoffice_V1_Request,
                        context: CallContext) async -> Boxoffice_V1_Response {
        guard let cluster else { return await dispatch(call, request: request, context: context) }
        let route: ShowtimeRouter.Route
        do {
            route = try await cluster.router.route(call, origin: context.origin)
        } catch {
            return Self.failure(error, of: call, callID: request.callID, context: context)
        }
        switch route {
        case .here:
            return await dispatch(call, request: request, context: context)
        case .forward(let owner):
            metrics.callForwarded()
            return await cluster.forwarder.forward(request, to: owner, context: context)
        case .unavailable(let error):
            return .failure(callID: request.callID, error)
        }
    }

    private func dispatch(_ call: Boxoffice_V1_Request.OneOf_Call, request: Boxoffice_V1_Request,
                          context: CallContext) async -> Boxoffice_V1_Response {
        let callID = request.callID
        do {
            let result: Boxoffice_V1_Response.OneOf_Result
            switch call {
            case .getInfo:
                result = .getInfo(try await info.serverInfo())
            case .searchTheatres(let message):
                result = .searchTheatres(try await search.searchTheatres(message))
            case .searchMovies(let message):
                result = .searchMovies(try await search.searchMovies(message))
            case .searchShowtimes(let message):
                result = .searchShowtimes(try await search.searchShowtimes(message))
            case .listScreens(let message):
                result = .listScreens(try await search.listScreens(message))
            case .getSeatMap(let message):
                result = .getSeatMap(try await search.seatMap(message))
            case .signUp(let message):
                result = .signUp(try await accounts.signUp(message))
            case .signIn(let message):
                result = .signIn(try await accounts.signIn(message))
            case .holdSeats(let message):
                result = .holdSeats(try await holds.holdSeats(message, context: context))
            case .releaseHold(let message):
                result = .releaseHold(try await holds.releaseHold(message, context: context))
            case .purchase(let message):
                result = .purchase(try await purchases.purchase(message, context: context))
            case .getBooking(let message):
                result = .getBooking(try await bookings.getBooking(message, context: context))
            case .listBookings(let message):
                result = .listBookings(try await bookings.listBookings(message, context: context))
            case .cancelBooking(let message):
                result = .cancelBooking(try await bookings.cancelBooking(message, context: context))
            case .quoteHold(let message):
                result = .quoteHold(try await purchases.quoteHold(message, context: context))
            case .listHolds(let message):
                result = .listHolds(try await holds.listHolds(message, context: context))
            case .signOut:
                result = .signOut(try await accounts.signOut(context: context))
            case .whoAmI:
                result = .whoAmI(try await accounts.whoAmI(context: context))
            case .rateMovie(let message):
                result = .rateMovie(try await reviews.rateMovie(message, context: context))
            case .deleteReview(let message):
                result = .deleteReview(try await reviews.deleteReview(message, context: context))
            case .listReviews(let message):
                result = .listReviews(try await reviews.listReviews(message))
            }
            return .success(callID: callID, result)
        } catch {
            return Self.failure(error, of: call, callID: callID, context: context)
        }
    }

    /// What a thrown error tells the client: our own errors as they are, anything else INTERNAL
    /// without its details (logged here).
    private static func failure(_ error: any Error, of call: Boxoffice_V1_Request.OneOf_Call, callID: UInt64,
                                context: CallContext) -> Boxoffice_V1_Response {
        switch error {
        case let error as BoxOfficeError:
            return .failure(callID: callID, error)
        case is CancellationError:
            return .failure(callID: callID, BoxOfficeError(.cancelled, "the call was cancelled"))
        default:
            context.logger.error("call failed", metadata: ["boxoffice.call": "\(call.name)", "error": "\(error)"])
            return .failure(callID: callID, .internalError("the server could not complete \(call.name)"))
        }
    }
}
