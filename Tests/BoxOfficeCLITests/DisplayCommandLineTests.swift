import BoxOfficeCore
import BoxOfficeTesting
import Foundation
import Testing

/// The display commands end to end: `showtimes`, `seats`, `bookings` and the receipt, against a real server.
///
/// Assertions marked "server:" need the server to fill a field the protocol gained with issue 12
/// (`started`, `upcoming_only`, `from_local_time`, `ListHolds`, `ListBookingsRequest.when`,
/// `tax_state`, `theatre_address`); until it does they fail, and say which.
extension CommandLineTests {
    private func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    private func showtimes(_ text: String) throws -> [[String: Any]] {
        try object(text)["showtimes"] as? [[String: Any]] ?? []
    }

    private func milliseconds(_ value: Any?) -> Int64 {
        (value as? String).flatMap { Int64($0) } ?? 0
    }

    private var nowMs: Int64 { Int64(TestCatalogue.now.timeIntervalSince1970 * 1000) }

    @Test func showtimesTodayStartWithUpcomingShowsAndShowEveryPrice() async throws {
        try await TestServer.withRunning { server, _ in
            let table = try await boxoffice(["showtimes", "--near", "10001", "--page-size", "5"], server: server)
            #expect(table.status == 0, "\(table.errors)")
            let lines = table.output.split(separator: "\n")
            let header = try #require(lines.first, "\(table.output)")
            #expect(header.hasPrefix("  ID  STARTS"), "\(table.output)")
            #expect(header.contains("THEATRE"), "--near lists several theatres")
            #expect(header.contains("ADULT   CHILD  SENIOR"), "\(table.output)")
            #expect(header.hasSuffix("LEFT  STATUS"), "\(table.output)")
            // The theatres near 10001 are in New York's zone: noon there on the test server's clock.
            let first = try #require(lines.dropFirst(2).first)
            #expect(first.contains("  Wed Jul 1, ") && first.contains(" EDT  "), "\(table.output)")
            let atTheatre = try await boxoffice(["showtimes", "--theatre", "8", "--page-size", "2"], server: server)
            #expect(atTheatre.output.split(separator: "\n").first?.contains("STARTS") == false, "a heading: the theatre's name")
            #expect(atTheatre.output.split(separator: "\n").dropFirst().first?.contains("THEATRE") == false, "\(atTheatre.output)")

            // server: upcoming_only. By default none of today's list has started.
            let upcoming = try showtimes(try await boxoffice(["showtimes", "--near", "10001", "--page-size", "100", "--json"],
                                                             server: server).output)
            #expect(!upcoming.isEmpty)
            #expect(upcoming.allSatisfy { milliseconds($0["startsAtMs"]) >= nowMs && $0["started"] == nil },
                    "server: upcoming_only; first starts \(upcoming.first?["startsAtLocal"] ?? "-")")

            // --all-day has this morning's shows too, marked started.
            let allDay = try await boxoffice(["showtimes", "--near", "10001", "--all-day", "--page-size", "100"], server: server)
            #expect(allDay.status == 0)
            let allDayJSON = try showtimes(try await boxoffice(["showtimes", "--near", "10001", "--all-day", "--page-size", "100", "--json"],
                                                               server: server).output)
            #expect(allDayJSON.contains { milliseconds($0["startsAtMs"]) < nowMs }, "the whole day, this morning included")
            #expect(allDayJSON.contains { $0["started"] as? Bool == true }, "server: Showtime.started")
            #expect(allDay.output.contains(" started\n"), "server: Showtime.started")
        }
    }

    @Test func showtimesFromATimeOfDay() async throws {
        try await TestServer.withRunning { server, _ in
            let date = TestCatalogue.startDate.adding(days: 1).description
            let result = try await boxoffice(["showtimes", "--near", "60601", "--date", date, "--from", "18:00", "--page-size", "100", "--json"],
                                             server: server)
            #expect(result.status == 0, "\(result.errors)")
            let shows = try showtimes(result.output)
            #expect(!shows.isEmpty)
            // "2026-07-02T18:15:00-05:00": the local time of day is characters 11..<16.
            let times = shows.compactMap { ($0["startsAtLocal"] as? String).map { String($0.dropFirst(11).prefix(5)) } }
            #expect(times.allSatisfy { $0 >= "18:00" }, "server: from_local_time; got \(times.prefix(3))")
        }
    }

    @Test func showtimesTimeOptionsAreCheckedBeforeAnythingIsSent() async throws {
        for (arguments, message) in [
            (["showtimes", "--theatre", "1", "--from", "25:00"], "--from must be a time of day HH:MM from 00:00 to 23:59"),
            (["showtimes", "--theatre", "1", "--from", "6pm"], "--from must be a time of day HH:MM"),
            (["showtimes", "--theatre", "1", "--from", "18:00", "--all-day"], "give --from or --all-day, not both"),
        ] {
            let result = try await boxoffice(arguments)
            #expect(result.status == 2, "\(arguments) exited \(result.status)")
            #expect(result.errors.contains(message), "\(result.errors)")
        }
        let help = try await boxoffice(["showtimes", "--help"])
        for option in ["--theatre", "--movie", "--near", "--radius", "--date", "--from", "--all-day", "--page-size", "--page-token"] {
            #expect(help.output.contains(option), "\(option)")
        }
    }

    @Test func seatsMarkYourHeldSeats() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        let stranger = try TestCatalogue.makeTemporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: home)
            try? FileManager.default.removeItem(at: stranger)
        }
        try await TestServer.withRunning { server, _ in
            let up = try await boxoffice(["signup", "--email", "sam@example.com", "--name", "Sam"], server: server,
                                         configHome: home.path, input: "hunter2hunter2\n")
            #expect(up.status == 0, "\(up.errors)")
            let date = TestCatalogue.startDate.adding(days: 1).description
            let shows = try showtimes(try await boxoffice(["showtimes", "--near", "60601", "--date", date, "--json"], server: server).output)
            let showtime = try #require(shows.first?["id"] as? String)
            let hold = try await boxoffice(["hold", "--showtime", showtime, "--seats", "C5,C6"], server: server, configHome: home.path)
            #expect(hold.status == 0, "\(hold.errors)")

            // Signed in: drawn either way; the holds' seats are marked once the server answers ListHolds.
            let mine = try await boxoffice(["seats", "--showtime", showtime], server: server, configHome: home.path)
            #expect(mine.status == 0, "\(mine.errors)")
            let rowC = try #require(mine.output.split(separator: "\n").first { $0.hasPrefix("C ") })
            #expect(rowC.filter { $0 == "*" }.count == 2, "server: ListHolds; \(rowC)")
            #expect(mine.output.contains("* yours"), "server: ListHolds")

            // Someone else sees them held, and no marks of their own.
            let theirs = try await boxoffice(["seats", "--showtime", showtime], server: server, configHome: stranger.path)
            #expect(theirs.status == 0, "\(theirs.errors)")
            let theirRowC = try #require(theirs.output.split(separator: "\n").first { $0.hasPrefix("C ") })
            #expect(theirRowC.filter { $0 == "h" }.count == 2, "\(theirRowC)")
            #expect(!theirs.output.contains("*"))
            // A token the server refuses (UNAUTHENTICATED) draws the map without marks.
            let refused = try TestCatalogue.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: refused) }
            let tokens = refused.appendingPathComponent("boxoffice/tokens")
            try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
            try Data("not-a-token".utf8).write(to: tokens.appendingPathComponent("127.0.0.1_\(server.port)"))
            let unknown = try await boxoffice(["seats", "--showtime", showtime], server: server, configHome: refused.path)
            #expect(unknown.status == 0, "\(unknown.errors)")
            #expect(!unknown.output.contains("*"))
            // The JSON is the seat map alone.
            let json = try object(try await boxoffice(["seats", "--showtime", showtime, "--json"], server: server, configHome: home.path).output)
            #expect(json["screen"] != nil && json["showtime"] != nil)
        }
    }

    @Test func bookingsSeparateUpcomingFromPastAndReceiptsTellEverything() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let clock = ManualClock()
        try await TestServer.withRunning(configure: { $0.tokenLifetime = .seconds(30 * 86_400) }, clock: clock) { server, _ in
            let up = try await boxoffice(["signup", "--email", "lee@example.com", "--name", "Lee"], server: server,
                                         configHome: home.path, input: "hunter2hunter2\n")
            #expect(up.status == 0, "\(up.errors)")
            func buy(onDay days: Int) async throws -> (code: String, receipt: String) {
                let date = TestCatalogue.startDate.adding(days: days).description
                let shows = try showtimes(try await boxoffice(["showtimes", "--near", "60601", "--date", date, "--json"], server: server).output)
                let showtime = try #require(shows.first?["id"] as? String)
                let hold = try await boxoffice(["hold", "--showtime", showtime, "--best", "2"], server: server, configHome: home.path)
                let holdID = try #require(hold.output.split(separator: "\n").last?.split(separator: " ").last.map(String.init), "\(hold.errors)")
                let bought = try await boxoffice(["purchase", "--hold", holdID, "--types", "adult,child"], server: server,
                                                 configHome: home.path, input: "4242 4242 4242 4242 12/30 123 60601\n")
                #expect(bought.status == 0, "\(bought.errors)")
                let first = try #require(bought.output.split(separator: "\n").first)
                return (String(first.dropFirst("booking ".count).prefix(9)), bought.output)
            }
            let soon = try await buy(onDay: 1)
            let later = try await buy(onDay: 3)

            // The receipt: the test server's clock is 11:00 in Chicago when it is noon in New York.
            let lines = soon.receipt.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count > 6)
            #expect(lines[4].hasPrefix("Thu Jul 2, ") && lines[4].hasSuffix(" CDT"), "\(soon.receipt)")
            #expect(soon.receipt.contains("SEAT  TICKET  KIND"))
            #expect(soon.receipt.contains("\nfees "))
            #expect(soon.receipt.contains("\npaid with Visa ending 4242\nbooked Wed Jul 1, 11:00 AM CDT\n"), "\(soon.receipt)")
            #expect(soon.receipt.contains("\ntax IL 6.25% "), "server: Booking.tax_state; \(soon.receipt)")
            #expect(lines[2].contains(", IL 60"), "server: Showtime.theatre_address; \(lines[2])")

            // Two days on, the first show is past and the second still to come.
            clock.advance(seconds: 2 * 86_400)
            let both = try await boxoffice(["bookings"], server: server, configHome: home.path)
            #expect(both.status == 0, "\(both.errors)")
            #expect(both.output.hasPrefix("Upcoming\nCODE"), "\(both.output)")
            let sections = both.output.components(separatedBy: "\nPast\n")
            #expect(sections.count == 2, "\(both.output)")
            if sections.count == 2 {
                #expect(sections[0].contains(later.code) && !sections[0].contains(soon.code), "server: ListBookingsRequest.when; \(both.output)")
                #expect(sections[1].contains(soon.code) && !sections[1].contains(later.code), "server: ListBookingsRequest.when; \(both.output)")
            }
            let past = try await boxoffice(["bookings", "--past"], server: server, configHome: home.path)
            #expect(past.output.hasPrefix("CODE"), "\(past.output)")
            #expect(past.output.contains(soon.code))
            #expect(!past.output.contains(later.code), "server: ListBookingsRequest.when")

            let json = try await boxoffice(["bookings", "--json"], server: server, configHome: home.path)
            let array = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]], "\(json.output)")
            #expect(array.count == 2)
            let upcomingCodes = (array.first?["bookings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(upcomingCodes == [later.code], "server: ListBookingsRequest.when")
            let one = try object(try await boxoffice(["bookings", "--upcoming", "--json"], server: server, configHome: home.path).output)
            #expect(one["bookings"] != nil)

            let token = try await boxoffice(["bookings", "--page-token", "1.abc"], server: server, configHome: home.path)
            #expect(token.status == 2)
            #expect(token.errors.contains("--page-token pages one section: give --upcoming or --past with it"))

            // Cancelled: when, and the refund.
            let cancelled = try await boxoffice(["cancel", later.code], server: server, configHome: home.path)
            #expect(cancelled.status == 0, "\(cancelled.errors)")
            #expect(cancelled.output.contains("\ncancelled Fri Jul 3, 11:00 AM CDT; refunded $"), "\(cancelled.output)")
        }
    }
}
