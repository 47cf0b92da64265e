import ArgumentParser

/// Paging options of list commands.
struct PageOptions: ParsableArguments {
    @Option(name: .long, help: "Results per page (default 20, at most 100).")
    var pageSize: UInt32?

    @Option(name: .long, help: "The token printed under the previous page, to see the next one.")
    var pageToken: String?
}
