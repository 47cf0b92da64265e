@testable import BoxOfficeServer
import Testing

/// The machine with calls named by a string, so a test can tell which call came back.
typealias Machine = ConnectionStateMachine<String>

extension ConnectionStateMachine {
    /// A frame that starts a call: the sequence number the machine gave it.
    mutating func startCall(_ call: Call) -> UInt64? {
        guard case .startCall(let sequence) = frameRead() else { return nil }
        callStarted(sequence, call)
        return sequence
    }

}

extension Machine {
    /// `count` calls named "call 0", "call 1"... started in one read burst, whose end flushes nothing.
    mutating func startCalls(_ count: Int) -> [UInt64] {
        let sequences = (0..<count).compactMap { startCall("call \($0)") }
        _ = readBurstComplete()
        return sequences
    }
}

@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    // MARK: Frames and calls

    @Test func framesStartCallsNumberedInOrder() {
        var machine = Machine(maxCallsInFlight: 64)
        #expect(machine.state == .reading)
        #expect(machine.frameRead() == .startCall(sequence: 0))
        #expect(machine.frameRead() == .startCall(sequence: 1))
        // Nothing is in flight until the handler reports the call started.
        #expect(machine.callsInFlight == 0)
        machine.callStarted(1, "b")
        #expect(machine.callsInFlight == 1)
        #expect(machine.callFinished(1) == .answer("b", then: .none))
        #expect(machine.callsInFlight == 0)
        #expect(machine.state == .reading)
    }

    @Test func aFinishedCallIsAnsweredOnce() throws {
        var machine = Machine(maxCallsInFlight: 64)
        let started = machine.startCall("a")
        let sequence = try #require(started)
        #expect(machine.callFinished(sequence) == .answer("a", then: .none))
        #expect(machine.callFinished(sequence) == .drop)
        #expect(machine.deadlineExpired(sequence) == .drop)
        #expect(machine.callFinished(99) == .drop)
    }

    @Test func theDeadlineAnswersACallAndItsLateFinishIsDropped() {
        var machine = Machine(maxCallsInFlight: 64)
        let sequences = machine.startCalls(2)
        #expect(machine.deadlineExpired(sequences[0]) == .answer("call 0", then: .none))
        #expect(machine.callsInFlight == 1)
        // The Task, cancelled, still returns a response: it is not written.
        #expect(machine.callFinished(sequences[0]) == .drop)
        // The other call is untouched.
        #expect(machine.callFinished(sequences[1]) == .answer("call 1", then: .none))
    }

    // MARK: Reads at the in-flight cap

    struct ReadCase: Sendable, CustomTestStringConvertible {
        var cap: Int
        var callsInFlight: Int
        var action: Machine.ReadAction
        var state: Machine.State
        var testDescription: String { "\(callsInFlight) in flight, cap \(cap): \(action)" }
    }

    @Test(arguments: [
        ReadCase(cap: 2, callsInFlight: 0, action: .read, state: .reading),
        ReadCase(cap: 2, callsInFlight: 1, action: .read, state: .reading),
        ReadCase(cap: 2, callsInFlight: 2, action: .holdReads, state: .readsHeld),
        // A burst may decode more frames than the cap.
        ReadCase(cap: 2, callsInFlight: 3, action: .holdReads, state: .readsHeld),
        ReadCase(cap: 1, callsInFlight: 1, action: .holdReads, state: .readsHeld),
        ReadCase(cap: 64, callsInFlight: 63, action: .read, state: .reading),
        ReadCase(cap: 64, callsInFlight: 64, action: .holdReads, state: .readsHeld),
    ])
    func readsAreHeldAtTheCap(_ test: ReadCase) {
        var machine = Machine(maxCallsInFlight: test.cap)
        _ = machine.startCalls(test.callsInFlight)
        #expect(machine.readRequested() == test.action)
        #expect(machine.state == test.state)
        // Asking again changes nothing.
        #expect(machine.readRequested() == test.action)
        #expect(machine.state == test.state)
    }

    @Test(arguments: [false, true])
    func theFirstCallToEndBelowTheCapResumesReads(byDeadline: Bool) {
        var machine = Machine(maxCallsInFlight: 2)
        let sequences = machine.startCalls(3)
        #expect(machine.readRequested() == .holdReads)
        let end = { (machine: inout Machine, sequence: UInt64) in
            byDeadline ? machine.deadlineExpired(sequence) : machine.callFinished(sequence)
        }
        // Three in flight, cap two: the first to end leaves the connection at the cap.
        #expect(end(&machine, sequences[0]) == .answer("call 0", then: .none))
        #expect(machine.state == .readsHeld)
        #expect(end(&machine, sequences[1]) == .answer("call 1", then: .read))
        #expect(machine.state == .reading)
        // Reads flow again: the last call's end has nothing to resume.
        #expect(end(&machine, sequences[2]) == .answer("call 2", then: .none))
        #expect(machine.readRequested() == .read)
    }

    @Test func aReadPassedBelowTheCapLeavesNothingToResume() {
        var machine = Machine(maxCallsInFlight: 2)
        let sequences = machine.startCalls(1)
        #expect(machine.readRequested() == .read)
        #expect(machine.callFinished(sequences[0]) == .answer("call 0", then: .none))
    }

    // MARK: Quiescing

    @Test(arguments: [false, true])
    func quiescingWithNoCallInFlightClosesAtOnce(withUnflushedAnswer: Bool) {
        var machine = Machine(maxCallsInFlight: 64)
        if withUnflushedAnswer {
            // A refusal written in a burst that has not ended.
            _ = machine.frameRead()
            #expect(machine.answerWritten() == .none)
        }
        #expect(machine.quiesceRequested() == (withUnflushedAnswer ? .flushAndClose : .close))
        #expect(machine.state == .closed)
        #expect(machine.quiesceRequested() == .none)
    }

    @Test func quiescingRefusesNewCallsAndClosesAfterTheLastAnswer() {
        var machine = Machine(maxCallsInFlight: 64)
        let sequences = machine.startCalls(2)
        #expect(machine.quiesceRequested() == .none)
        #expect(machine.state == .quiescing(readsHeld: false))
        #expect(machine.quiesceRequested() == .none)
        // A call arriving now is refused, in a burst flushed at its end.
        #expect(machine.frameRead() == .refuseShuttingDown)
        #expect(machine.answerWritten() == .none)
        #expect(machine.readBurstComplete() == .flush)
        #expect(machine.callsInFlight == 2)
        #expect(machine.idleTimeout() == .none)

        #expect(machine.callFinished(sequences[1]) == .answer("call 1", then: .none))
        #expect(machine.answerWritten() == .scheduleFlush)
        #expect(machine.state == .quiescing(readsHeld: false))
        // The last call in flight: its answer goes out, then the connection closes.
        #expect(machine.deadlineExpired(sequences[0]) == .answer("call 0", then: .flushAndClose))
        #expect(machine.state == .closed)
        // The flush the handler does itself before closing covers the pending tick.
        #expect(machine.answerWritten() == .none)
        #expect(machine.flushTick() == .none)
        #expect(machine.frameRead() == .discard)
    }

    @Test func quiescingWithReadsHeldStillResumesThemBelowTheCap() {
        var machine = Machine(maxCallsInFlight: 2)
        let sequences = machine.startCalls(3)
        #expect(machine.readRequested() == .holdReads)
        #expect(machine.quiesceRequested() == .none)
        #expect(machine.state == .quiescing(readsHeld: true))
        #expect(machine.callFinished(sequences[0]) == .answer("call 0", then: .none))
        #expect(machine.state == .quiescing(readsHeld: true))
        // Below the cap: read on, so the peer's queued calls are refused rather than left waiting.
        #expect(machine.callFinished(sequences[1]) == .answer("call 1", then: .read))
        #expect(machine.state == .quiescing(readsHeld: false))
        #expect(machine.frameRead() == .refuseShuttingDown)
        #expect(machine.readRequested() == .read)
        #expect(machine.callFinished(sequences[2]) == .answer("call 2", then: .flushAndClose))
        #expect(machine.state == .closed)
    }

    @Test func aQuiescingConnectionHoldsReadsAtTheCapToo() {
        var machine = Machine(maxCallsInFlight: 1)
        let sequences = machine.startCalls(1)
        #expect(machine.quiesceRequested() == .none)
        #expect(machine.readRequested() == .holdReads)
        #expect(machine.state == .quiescing(readsHeld: true))
        #expect(machine.callFinished(sequences[0]) == .answer("call 0", then: .flushAndClose))
    }

    // MARK: Idle timeout

    @Test(arguments: [0, 1, 64])
    func anIdleConnectionClosesOnlyWithNoCallInFlight(callsInFlight: Int) {
        var machine = Machine(maxCallsInFlight: 64)
        _ = machine.startCalls(callsInFlight)
        let state = machine.state
        if callsInFlight == 0 {
            #expect(machine.idleTimeout() == .close)
            #expect(machine.state == .closed)
            #expect(machine.idleTimeout() == .none)
        } else {
            #expect(machine.idleTimeout() == .none)
            #expect(machine.state == state)
            #expect(machine.callsInFlight == callsInFlight)
        }
    }

    // MARK: Flushing

    @Test func answersInABurstAreFlushedOnceAtItsEnd() {
        var machine = Machine(maxCallsInFlight: 64)
        _ = machine.frameRead()
        #expect(machine.answerWritten() == .none)
        _ = machine.frameRead()
        #expect(machine.answerWritten() == .none)
        #expect(machine.answerWritten() == .none)
        #expect(machine.readBurstComplete() == .flush)
        #expect(machine.readBurstComplete() == .none)
    }

    @Test func aBurstThatAnswersNothingFlushesNothing() {
        var machine = Machine(maxCallsInFlight: 64)
        _ = machine.startCall("a")
        #expect(machine.readBurstComplete() == .none)
    }

    @Test func answersOutsideABurstAreFlushedOncePerTick() {
        var machine = Machine(maxCallsInFlight: 64)
        #expect(machine.answerWritten() == .scheduleFlush)
        #expect(machine.answerWritten() == .none)
        #expect(machine.answerWritten() == .none)
        #expect(machine.flushTick() == .flush)
        #expect(machine.flushTick() == .none)
        // The next tick's first answer schedules the next flush.
        #expect(machine.answerWritten() == .scheduleFlush)
        #expect(machine.flushTick() == .flush)
    }

    @Test func aBurstEndingBeforeTheTickFlushesItsAnswersToo() {
        var machine = Machine(maxCallsInFlight: 64)
        #expect(machine.answerWritten() == .scheduleFlush)
        _ = machine.frameRead()
        // In the burst: the tick is already on its way, and the burst's end flushes anyway.
        #expect(machine.answerWritten() == .none)
        #expect(machine.readBurstComplete() == .flush)
        #expect(machine.flushTick() == .none)
    }

    @Test func aTickPendingDuringABurstIsNotScheduledTwice() {
        var machine = Machine(maxCallsInFlight: 64)
        #expect(machine.answerWritten() == .scheduleFlush)
        #expect(machine.flushTick() == .flush)
        _ = machine.frameRead()
        #expect(machine.answerWritten() == .none)
        #expect(machine.readBurstComplete() == .flush)
        // After the burst, answers schedule a tick again.
        #expect(machine.answerWritten() == .scheduleFlush)
    }

    // MARK: Errors and closing

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var flushingAnswers: Bool
        var unflushedAnswer: Bool
        var action: Machine.CloseAction
        var testDescription: String { "flushing \(flushingAnswers), unflushed \(unflushedAnswer): \(action)" }
    }

    @Test(arguments: [
        ErrorCase(flushingAnswers: true, unflushedAnswer: true, action: .flushAndClose),
        ErrorCase(flushingAnswers: true, unflushedAnswer: false, action: .close),
        // Any other error closes without flushing, as the connection is failing.
        ErrorCase(flushingAnswers: false, unflushedAnswer: true, action: .close),
        ErrorCase(flushingAnswers: false, unflushedAnswer: false, action: .close),
    ])
    func anErrorCloses(_ test: ErrorCase) {
        var machine = Machine(maxCallsInFlight: 64)
        _ = machine.startCalls(1)
        if test.unflushedAnswer { #expect(machine.answerWritten() == .scheduleFlush) }
        #expect(machine.errorCaught(flushingAnswers: test.flushingAnswers) == test.action)
        #expect(machine.state == .closed)
        #expect(machine.flushTick() == .none)
    }

    @Test func closingHandsBackTheCallsInFlightToCancel() {
        var machine = Machine(maxCallsInFlight: 2)
        let sequences = machine.startCalls(3)
        #expect(machine.readRequested() == .holdReads)
        #expect(machine.answerWritten() == .scheduleFlush)
        let cancelled = machine.channelClosed()
        #expect(Set(cancelled.keys) == Set(sequences))
        #expect(Set(cancelled.values) == ["call 0", "call 1", "call 2"])
        #expect(machine.state == .closed)
        #expect(machine.callsInFlight == 0)
        #expect(machine.channelClosed().isEmpty)

        // Whatever comes late does nothing.
        #expect(machine.callFinished(sequences[0]) == .drop)
        #expect(machine.deadlineExpired(sequences[1]) == .drop)
        #expect(machine.frameRead() == .discard)
        #expect(machine.answerWritten() == .none)
        #expect(machine.readBurstComplete() == .none)
        #expect(machine.flushTick() == .none)
        #expect(machine.readRequested() == .read)
        #expect(machine.quiesceRequested() == .none)
        #expect(machine.idleTimeout() == .none)
    }
}
