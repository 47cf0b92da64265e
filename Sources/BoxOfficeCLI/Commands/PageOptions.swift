import ArgumentParser
import BoxOfficeCore

/// Paging options of list commands.
struct PageOptions: ParsableArguments {
    @Option(name: .long, help: "Results per page (default \(ProtocolLimits.defaultPageSize), at most \(ProtocolLimits.maxPageSize)).")
    var pageSize: UInt32?

    @Option(name: .long, help: "The token printed under the previous page, to see the next one.")
    var pageToken: String?
}
