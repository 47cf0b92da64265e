import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

/// Where the virtual users look: ZIP codes of the demo catalogue's metros, and the showtimes on sale near them.
enum CatalogueSample {
    /// Two ZIP codes in each metro of the demo catalogue (New York, Los Angeles, Chicago, Phoenix,
    /// Denver, Houston): searches near them find theatres.
    static let zips = ["10001", "11201", "90028", "90210", "60601", "60614", "85004", "85251", "80202", "80205", "77002", "77030"]

    /// The day whose showtimes a run sells: the catalogue's last, in the server's future whatever
    /// its clock (or this machine's) says, so holds stay possible through any run.
    static func saleDate(client: BoxOfficeConnection) async throws -> String {
        try await client.getInfo().catalogue.lastDate
    }

    /// Showtimes near the sample's ZIP codes on `date`, at most `limit`, in id order.
    static func showtimesOnSale(client: BoxOfficeConnection, date: String, limit: Int) async throws -> [Int64] {
        var showtimeIDs: Set<Int64> = []
        for zip in zips {
            let theatres = try? await client.searchTheatres(.with { $0.near = .with { $0.zip = zip }; $0.pageSize = 100 })
            for theatre in theatres?.theatres ?? [] {
                var token = ""
                repeat {
                    guard let page = try? await client.searchShowtimes(.with {
                        $0.theatreID = theatre.theatre.id; $0.date = date; $0.pageSize = 100; $0.pageToken = token
                    }) else { break }
                    showtimeIDs.formUnion(page.showtimes.map(\.id))
                    token = page.nextPageToken
                } while !token.isEmpty
            }
        }
        guard !showtimeIDs.isEmpty else {
            throw SoakSetupError("the server has no showtimes on \(date) near the workload's ZIP codes")
        }
        return Array(showtimeIDs.sorted().prefix(limit))
    }

    /// Reads every showtime's seat map once, so the run measures selling seats, not a server's
    /// first look at thousands of showtimes (as at a box office where tonight's shows are on sale).
    static func open(_ showtimeIDs: [Int64], client: BoxOfficeConnection) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: showtimeIDs.count, by: 100) {
                let ids = showtimeIDs[chunk..<min(chunk + 100, showtimeIDs.count)]
                group.addTask { for id in ids { _ = try await client.sendPatiently(.getSeatMap(.with { $0.showtimeID = id })) } }
            }
            try await group.waitForAll()
        }
    }
}

/// The run could not start: the server lacks what the scenario needs.
public struct SoakSetupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
