import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto

/// What a crowd browsing BoxOffice asks: theatres near metro ZIP codes, a theatre's showtimes,
/// and seat maps, in the proportions 4 : 4 : 2.
struct SearchWorkload: Sendable {
    static let zips = ["10001", "11201", "60601", "60614", "90028", "90210", "85004", "85251", "80202", "77002",
                       "94103", "98101", "02108", "30303", "33101", "19103", "20001", "75201", "55401", "48226"]

    var theatreIDs: [Int64]
    var showtimeIDs: [Int64]

    /// Learns real theatre and showtime ids from the server.
    static func prepare(client: BoxOfficeClient) async throws -> SearchWorkload {
        var theatreIDs: [Int64] = []
        for zip in zips {
            let answer = try? await client.searchTheatres(.with { $0.near = .with { $0.zip = zip }; $0.pageSize = 20 })
            theatreIDs += answer?.theatres.map(\.theatre.id) ?? []
        }
        var showtimeIDs: [Int64] = []
        for id in theatreIDs.prefix(40) {
            let answer = try? await client.searchShowtimes(.with { $0.theatreID = id; $0.pageSize = 20 })
            showtimeIDs += answer?.showtimes.map(\.id) ?? []
        }
        guard !theatreIDs.isEmpty, !showtimeIDs.isEmpty else {
            throw BoxOfficeClientSetupError(message: "the server has no theatres or showtimes near the workload's ZIP codes")
        }
        return SearchWorkload(theatreIDs: theatreIDs, showtimeIDs: showtimeIDs)
    }

    func nextCall(using generator: inout SplitMix64) -> Boxoffice_V1_Request.OneOf_Call {
        switch generator.next() % 10 {
        case 0..<4:
            let zip = Self.zips[Int(generator.next() % UInt64(Self.zips.count))]
            return .searchTheatres(.with { $0.near = .with { $0.zip = zip } })
        case 4..<8:
            let id = theatreIDs[Int(generator.next() % UInt64(theatreIDs.count))]
            return .searchShowtimes(.with { $0.theatreID = id })
        default:
            let id = showtimeIDs[Int(generator.next() % UInt64(showtimeIDs.count))]
            return .getSeatMap(.with { $0.showtimeID = id })
        }
    }
}

struct BoxOfficeClientSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
