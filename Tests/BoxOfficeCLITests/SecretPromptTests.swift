import BoxOfficeTesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Passwords and cards typed at a real terminal (a pseudo-terminal the test drives, as a person
/// would type): the prompt shows, and what is typed is never echoed back.
@Suite("Secret prompts on a terminal", .timeLimit(.minutes(2)))
struct SecretPromptTests {
    /// Runs `boxoffice ARGUMENTS` on a new pseudo-terminal; each time the screen shows a prompt of
    /// `answers` (in order), types its answer and Enter. Returns everything the terminal showed.
    func onTerminal(_ arguments: [String], server: TestServer, configHome: String,
                    answers: [(prompt: String, typed: String)]) async throws -> (screen: String, status: Int32) {
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw POSIXError(.ENOTTY) }
        defer { close(master) }
        var environment = ProcessInfo.processInfo.environment
        environment["BOXOFFICE_SERVER"] = "\(server.host):\(server.port)"
        environment["XDG_CONFIG_HOME"] = configHome
        // Times left are measured from the test server's clock.
        environment["BOXOFFICE_NOW_MS"] = "\(Int64(TestCatalogue.now.timeIntervalSince1970 * 1000))"
        let process = try ChildProcess(ServerProcess.buildDirectory.appendingPathComponent("boxoffice").path, arguments,
                                       environment: environment, standardInput: .descriptor(slave),
                                       standardOutput: .descriptor(slave), standardError: .descriptor(slave))
        close(slave)

        var screen = ""
        var pending = answers[...]
        var buffer = [UInt8](repeating: 0, count: 4096)
        // Bounded: the suite's time limit ends a run that never shows its prompt.
        while true {
            var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) >= 0 else { break }
            if poller.revents & Int16(POLLIN) != 0 {
                let count = read(master, &buffer, buffer.count)
                if count <= 0 { break }  // EIO: the child closed the terminal
                screen += String(decoding: buffer[0..<count], as: UTF8.self)
            } else if poller.revents & Int16(POLLHUP) != 0 || process.hasExited {
                break
            }
            if let next = pending.first, screen.hasSuffix(next.prompt) {
                pending.removeFirst()
                _ = (next.typed + "\r").withCString { write(master, $0, strlen($0)) }
            }
        }
        return (screen, await process.waitForExit())
    }

    @Test func aPasswordIsPromptedForAndNotEchoed() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestServer.withRunning { server, _ in
            let up = try await onTerminal(["signup", "--email", "tty@example.com", "--name", "Terry"], server: server, configHome: home.path,
                                    answers: [("Choose a password (at least 8 characters): ", "secret-words-42")])
            #expect(up.status == 0, "\(up.screen)")
            #expect(up.screen.contains("signed up as Terry <tty@example.com>"))
            #expect(!up.screen.contains("secret-words-42"), "the password was echoed: \(up.screen)")

            let signIn = try await onTerminal(["signin", "--email", "tty@example.com"], server: server, configHome: home.path,
                                        answers: [("Password: ", "secret-words-42")])
            #expect(signIn.status == 0, "\(signIn.screen)")
            #expect(signIn.screen.contains("Password: "))
            #expect(signIn.screen.contains("signed in as Terry"))
            #expect(!signIn.screen.contains("secret-words-42"))
        }
    }

    @Test func aCardIsPromptedForWithTheNumberAndCodeHidden() async throws {
        let home = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await TestServer.withRunning { server, _ in
            _ = try await onTerminal(["signup", "--email", "card@example.com", "--name", "Cara"], server: server, configHome: home.path,
                               answers: [("Choose a password (at least 8 characters): ", "secret-words-42")])
            let client = try await server.connect()
            let shows = try await client.searchShowtimes(.with {
                $0.near = .with { $0.zip = "60601" }
                $0.date = TestCatalogue.startDate.adding(days: 1).description
            })
            let showtime = try #require(shows.showtimes.first).id
            await client.close()
            let hold = try await onTerminal(["hold", "--showtime", "\(showtime)", "--seats", "D4"], server: server, configHome: home.path,
                                      answers: [])
            let holdID = try #require(hold.screen.components(separatedBy: "hold id: ").last?
                .trimmingCharacters(in: .whitespacesAndNewlines))
            // On a terminal the quote comes first, and nothing is bought unless the buyer says yes.
            let declined = try await onTerminal(["purchase", "--hold", holdID], server: server, configHome: home.path,
                                          answers: [("? [y/N] ", "n")])
            #expect(declined.status == 11, "\(declined.screen)")  // CANCELLED
            #expect(declined.screen.contains("tax IL 6.25%"), "\(declined.screen)")
            #expect(declined.screen.contains("(in 5:00)"), "\(declined.screen)")
            #expect(declined.screen.contains("CANCELLED: nothing was bought; hold \(holdID) keeps its seats"))
            #expect(!declined.screen.contains("Card number: "))
            let bought = try await onTerminal(["purchase", "--hold", holdID], server: server, configHome: home.path, answers: [
                ("? [y/N] ", "y"),
                ("Card number: ", "4242424242424242"), ("Expiry (MM/YY): ", "12/30"),
                ("Security code (CVC): ", "321"), ("Billing ZIP code: ", "60601"),
            ])
            #expect(bought.status == 0, "\(bought.screen)")
            #expect(bought.screen.contains("paid with Visa ending 4242"))
            #expect(!bought.screen.contains("4242424242424242"), "the card number was echoed")
            #expect(!bought.screen.contains("321\r"), "the security code was echoed")
            #expect(bought.screen.contains("12/30"), "the expiry is echoed, as on a paper form")
            let total = try #require(bought.screen.components(separatedBy: "  total ").dropFirst().first?.prefix { $0 == "$" || $0 == "." || $0.isNumber })
            #expect(bought.screen.contains("Pay \(total)? [y/N] "), "the question names the quote's total")

            // --yes asks nothing before the card.
            let again = try await onTerminal(["hold", "--showtime", "\(showtime)", "--seats", "D5"], server: server, configHome: home.path, answers: [])
            let secondHold = try #require(again.screen.components(separatedBy: "hold id: ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
            let quick = try await onTerminal(["purchase", "--hold", secondHold, "--yes"], server: server, configHome: home.path, answers: [
                ("Card number: ", "4242424242424242"), ("Expiry (MM/YY): ", "12/30"),
                ("Security code (CVC): ", "321"), ("Billing ZIP code: ", "60601"),
            ])
            #expect(quick.status == 0, "\(quick.screen)")
            #expect(!quick.screen.contains("[y/N]"))
        }
    }
}
