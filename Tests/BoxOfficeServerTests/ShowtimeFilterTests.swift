import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeTesting
import Foundation
import Testing

/// `SearchShowtimes`' start-after filters and the `started` mark, over loopback. The test clock
/// stands at noon in New York (11:00 in Chicago) on the catalogue's first day.
@Suite("Showtimes from now over loopback", .timeLimit(.minutes(2)))
struct ShowtimeFilterTests {
    private let today = TestCatalogue.startDate.description
    private let nowMs = Int64(TestCatalogue.now.timeIntervalSince1970 * 1000)

    private func theatreShows(_ client: BoxOfficeConnection, _ configure: (inout Boxoffice_V1_SearchShowtimesRequest) -> Void = { _ in })
        async throws -> [Boxoffice_V1_Showtime] {
        let theatre = try await client.searchTheatres(.with { $0.near = .with { $0.zip = "60601" } }).theatres[0].theatre
        return try await client.searchShowtimes(.with {
            $0.theatreID = theatre.id
            $0.date = today
            $0.pageSize = 100
            configure(&$0)
        }).showtimes
    }

    @Test func startedShowsAreMarkedAndUpcomingOnlyLeavesThemOut() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let all = try await theatreShows(client)
            let started = all.filter(\.started)
            #expect(!started.isEmpty, "the demo has morning shows before 11:00 in Chicago")
            #expect(started.allSatisfy { $0.startsAtMs <= nowMs })
            #expect(all.filter { !$0.started }.allSatisfy { $0.startsAtMs > nowMs })
            let upcoming = try await theatreShows(client) { $0.upcomingOnly = true }
            #expect(upcoming.map(\.id) == all.filter { !$0.started }.map(\.id))
            await client.close()
        }
    }

    @Test func fromLocalTimeStartsTheListAtThatTimeInTheTheatresZone() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let all = try await theatreShows(client)
            let evening = try await theatreShows(client) { $0.fromLocalTime = "18:00" }
            #expect(!evening.isEmpty)
            // "2026-07-01T18:30:00-05:00": the local hour is in the RFC 3339 text.
            #expect(evening.allSatisfy { $0.startsAtLocal.dropFirst(11).prefix(5) >= "18:00" })
            #expect(evening.count == all.filter { $0.startsAtLocal.dropFirst(11).prefix(5) >= "18:00" }.count)
            for bad in ["6pm", "24:00", "18:60", "8:00"] {
                let answer = try await client.send(.searchShowtimes(.with { $0.theatreID = 1; $0.fromLocalTime = bad }))
                #expect(answer.status.code == .invalidArgument)
                #expect(answer.status.message.contains("HH:MM"))
            }
            let none = try await client.send(.searchShowtimes(.with {
                $0.theatreID = evening[0].theatreID; $0.date = today; $0.fromLocalTime = "23:59"
            }))
            #expect(none.status.code == .notFound)
            #expect(none.status.message.hasSuffix("from 23:59"))
            await client.close()
        }
    }
}
