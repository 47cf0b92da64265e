import ArgumentParser
import BoxOfficeCore
import BoxOfficeProto
import Foundation

struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Hold seats of a showtime for five minutes while you pay (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("A showtime id (see `boxoffice showtimes`).", valueName: "showtime-id"))
    var showtime: Int64

    @Option(help: ArgumentHelp("Seats by label, comma-separated, e.g. F11,F12 (at most \(ProtocolLimits.maxSeatsPerHold)).", valueName: "seats"))
    var seats: String?

    @Option(help: ArgumentHelp("Instead of --seats: the best N seats together (1 to \(ProtocolLimits.maxSeatsPerHold)).", valueName: "count"))
    var best: UInt32?

    @Option(help: ArgumentHelp("With --best: standard, premium or wheelchair (a wheelchair place and companion seats).", valueName: "kind"))
    var kind: String = "standard"

    func validate() throws {
        switch (seats, best) {
        case (nil, nil): throw ValidationError("say which seats: --seats F11,F12, or --best N for the best N together")
        case (.some, .some): throw ValidationError("give --seats or --best, not both")
        default: break
        }
        if let seats, seats.split(separator: ",").count > ProtocolLimits.maxSeatsPerHold {
            throw ValidationError("--seats names at most \(ProtocolLimits.maxSeatsPerHold) seats")
        }
        if let best, !(1...ProtocolLimits.maxSeatsPerHold).contains(Int(best)) {
            throw ValidationError("--best must be 1 to \(ProtocolLimits.maxSeatsPerHold)")
        }
        guard ["standard", "premium", "wheelchair"].contains(kind) else {
            throw ValidationError("--kind must be standard, premium or wheelchair")
        }
    }

    func run() async throws {
        let request = Boxoffice_V1_HoldSeatsRequest.with {
            $0.showtimeID = showtime
            if let seats {
                $0.seats = seats.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            }
            if let best {
                $0.bestAvailable = .with {
                    $0.count = best
                    $0.kind = kind == "wheelchair" ? .wheelchair : kind == "premium" ? .premium : .standard
                }
            }
        }
        let result = try await connection.withClient { try await $0.call(.holdSeats(request), options: connection.callOptions) }
        guard case .holdSeats(let hold) = result else { return }
        try connection.output(hold) {
            let expires = Date(timeIntervalSince1970: TimeInterval(hold.expiresAtMs) / 1000)
            return "held \(hold.seats.joined(separator: ", ")) of showtime \(hold.showtimeID) until \(expires)\nhold id: \(hold.holdID)\n"
        }
    }
}

struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Give a hold's seats back at once (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The hold id that `boxoffice hold` printed.")
    var holdID: String

    func run() async throws {
        let request = Boxoffice_V1_ReleaseHoldRequest.with { $0.holdID = holdID }
        let result = try await connection.withClient { try await $0.call(.releaseHold(request), options: connection.callOptions) }
        guard case .releaseHold(let answer) = result else { return }
        try connection.output(answer) { "released \(answer.releasedSeats.joined(separator: ", "))\n" }
    }
}
