public import Foundation

/// A run's report: what was run, the figures, the invariants, and the server's memory. Printed as
/// text; written as JSON by `--json FILE` for scripts.
public struct SoakReport: Codable, Sendable {
    public struct Latency: Codable, Sendable {
        /// Milliseconds.
        public var p50, p90, p99, p999, max: Double
    }

    public struct CallFigures: Codable, Sendable {
        public var call: String
        /// Every answer, refusals included.
        public var calls: Int
        public var ok: Int
        public var perSecond: Double
        /// Over every answer, refusals included.
        public var latency: Latency
        public var errors: [String: Int]
    }

    public struct RoleFigures: Codable, Sendable, Equatable {
        public var role: Role
        public var calls: Int
        public var rateLimited: Int
        public var blocked: Int
        /// The share of this role's calls refused, by a rate limit or a block.
        public var refusedShare: Double { calls == 0 ? 0 : Double(rateLimited + blocked) / Double(calls) }
    }

    public struct Figures: Codable, Sendable {
        public var seconds: Double
        public var calls: Int
        public var perSecond: Double
        public var latency: Latency?
        public var byCall: [CallFigures]
        public var errors: [String: Int]
        /// Funnel outcomes: held, purchased, released, abandoned.
        public var outcomes: [String: Int]
        public var roles: [RoleFigures]
    }

    public struct Memory: Codable, Sendable {
        /// Resident set of the server process, in MiB: when measuring began, at the end, and the most seen.
        public var startMiB, endMiB, maxMiB: Double
        /// A reading each minute from the start.
        public var byMinuteMiB: [Double] = []
        public var growth: Double { startMiB == 0 ? 0 : (endMiB - startMiB) / startMiB }
    }

    public var scenario: String
    public var settings: [String: String]
    public var figures: Figures
    /// Lines of context from the scenario (the hot show, the outcome of the race).
    public var notes: [String] = []
    /// Invariants checked and what broke; empty `broken` means they hold.
    public var invariantsChecked: [String] = []
    public var invariantsBroken: [String] = []
    public var memory: Memory?

    /// Codes that mean the server failed a call, not that it answered one: what a soak must not see.
    /// (Refusals, RESOURCE_EXHAUSTED and PERMISSION_DENIED, and answers such as ALREADY_EXISTS for
    /// seats someone else took, are the server working.)
    public static let failureCodes: Set<String> = ["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED", "ABORTED", "UNKNOWN", "DATA_LOSS", "CANCELLED"]

    /// Calls the server failed, by code.
    public var failures: [String: Int] { figures.errors.filter { Self.failureCodes.contains($0.key) } }

    /// Bot calls refused (limited or blocked), and human calls refused, as shares of their calls.
    public var botsRefusedShare: Double? { share(figures.roles.filter { $0.role.isBot }) }
    public var humansRefusedShare: Double? { share(figures.roles.filter { !$0.role.isBot }) }

    private func share(_ roles: [RoleFigures]) -> Double? {
        let calls = roles.reduce(0) { $0 + $1.calls }
        return calls == 0 ? nil : Double(roles.reduce(0) { $0 + $1.rateLimited + $1.blocked }) / Double(calls)
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// The report for people.
    public var text: String {
        var lines = ["scenario \(scenario): " + settings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")]
        lines += notes
        let f = figures
        lines.append("measured \(format(f.seconds, 1)) s: \(f.calls) calls answered (OK or not), \(format(f.perSecond, 0)) calls/s"
                     + (f.latency.map { "; latency of every call p50 \(format($0.p50)) ms, p99 \(format($0.p99)) ms, max \(format($0.max)) ms" } ?? ""))
        for call in f.byCall {
            let errors = call.errors.sorted { $0.key < $1.key }.map { "; \($0.key) \($0.value)" }.joined()
            lines.append("  \(call.call): \(call.calls) calls (\(call.ok) OK\(errors)), "
                         + "\(format(call.perSecond, 0))/s; p50 \(format(call.latency.p50)) ms, p90 \(format(call.latency.p90)) ms, "
                         + "p99 \(format(call.latency.p99)) ms, p99.9 \(format(call.latency.p999)) ms, max \(format(call.latency.max)) ms")
        }
        // Refusals are the server doing its job (a seat someone else got, a bot blocked, a limit);
        // failures are calls it could not answer. They are counted apart so a reader sees at once
        // whether anything went wrong.
        let refused = f.errors.filter { !Self.failureCodes.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("answered with a refusal (seats taken, limits, bots blocked, bad input): \(refused.isEmpty ? "none" : refused.joined(separator: ", "))")
        let failed = failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append("server failures (\(Self.failureCodes.sorted().joined(separator: ", "))): \(failed.isEmpty ? "none" : failed.joined(separator: ", "))")
        if f.outcomes.values.contains(where: { $0 > 0 }) {
            lines.append("buyer journeys ended: " + Outcome.allCases.map { "\($0.rawValue) \(f.outcomes[$0.rawValue] ?? 0)" }.joined(separator: ", "))
        }
        if f.roles.contains(where: { $0.role.isBot }) {
            for role in f.roles {
                lines.append("  \(role.role.rawValue): \(role.calls) calls, \(role.rateLimited) rate-limited, \(role.blocked) blocked "
                             + "(\(percent(role.refusedShare)) refused)")
            }
            lines.append("bot calls refused: \(botsRefusedShare.map(percent) ?? "-"); "
                         + "human calls wrongly refused: \(humansRefusedShare.map(percent) ?? "-")")
        }
        if let memory {
            lines.append("server memory: \(format(memory.startMiB, 1)) MiB at start, \(format(memory.endMiB, 1)) MiB at end "
                         + "(\(percent(memory.growth)) change), \(format(memory.maxMiB, 1)) MiB at most"
                         + (memory.byMinuteMiB.count > 1 ? "; by minute: " + memory.byMinuteMiB.map { format($0, 0) }.joined(separator: ", ") : ""))
        }
        if !invariantsChecked.isEmpty {
            if invariantsBroken.isEmpty {
                lines.append("invariants: all held (\(invariantsChecked.joined(separator: "; ")))")
            } else {
                lines.append("invariants: \(invariantsBroken.count) broken")
                lines += invariantsBroken.map { "INVARIANT BROKEN: \($0)" }
            }
        }
        return lines.joined(separator: "\n")
    }
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
func percent(_ share: Double) -> String { String(format: "%.2f %%", share * 100) }
