public import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A program run by a test as a child process: started with `posix_spawn`, reaped with `waitpid`.
///
/// Not Foundation's `Process`, for two reasons met in this suite. On Linux its `run()` over-reads a
/// directory entry while it lists `/proc/self/fd` and crashes the test process now and then
/// (swift-corelibs-foundation pull request #5472, not in Swift 6.3's Foundation). And it learns of an
/// exit from a descriptor the child's own children inherit, so a script that leaves a daemon running
/// (`scripts/postgres.sh up`) never seems to end; `waitpid` sees the script's own exit.
///
/// The child gets descriptors 0, 1 and 2 and nothing else. SwiftNIO's sockets are not close-on-exec,
/// so a child started while a test server held a connection would keep that socket open after the
/// server closed it: the client then never sees the connection end.
public final class ChildProcess: Sendable {
    /// Where one of the child's standard descriptors goes.
    public enum Stream: Sendable {
        /// The test process's own descriptor.
        case inherit
        /// `/dev/null`.
        case discard
        /// A new pipe; the parent's end is `standardInput`, `standardOutput` or `standardError`.
        case pipe
        /// An open descriptor of the test's (a pseudo-terminal, say), duplicated into the child.
        case descriptor(Int32)
    }

    public let pid: pid_t
    /// Held from the first pipe to posix_spawn's return, so no child inherits another's pipe end.
    private static let spawning = NSLock()
    /// The parent's ends of the pipes asked for, else nil.
    public let standardInput: FileHandle?
    public let standardOutput: FileHandle?
    public let standardError: FileHandle?
    private let exit = ExitRecord()

    /// Apart from the child object, so the reaping thread does not keep the object (and its
    /// deinit's kill) alive.
    private final class ExitRecord: Sendable {
        struct State {
            var status: Int32?
            var waiters: [CheckedContinuation<Int32, Never>] = []
        }
        let state = Mutex(State())
        func withLock<R>(_ body: (inout State) -> R) -> R { state.withLock { body(&$0) } }
    }

    /// Starts `executable` (a path) with `arguments`; `environment` nil inherits the test's.
    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                standardInput input: Stream = .discard, standardOutput output: Stream = .discard,
                standardError errors: Stream = .discard) throws {
        Self.spawning.lock()
        defer { Self.spawning.unlock() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Every pipe end is close-on-exec, so no other child started meanwhile holds it open;
        // dup2 gives the child its own copy without the flag.
        var childEnds: [Int32] = []
        var parentEnds: [Int32?] = []
        defer { childEnds.forEach { _ = Glibc.close($0) } }
        for (target, stream) in [(Int32(0), input), (1, output), (2, errors)] {
            switch stream {
            case .inherit:
                parentEnds.append(nil)
            case .discard:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
                parentEnds.append(nil)
            case .descriptor(let descriptor):
                posix_spawn_file_actions_adddup2(&actions, descriptor, target)
                parentEnds.append(nil)
            case .pipe:
                var ends: [Int32] = [-1, -1]
                // pipe2(O_CLOEXEC) is not visible from Swift; the flag is set at once instead, and
                // `spawning` keeps our other spawns out of the gap.
                guard pipe(&ends) == 0 else {
                    parentEnds.compactMap { $0 }.forEach { _ = Glibc.close($0) }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EMFILE)
                }
                ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
                let (parentEnd, childEnd) = target == 0 ? (ends[1], ends[0]) : (ends[0], ends[1])
                posix_spawn_file_actions_adddup2(&actions, childEnd, target)
                childEnds.append(childEnd)
                parentEnds.append(parentEnd)
            }
        }
        // Everything above the standard three closes in the child, after they are in place.
        _ = Self.addCloseFrom?(&actions, 3)
        // Signals the test process ignores or blocks would be inherited across exec: start clean.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var spawned: pid_t = 0
        let result = envp.map { envp in posix_spawn(&spawned, executable, &actions, &attributes, argv, envp) }
            ?? posix_spawn(&spawned, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            parentEnds.compactMap { $0 }.forEach { _ = Glibc.close($0) }
            throw ChildProcessError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        let pid = spawned
        self.pid = pid
        let handles = parentEnds.map { $0.map { FileHandle(fileDescriptor: $0, closeOnDealloc: true) } }
        (standardInput, standardOutput, standardError) = (handles[0], handles[1], handles[2])
        // One thread per child blocks in waitpid: it is the only one that reaps this pid.
        Thread.detachNewThread { [exit] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
            let waiters = exit.withLock { exit in
                exit.status = code
                defer { exit.waiters = [] }
                return exit.waiters
            }
            waiters.forEach { $0.resume(returning: code) }
        }
    }

    /// Whether the child has ended (and been reaped).
    public var hasExited: Bool { exit.withLock { $0.status != nil } }

    /// Sends `signal` (SIGTERM for a graceful stop, SIGKILL for a crash) unless the child has ended.
    public func send(_ signal: Int32) {
        exit.withLock { if $0.status == nil { _ = kill(pid, signal) } }
    }

    /// Waits for the child to end: its exit status, or the number of the signal that ended it.
    public func waitForExit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.withLock { exit -> Int32? in
                if exit.status == nil { exit.waiters.append(continuation) }
                return exit.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module leaves out because it is a GNU extension.
    private static let addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil /* RTLD_DEFAULT */, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// What a program that ran to its end left.
    public struct Outcome: Sendable {
        public var status: Int32
        public var output: String
        public var errors: String
    }

    /// Runs `executable` to its end with `input` on its standard input, collecting what it printed.
    public static func run(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                           input: String? = nil) async throws -> Outcome {
        let child = try ChildProcess(executable, arguments, environment: environment,
                                     standardInput: .pipe, standardOutput: .pipe, standardError: .pipe)
        if let input { try child.standardInput?.write(contentsOf: Data(input.utf8)) }
        try child.standardInput?.close()
        // Both pipes are drained at once, so a child that fills one while we read the other never stalls.
        async let output = readToEnd(child.standardOutput)
        async let errors = readToEnd(child.standardError)
        let status = await child.waitForExit()
        return Outcome(status: status, output: await output, errors: await errors)
    }

    /// Reads `handle` to its end on a thread of its own (a blocking read must not hold a task's thread).
    public static func readToEnd(_ handle: FileHandle?) async -> String {
        guard let handle else { return "" }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: String(decoding: handle.readDataToEndOfFile(), as: UTF8.self))
            }
        }
    }

    deinit {
        exit.withLock { if $0.status == nil { _ = kill(pid, SIGKILL) } }
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
