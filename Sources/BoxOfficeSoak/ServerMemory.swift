import Foundation

/// The server process's resident memory, read from /proc each second of the run (Linux), to show
/// whether a long soak leaks.
final class ServerMemory: @unchecked Sendable {
    private let pid: Int32
    private let lock = NSLock()
    private var start: Double?
    private var last = 0.0
    private var most = 0.0
    private var readings = 0
    /// One reading a minute, from the start: the shape of the curve, not just its ends.
    private var minutes: [Double] = []

    init(pid: Int32) { self.pid = pid }

    /// Resident set size in MiB, or nil when the process is gone or /proc is unreadable.
    static func residentMiB(of pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }

    /// One reading; the first after `measuring` becomes true is the baseline.
    func sample(measuring: Bool) {
        guard measuring, let now = Self.residentMiB(of: pid) else { return }
        lock.withLock {
            if start == nil { start = now }
            if readings % 60 == 0 { minutes.append(now) }
            readings += 1
            last = now
            most = max(most, now)
        }
    }

    var figures: SoakReport.Memory? {
        lock.withLock { start.map { SoakReport.Memory(startMiB: $0, endMiB: last, maxMiB: most, byMinuteMiB: minutes) } }
    }
}
