public import BoxOfficeClient
import BoxOfficeCore
import Foundation

/// For tests against a `boxofficed` process, whose demo catalogue is dated by the real clock.
public enum FutureShowtimes {
    /// Up to eight showtimes near New York starting at least two hours from now, today or tomorrow.
    public static func nearNewYork(_ client: BoxOfficeConnection) async throws -> [Int64] {
        let soon = Int64(Date().timeIntervalSince1970 * 1000) + 2 * 3600 * 1000
        var found: [Int64] = []
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        let tomorrow = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(86_400))
        let tomorrowText = LocalDate(year: tomorrow.year!, month: tomorrow.month!, day: tomorrow.day!).description
        for date in ["", tomorrowText] {
            let page = try await client.searchShowtimes(.with {
                $0.near = .with { $0.zip = "10001" }
                $0.date = date
                $0.pageSize = 100
            })
            found += page.showtimes.filter { $0.startsAtMs > soon }.map(\.id)
        }
        return Array(found.prefix(8))
    }
}
