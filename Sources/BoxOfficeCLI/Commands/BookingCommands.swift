import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

struct BookingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bookings", abstract: "List your bookings, newest first (needs signin).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var page: PageOptions

    func run() async throws {
        let request = Boxoffice_V1_ListBookingsRequest.with {
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.listBookings(request, options: connection.callOptions) }
        try connection.output(answer) {
            var table = TextTable(["CODE", "STATE", "MOVIE", "THEATRE", "STARTS", "SEATS", "TOTAL"], rightAligned: [6])
            for booking in answer.bookings {
                table.append([booking.code, booking.stateName, booking.showtime.movieTitle, booking.showtime.theatreName,
                              booking.showtime.startsAtLocal.localStart, booking.tickets.map(\.seat).joined(separator: ","),
                              dollars(booking.totalCents)])
            }
            return table.render() + pageFooter(shown: answer.bookings.count, total: answer.total, pageToken: page.pageToken ?? "", nextToken: answer.nextPageToken)
        }
    }
}

struct BookingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "booking", abstract: "Show one of your bookings (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The confirmation code, e.g. 7XK3M9QG0.")
    var code: String

    func run() async throws {
        let request = Boxoffice_V1_GetBookingRequest.with { $0.code = code }
        let booking = try await connection.withClient { try await $0.getBooking(request, options: connection.callOptions) }
        try connection.output(booking) { receipt(booking) }
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel one of your bookings before the show starts and get a refund (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The confirmation code, e.g. 7XK3M9QG0.")
    var code: String

    func run() async throws {
        let request = Boxoffice_V1_CancelBookingRequest.with { $0.code = code }
        let booking = try await connection.withClient { try await $0.cancelBooking(request, options: connection.callOptions) }
        try connection.output(booking) { receipt(booking) }
    }
}
