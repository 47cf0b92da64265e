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

    @Option(help: ArgumentHelp(
        "Makes a retry safe: the same key gives the same hold back instead of holding more seats. Generated when not given.",
        valueName: "key"))
    var idempotencyKey: String?

    func validate() throws {
        try checkID(showtime, option: "--showtime")
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
        let key = idempotencyKey ?? UUID().uuidString.lowercased()
        var options = connection.callOptions
        options.idempotencyKey = key
        let result: Boxoffice_V1_Response.OneOf_Result
        do {
            result = try await connection.withClient { try await $0.call(.holdSeats(request), options: options) }
        } catch let error as BoxOfficeError where [.unavailable, .aborted, .deadlineExceeded, .unknown].contains(error.code) {
            // The hold may have been made: the key gets it back rather than holding more seats.
            FileHandle.standardError.write(Data("retry safely with: --idempotency-key \(key)\n".utf8))
            throw error
        }
        guard case .holdSeats(let hold) = result else { return }
        try connection.output(hold) { describe(hold, nowMs: HumanTime.nowMs) }
    }
}

struct HoldsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holds", abstract: "List your holds that still keep their seats, soonest expiry first (needs signin).")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let answer = try await connection.withClient { try await $0.listHolds(options: connection.callOptions) }
        try connection.output(answer) {
            guard !answer.holds.isEmpty else { return "no live holds\n" }
            let now = HumanTime.nowMs
            var table = TextTable(["HOLD", "SEATS", "MOVIE", "THEATRE", "STARTS", "EXPIRES"])
            for hold in answer.holds {
                let show = hold.showtime
                table.append([hold.holdID, hold.seats.joined(separator: ","), show.movieTitle, show.theatreName,
                              HumanTime.local(ms: show.startsAtMs, zone: show.timeZone),
                              HumanTime.timeLeft(untilMs: hold.expiresAtMs, nowMs: now)])
            }
            return table.render()
        }
    }
}

/// A new hold as its buyer reads it: which seats, of what, and until when.
func describe(_ hold: Boxoffice_V1_Hold, nowMs: Int64) -> String {
    let show = hold.showtime
    let what = show.movieTitle.isEmpty
        ? "showtime \(hold.showtimeID)"
        : "\(show.movieTitle) at \(show.theatreName), \(show.screenName), \(HumanTime.local(ms: show.startsAtMs, zone: show.timeZone))"
    // The id comes last, on a line of its own, for scripts that take the last word.
    return """
        held \(hold.seats.joined(separator: ", ")) for \(what)
        expires \(HumanTime.expiry(ms: hold.expiresAtMs, zone: show.timeZone, nowMs: nowMs))
        hold id: \(hold.holdID)

        """
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
