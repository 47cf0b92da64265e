import ArgumentParser
import BoxOfficeProto

struct ScreensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screens", abstract: "List a theatre's auditoriums with their format and seats.")

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("A theatre id (see `boxoffice theatres`).", valueName: "theatre-id"))
    var theatre: Int64

    @OptionGroup var page: PageOptions

    func validate() throws {
        try checkID(theatre, option: "--theatre")
    }

    func run() async throws {
        let request = Boxoffice_V1_ListScreensRequest.with {
            $0.theatreID = theatre
            $0.pageSize = page.pageSize ?? 0
            $0.pageToken = page.pageToken ?? ""
        }
        let answer = try await connection.withClient { try await $0.listScreens(request, options: connection.callOptions) }
        try connection.output(answer) {
            var table = TextTable(["ID", "SCREEN", "FORMAT", "SEATS", "ROWS", "WHEELCHAIR", "PREMIUM"], rightAligned: [0, 3, 4, 5, 6])
            for screen in answer.screens {
                let seats = screen.rows.flatMap(\.seats)
                table.append(["\(screen.id)", screen.name, screen.format.label, "\(screen.capacity)", "\(screen.rows.count)",
                              "\(seats.filter { $0.kind == .wheelchair }.count)", "\(seats.filter { $0.kind == .premium }.count)"])
            }
            return "\(answer.theatre.name), \(answer.theatre.address.city), \(answer.theatre.address.state)\n"
                + table.render() + pageFooter(shown: answer.screens.count, total: answer.total, pageToken: page.pageToken ?? "", nextToken: answer.nextPageToken)
        }
    }
}
