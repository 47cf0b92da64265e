import ArgumentParser
import BoxOfficeCore

@main
struct BoxOfficeDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxofficed",
        abstract: "The BoxOffice movie-ticket server.",
        discussion: "With no subcommand, serves: `boxofficed` alone runs on ./boxoffice.sqlite, loading the demo catalogue if it is empty.",
        version: BoxOfficeVersion.release,
        subcommands: [ServeCommand.self, CatalogueCommand.self, NodesCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
