import BoxOfficeTesting
import Foundation
import Testing

/// The way tests start programs.
@Suite("child processes", .timeLimit(.minutes(1)))
struct ChildProcessTests {
    /// A descriptor the test holds open without close-on-exec, as SwiftNIO holds its sockets: a
    /// child that inherited it would keep the far end from ever seeing it close.
    @Test func aChildInheritsNoDescriptorButTheStandardThree() async throws {
        var ends: [Int32] = [-1, -1]
        try #require(pipe(&ends) == 0)
        let (reading, writing) = (ends[0], ends[1])
        defer { close(reading) }
        let child = try ChildProcess("/bin/sleep", ["30"])
        close(writing)
        // No writer is left anywhere, so a read that would wait answers end-of-file (0) at once;
        // had the child kept a copy of the writing end, it would answer EAGAIN instead.
        _ = fcntl(reading, F_SETFL, fcntl(reading, F_GETFL) | O_NONBLOCK)
        var byte: UInt8 = 0
        let read = Glibc.read(reading, &byte, 1)
        #expect(read == 0, "read answered \(read), errno \(errno)")
        child.send(SIGKILL)
        #expect(await child.waitForExit() == SIGKILL)
    }
}
