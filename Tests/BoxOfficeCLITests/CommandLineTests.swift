import BoxOfficeCore
import BoxOfficeTesting
import Foundation
import Testing

/// The `boxoffice` executable against a real server: tables, JSON and exit statuses.
@Suite("boxoffice command line", .timeLimit(.minutes(2)))
struct CommandLineTests {
    /// Runs the `boxoffice` built beside this test bundle.
    /// `input` is written to its standard input (a password line, a card line); without it, standard input is empty.
    /// `nowMs` sets BOXOFFICE_NOW_MS, the instant the CLI measures times left from.
    func boxoffice(_ arguments: [String], server: TestServer? = nil, configHome: String? = nil, input: String? = nil,
                   nowMs: Int64? = nil) async throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["BOXOFFICE_SERVER"] = server.map { "\($0.host):\($0.port)" } ?? "127.0.0.1:1"
        if let configHome { environment["XDG_CONFIG_HOME"] = configHome }
        if let nowMs { environment["BOXOFFICE_NOW_MS"] = "\(nowMs)" }
        return try await ChildProcess.run(ServerProcess.buildDirectory.appendingPathComponent("boxoffice").path, arguments,
                                          environment: environment, input: input)
    }

    @Test func theatresPrintATableAndExitZero() async throws {
        try await TestServer.withRunning { server, _ in
            let result = try await boxoffice(["theatres", "--near", "10001", "--page-size", "3"], server: server)
            #expect(result.status == 0, "\(result.errors)")
            #expect(result.output.hasPrefix("ID  THEATRE"))
            #expect(result.output.contains(" mi\n"))
            #expect(result.output.contains("next page: --page-token"))
        }
    }

    @Test func aPageFooterSaysWhichResultsItShowed() async throws {
        try await TestServer.withRunning { server, _ in
            let first = try await boxoffice(["theatres", "--near", "10001", "--page-size", "3"], server: server)
            let footer = try #require(first.output.split(separator: "\n").last.map(String.init))
            let total = try #require(footer.split(separator: " ").dropFirst(2).first.map { String($0.prefix { $0.isNumber }) })
            #expect(footer.hasPrefix("1–3 of \(total); next page: --page-token "), "\(footer)")
            let token = try #require(footer.components(separatedBy: "--page-token ").last)
            let second = try await boxoffice(["theatres", "--near", "10001", "--page-size", "3", "--page-token", token], server: server)
            #expect(second.output.contains("\n4–6 of \(total)"), "\(second.output)")
        }
    }

    @Test func jsonIsProtobufCanonicalJSON() async throws {
        try await TestServer.withRunning { server, _ in
            let result = try await boxoffice(["theatres", "--near", "Chicago, IL", "--json"], server: server)
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            let theatres = try #require(object["theatres"] as? [[String: Any]])
            #expect(!theatres.isEmpty)
            #expect(theatres.first?["distanceMiles"] != nil)
        }
    }

    @Test func everySearchCommandRuns() async throws {
        try await TestServer.withRunning { server, _ in
            let date = TestCatalogue.startDate.description
            for arguments in [
                ["info"],
                ["movies", "--title", "the"],
                ["movies", "--near", "90028", "--date", date],
                ["showtimes", "--near", "85004", "--date", date],
                ["screens", "--theatre", "1"],
            ] {
                let result = try await boxoffice(arguments, server: server)
                #expect(result.status == 0, "\(arguments): \(result.errors)")
                #expect(!result.output.isEmpty)
            }
            let info = try await boxoffice(["info"], server: server)
            #expect(info.output.contains("rate limits per client: search 20/s (burst 40), seat-map 5/s (burst 10), hold 1/s (burst 3)"))
            #expect(info.output.contains("bot guard: blocks at score 100 for 900 s"))
            let showtimes = try await boxoffice(["showtimes", "--theatre", "1", "--json"], server: server)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(showtimes.output.utf8)) as? [String: Any])
            let first = try #require((object["showtimes"] as? [[String: Any]])?.first)
            let id = try #require(first["id"] as? String)  // int64 is a string in canonical JSON
            let seats = try await boxoffice(["seats", "--showtime", id], server: server)
            #expect(seats.status == 0)
            #expect(seats.output.contains("SCREEN"))
            #expect(seats.output.contains("o standard $"))
        }
    }

    @Test func serverErrorsExitTenPlusTheirCode() async throws {
        try await TestServer.withRunning { server, _ in
            let notFound = try await boxoffice(["theatres", "--near", "99501"], server: server)
            #expect(notFound.status == 15)
            #expect(notFound.errors.hasPrefix("NOT_FOUND: no theatres within 25 miles"))
            // A place only the server can know is not there.
            let invalid = try await boxoffice(["theatres", "--near", "Nowhereville, NY"], server: server)
            #expect(invalid.status == 13)
            #expect(invalid.errors.hasPrefix("INVALID_ARGUMENT: no city \"Nowhereville\" in NY"))
            let missing = try await boxoffice(["seats", "--showtime", "99999999"], server: server)
            #expect(missing.status == 15)
        }
    }

    @Test func signUpAndSignInKeepTheTokenOwnerOnly() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestServer.withRunning { server, _ in
            let up = try await boxoffice(["signup", "--email", "kay@example.com", "--name", "Kay"],
                                         server: server, configHome: home.path, input: "hunter2hunter2\n")
            #expect(up.status == 0, "\(up.errors)")
            #expect(up.output.hasPrefix("signed up as Kay <kay@example.com>"))
            // One token file per server address, so another server's sign-in does not replace it.
            let tokenPath = home.appendingPathComponent("boxoffice/tokens/127.0.0.1_\(server.port)").path
            #expect(up.output.contains("token saved to \(tokenPath)"))
            let token = try #require(FileManager.default.contents(atPath: tokenPath))
            #expect(token.count > 20)
            let permissions = try FileManager.default.attributesOfItem(atPath: tokenPath)[.posixPermissions] as? Int
            #expect(permissions == 0o600)
            let wrong = try await boxoffice(["signin", "--email", "kay@example.com"],
                                            server: server, configHome: home.path, input: "wrong password\n")
            #expect(wrong.status == 26)
            #expect(wrong.errors.hasPrefix("UNAUTHENTICATED: "))
            let again = try await boxoffice(["signup", "--email", "KAY@example.com", "--name", "Kay"],
                                            server: server, configHome: home.path, input: "hunter2hunter2\n")
            #expect(again.status == 16)
            let signIn = try await boxoffice(["signin", "--email", "kay@example.com", "--json"],
                                             server: server, configHome: home.path, input: "hunter2hunter2\n")
            #expect(signIn.status == 0)
            #expect(signIn.output.contains("\"email\":\"kay@example.com\""))

            // The saved token lets hold and release work.
            let shows = try await boxoffice(["showtimes", "--near", "60601", "--date", TestCatalogue.startDate.adding(days: 1).description, "--json"],
                                            server: server, configHome: home.path)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(shows.output.utf8)) as? [String: Any])
            let showtime = try #require((object["showtimes"] as? [[String: Any]])?.first?["id"] as? String)
            let hold = try await boxoffice(["hold", "--showtime", showtime, "--seats", "c5,C6"], server: server, configHome: home.path)
            #expect(hold.status == 0, "\(hold.errors)")
            #expect(hold.output.hasPrefix("held C5, C6 for "), "\(hold.output)")
            let holdID = try #require(hold.output.split(separator: "\n").last?.split(separator: " ").last.map(String.init))
            let taken = try await boxoffice(["hold", "--showtime", showtime, "--seats", "C6"], server: server, configHome: home.path)
            #expect(taken.status == 16)  // ALREADY_EXISTS
            let release = try await boxoffice(["release", holdID], server: server, configHome: home.path)
            #expect(release.status == 0)
            #expect(release.output == "released C5, C6\n")

            // Hold again, buy with the test card, list, show, cancel.
            let rehold = try await boxoffice(["hold", "--showtime", showtime, "--seats", "C5,C6"], server: server, configHome: home.path)
            let secondHold = try #require(rehold.output.split(separator: "\n").last?.split(separator: " ").last.map(String.init))
            let declined = try await boxoffice(["purchase", "--hold", secondHold], server: server, configHome: home.path,
                                               input: "4000 0000 0000 0002 12/30 123 10001\n")
            #expect(declined.status == 19)  // FAILED_PRECONDITION
            #expect(declined.errors.contains("declined"))
            let bought = try await boxoffice(["purchase", "--hold", secondHold, "--types", "adult,senior"], server: server,
                                             configHome: home.path, input: "4242 4242 4242 4242 12/30 123 10001\n")
            #expect(bought.status == 0, "\(bought.errors)")
            let firstLine = try #require(bought.output.split(separator: "\n").first)
            #expect(firstLine.hasPrefix("booking ") && firstLine.hasSuffix(": confirmed"))
            let code = String(firstLine.dropFirst("booking ".count).prefix(9))
            #expect(bought.output.contains("C6    senior"))
            #expect(bought.output.contains("paid with Visa ending 4242"))
            let list = try await boxoffice(["bookings"], server: server, configHome: home.path)
            #expect(list.output.hasPrefix("Upcoming\nCODE"))
            #expect(list.output.contains("\(code)  confirmed"))
            let shown = try await boxoffice(["booking", code.lowercased(), "--json"], server: server, configHome: home.path)
            #expect(shown.output.contains("\"code\":\"\(code)\""))
            let cancelled = try await boxoffice(["cancel", code], server: server, configHome: home.path)
            #expect(cancelled.status == 0)
            #expect(cancelled.output.contains("; refunded $"))
            let twice = try await boxoffice(["cancel", code], server: server, configHome: home.path)
            #expect(twice.status == 19)
            let badExpiry = try await boxoffice(["purchase", "--hold", secondHold], server: server, configHome: home.path,
                                                input: "4242424242424242 2030-12 123 10001\n")
            #expect(badExpiry.status == 2)
            #expect(badExpiry.errors.contains("the card's expiry must be MM/YY"))
            // Secrets are never arguments: the options that took them are gone.
            for arguments in [["signin", "--email", "kay@example.com", "--password", "hunter2hunter2"],
                              ["purchase", "--hold", secondHold, "--card", "4242424242424242"]] {
                let refused = try await boxoffice(arguments, server: server, configHome: home.path)
                #expect(refused.status == 2, "\(arguments)")
                #expect(refused.errors.contains("Unknown option"), "\(refused.errors)")
            }
        }
    }

    /// The soak tool's opening-night crush against a real server: every buyer answered, invariants hold.
    @Test func hotShowSellsEachSeatOnceAndChecksItsInvariants() async throws {
        try await TestServer.withRunning { server, _ in
            // --duration does not apply to a race: the report says so instead of ignoring it quietly.
            let result = try await ChildProcess.run(ServerProcess.buildDirectory.appendingPathComponent("boxoffice-soak").path, [
                "--server", "\(server.host):\(server.port)", "--scenario", "hot-show", "--users", "300", "--connections", "4",
                "--database", server.databasePath, "--duration", "5",
            ])
            let (status, text) = (result.status, result.output)
            #expect(status == 0, "\(text)")
            #expect(text.contains("300 of 300 buyers answered"))
            #expect(text.contains("--duration and --calls do not apply: hot-show is one race, over when every buyer has an answer"))
            #expect(text.contains("calls answered (OK or not)"))
            #expect(text.contains("invariants: all held"))
            #expect(text.contains("checked in the database too"))
            #expect(!text.contains("INVARIANT BROKEN"))
        }
    }

    @Test func usageErrorsExitTwo() async throws {
        for arguments in [["theatres"], ["theatres", "--near", "Toronto, ON"], ["frobnicate"],
                          ["showtimes"], ["movies", "--date", "2026-07-01"], ["info", "--server", "nope"]] {
            let result = try await boxoffice(arguments)
            #expect(result.status == 2, "\(arguments) exited \(result.status): \(result.errors)")
            #expect(!result.errors.isEmpty)
        }
    }

    @Test func holdUsageErrorsSayWhatIsMissing() async throws {
        let cases: [([String], String)] = [
            (["hold", "--showtime", "7"], "say which seats: --seats F11,F12, or --best N"),
            (["hold", "--showtime", "7", "--seats", "A1", "--best", "2"], "give --seats or --best, not both"),
            (["hold", "--showtime", "7", "--best", "11"], "--best must be 1 to \(ProtocolLimits.maxSeatsPerHold)"),
        ]
        for (arguments, message) in cases {
            let result = try await boxoffice(arguments)
            #expect(result.status == 2, "\(arguments) exited \(result.status)")
            #expect(result.errors.contains(message), "\(result.errors)")
        }
    }

    @Test func anUnreachableServerIsUnavailable() async throws {
        let result = try await boxoffice(["info"])
        #expect(result.status == 24)
        #expect(result.errors.hasPrefix("UNAVAILABLE: cannot connect to 127.0.0.1:1"))
    }

    @Test func helpExplainsEveryOption() async throws {
        let result = try await boxoffice(["theatres", "--help"])
        #expect(result.status == 0)
        for option in ["--near", "--radius", "--movie", "--date", "--page-size", "--page-token", "--server", "--json"] {
            #expect(result.output.contains(option))
        }
    }
}
