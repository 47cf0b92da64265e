import ArgumentParser

struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the server's version, uptime, catalogue and limits.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let info = try await connection.withClient { try await $0.getInfo(options: connection.callOptions) }
        try connection.output(info) {
            let catalogue = info.catalogue
            let limits = info.limits
            let rateLimits = limits.rateLimits.isEmpty ? "off" : limits.rateLimits.map { limit in
                let unit = switch limit.periodSeconds { case 1: "s"; case 60: "min"; case 3600: "h"; default: "\(limit.periodSeconds) s" }
                return "\(limit.callClass) \(limit.count)/\(unit) (burst \(limit.burst))"
            }.joined(separator: ", ")
            let botGuard = limits.botBlockThreshold == 0 ? "off"
                : "blocks at score \(Int(limits.botBlockThreshold)) for \(limits.botCooldownSeconds) s"
            return """
                BoxOffice \(info.version) (protocol v\(info.protocolVersion)), \(info.ready ? "ready" : "not ready"), up \(info.uptimeMs / 1000) s
                catalogue: \(catalogue.theatres) theatres, \(catalogue.screens) screens, \(catalogue.movies) movies, \
                \(catalogue.showtimes) showtimes from \(catalogue.firstDate) to \(catalogue.lastDate)
                limits: frames up to \(limits.maxFrameBytes) bytes, default deadline \(limits.defaultDeadlineMs) ms, \
                idle timeout \(limits.idleTimeoutMs / 1000) s, pages up to \(limits.maxPageSize), \
                \(limits.maxCallsInFlightPerConnection) calls in flight per connection
                holds: \(limits.holdSeconds) s, up to \(limits.maxSeatsPerHold) seats
                connections: \(limits.maxConnections) in all, \(limits.maxConnectionsPerAddress) per address
                rate limits per client: \(rateLimits)
                bot guard: \(botGuard)

                """
        }
    }
}
