import BoxOfficeClient
import BoxOfficeProto
import Foundation
import Logging
import Synchronization

/// How to run a scenario.
public struct SoakOptions: Sendable {
    public var server: ServerAddress
    /// Virtual users, spread round-robin over the connections.
    public var users = 64
    public var connections = 16
    public var pacing = Pacing.closed
    /// Seconds of measuring; nil runs 10 s, or until `calls` when that is set.
    public var duration: Double?
    /// Measured calls after which the run ends.
    public var calls: Int?
    /// Unmeasured seconds before measuring starts.
    public var warmup = 2.0
    /// The server's database, its SQLite file or PostgreSQL database, to check the invariants in it
    /// too (read-only).
    public var database: ServerDatabase?
    /// The server's process id, to follow its resident memory.
    public var serverPID: Int32?
    /// A line on standard error every second.
    public var liveLines = true
    /// Times a call answered UNAVAILABLE (or whose connection died) is tried again, on a new
    /// connection if need be; 0 records the first answer.
    public var retries = 0

    public init(server: ServerAddress) {
        self.server = server
    }
}

/// Runs scenarios and reports them.
public enum Soak {
    public static func run(_ scenario: Scenario, options: SoakOptions) async throws -> SoakReport {
        switch scenario {
        case .echo:
            let echo = try await EchoServer.start()
            var local = options
            local.server = ServerAddress(host: "127.0.0.1", port: echo.port)
            local.serverPID = nil
            defer { Task { await echo.stop() } }
            return try await load(scenario, options: local)
        default:
            return try await load(scenario, options: options)
        }
    }

    /// Signs users up when the scenario needs it, drives them, then checks the invariants.
    private static func load(_ scenario: Scenario, options: SoakOptions) async throws -> SoakReport {
        let server = options.server
        // A PostgreSQL database the check could not reach would fail the run only at its end.
        if scenario.sellsSeats, case .postgres(let url)? = options.database {
            try await url.probe(logger: Logger(label: "boxoffice.soak", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
        let clients = try await server.connect(count: options.connections)
        let shared = clients.map { SharedConnection($0, server: server) }
        defer { for connection in shared { Task { await connection.close() } } }
        let recorder = Recorder()
        let tokens: [String?] = scenario.signsIn
            ? try await Accounts.signUp(options.users, at: server, label: scenario.rawValue)
            : Array(repeating: nil, count: options.users)

        let saleDate = scenario == .echo ? "" : try await CatalogueSample.saleDate(client: clients[0])
        var notes: [String] = []
        var journey: @Sendable (inout VirtualUser) async throws -> Void
        var hotShow: Boxoffice_V1_Showtime?
        let answered = Counter()
        switch scenario {
        case .browse:
            journey = { try await PeopleJourneys.browse(&$0) }
        case .buy:
            journey = { try await PeopleJourneys.buy(&$0) }
        case .purchase:
            let showtimes = try await CatalogueSample.showtimesOnSale(client: clients[0], date: saleDate, limit: 2_000)
            try await CatalogueSample.open(showtimes, client: clients[0])
            notes.append("\(showtimes.count) showtimes on sale, each opened before the run")
            journey = { try await PeopleJourneys.book(&$0, showtimes: showtimes) }
        case .hotShow:
            let show = try await HotShow.pickShowtime(client: clients[0], lastDay: saleDate)
            hotShow = show
            notes.append("showtime \(show.id): \(show.capacity) seats, \(options.users) buyers at once")
            if options.duration != nil || options.calls != nil {
                notes.append("--duration and --calls do not apply: hot-show is one race, over when every buyer has an answer")
            }
            journey = { user in if try await HotShow.race(&user, showtime: show.id) { answered.add() } }
        case .bots, .mixed:
            journey = { user in
                if user.role.isBot {
                    try await BotJourneys.run(&user)
                } else if user.random.chance(0.6) {
                    try await PeopleJourneys.browse(&user)
                } else {
                    try await PeopleJourneys.buy(&user)
                }
            }
        case .echo:
            journey = { user in _ = try await user.send(.searchTheatres(.with { $0.near = .with { $0.zip = "10001" } })) }
        }

        let once = scenario == .hotShow
        let warmup = once ? 0 : options.warmup
        let seconds = options.duration ?? (options.calls == nil ? 10 : 86_400)
        let budget = RunBudget(duration: .seconds(once ? 86_400 : seconds), maxCalls: options.calls)
        let users = (0..<options.users).map { index in
            let connection = index % clients.count
            let role = scenario.role(ofConnection: connection, of: clients.count)
            let thinks = [.bots, .mixed].contains(scenario) && role == .human
            return VirtualUser(index: index, role: role, connection: shared[connection], retries: options.retries, token: tokens[index],
                               saleDate: saleDate, recorder: recorder,
                               budget: budget, pacing: options.pacing, users: options.users,
                               thinkMilliseconds: thinks ? 300...1_500 : nil)
        }
        let memory = options.serverPID.map(ServerMemory.init)
        let measured = try await drive(users, once: once, warmup: warmup, recorder: recorder, budget: budget,
                                       memory: memory, liveLines: options.liveLines, journey: journey)

        var report = SoakReport(scenario: scenario.rawValue, settings: settings(of: options, scenario: scenario),
                                figures: recorder.summary(seconds: measured), notes: notes)
        report.memory = memory?.figures
        if options.retries > 0 {
            report.notes.append("retried: \(recorder.retryCount) UNAVAILABLE answers (at most \(options.retries) times a call)")
        }
        if scenario.sellsSeats {
            var checks = InvariantChecks()
            let confirmed = recorder.confirmed
            try await checks.checkThroughAPI(confirmed: confirmed, touched: recorder.touched, server: server, freshShowtime: hotShow?.id)
            if let show = hotShow {
                let sold = confirmed.reduce(0) { $0 + $1.seats.count }
                report.notes.append("confirmed: \(confirmed.count) bookings, \(sold) of \(show.capacity) seats; "
                                    + "\(answered.value) of \(options.users) buyers answered")
                checks.checked.insert("every buyer answered", at: 0)
                if answered.value != options.users { checks.broken.append("only \(answered.value) of \(options.users) buyers got an answer") }
            }
            if let database = options.database {
                try await checks.checkDatabase(database, touched: recorder.touched, confirmedCodes: confirmed.map(\.code))
            }
            report.invariantsChecked = checks.checked
            report.invariantsBroken = checks.broken
        }
        return report
    }

    /// Runs every user's journey, repeatedly (or `once`), until the budget ends; returns the seconds measured.
    private static func drive(_ users: [VirtualUser], once: Bool, warmup: Double, recorder: Recorder, budget: RunBudget,
                              memory: ServerMemory?, liveLines: Bool,
                              journey: @escaping @Sendable (inout VirtualUser) async throws -> Void) async throws -> Double {
        let started = ContinuousClock.now
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let tick = recorder.tick()
                let measuring = budget.isMeasuring
                memory?.sample(measuring: measuring)
                guard liveLines else { continue }
                let errors = tick.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                let elapsed = Int((ContinuousClock.now - started).seconds.rounded())
                let line = "[\(measuring ? "" : "warm-up ")\(elapsed) s] \(tick.calls) calls/s, "
                    + "p99 so far \(format(Double(tick.p99Microseconds) / 1000)) ms, errors: \(errors.isEmpty ? "none" : errors.joined(separator: ", "))\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        defer { ticker.cancel() }
        var measureStart = started
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in users {
                group.addTask {
                    var user = user
                    repeat {
                        do { try await journey(&user) } catch is RunOver { return }
                    } while !once
                }
            }
            if warmup > 0 { try await Task.sleep(for: .seconds(warmup)) }
            recorder.startMeasuring()
            budget.startMeasuring()
            measureStart = .now
            memory?.sample(measuring: true)
            try await group.waitForAll()
        }
        memory?.sample(measuring: true)
        // Users still thinking at the deadline end later; the measured time ends at the deadline.
        return (min(ContinuousClock.now, budget.end) - measureStart).seconds
    }

    private static func settings(of options: SoakOptions, scenario: Scenario) -> [String: String] {
        var settings = ["server": "\(options.server)", "users": "\(options.users)", "connections": "\(options.connections)"]
        switch options.pacing {
        case .closed: settings["loop"] = "closed"
        case .open(let rate): settings["loop"] = "open at \(format(rate, 0)) arrivals/s"
        }
        if scenario != .hotShow {
            settings["warm-up"] = "\(format(options.warmup, 1)) s"
            if let calls = options.calls { settings["calls"] = "\(calls)" }
            if options.duration != nil || options.calls == nil { settings["duration"] = "\(format(options.duration ?? 10, 1)) s" }
        }
        return settings
    }
}

/// Buyers answered in a hot-show run.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
