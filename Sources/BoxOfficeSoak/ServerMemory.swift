import Foundation
import Synchronization

/// The server process's resident memory, read from /proc each second of the run (Linux), to show
/// whether a long soak leaks.
final class ServerMemory: Sendable {
    private struct Readings {
        var start: Double?
        var last = 0.0
        var most = 0.0
        var count = 0
        /// One reading a minute, from the start: the shape of the curve, not just its ends.
        var minutes: [Double] = []
    }

    private let pid: Int32
    private let readings = Mutex(Readings())

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
        readings.withLock { readings in
            if readings.start == nil { readings.start = now }
            if readings.count % 60 == 0 { readings.minutes.append(now) }
            readings.count += 1
            readings.last = now
            readings.most = max(readings.most, now)
        }
    }

    var figures: SoakReport.Memory? {
        readings.withLock { readings in
            readings.start.map { SoakReport.Memory(startMiB: $0, endMiB: readings.last, maxMiB: readings.most, byMinuteMiB: readings.minutes) }
        }
    }
}
