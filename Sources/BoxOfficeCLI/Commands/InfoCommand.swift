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
            return """
                BoxOffice \(info.version) (protocol v\(info.protocolVersion)), \(info.ready ? "ready" : "not ready"), up \(info.uptimeMs / 1000) s
                catalogue: \(catalogue.theatres) theatres, \(catalogue.screens) screens, \(catalogue.movies) movies, \
                \(catalogue.showtimes) showtimes from \(catalogue.firstDate) to \(catalogue.lastDate)
                limits: frames up to \(limits.maxFrameBytes) bytes, default deadline \(limits.defaultDeadlineMs) ms, \
                idle timeout \(limits.idleTimeoutMs / 1000) s, pages up to \(limits.maxPageSize), \
                \(limits.maxCallsInFlightPerConnection) calls in flight per connection

                """
        }
    }
}
