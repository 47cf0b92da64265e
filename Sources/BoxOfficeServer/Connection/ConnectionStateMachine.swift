/// One connection's state as a value: its calls in flight, whether reads are held at the in-flight
/// cap, whether the server is shutting down, and which answers still wait for a flush.
///
/// `RPCConnectionHandler` reports each event (a frame read, a call finished, a deadline expired,
/// the loop's flush tick...) and performs the action the machine returns; the machine itself does
/// no I/O, so every transition can be tested without a channel. It is a struct mutated in place,
/// and `Call` is whatever the handler keeps for a call in flight (its Task and deadline timer): the
/// machine stores it and hands it back when the call ends, so a call costs one dictionary entry.
///
/// Writes are flushed once per read burst, and once per loop tick for answers that finish outside
/// a burst, rather than once per answer: a `write(2)` per call is what caps pipelined servers.
struct ConnectionStateMachine<Call> {
    enum State: Equatable, Sendable {
        /// Taking calls; reads are passed on.
        case reading
        /// Taking calls, but a read was held back because `maxCallsInFlight` calls are in flight:
        /// the peer feels TCP back-pressure instead of the server queueing without bound.
        case readsHeld
        /// The server is shutting down: new calls are refused, and the connection closes once its
        /// last call in flight is answered. Reads may be held as in `readsHeld` meanwhile.
        case quiescing(readsHeld: Bool)
        /// Closed or closing: no call starts, nothing more is flushed.
        case closed
    }

    private(set) var state: State = .reading
    let maxCallsInFlight: Int

    /// Calls in flight by the handler's sequence number (call IDs are the client's and may repeat).
    private var calls: [UInt64: Call] = [:]
    private var nextSequence: UInt64 = 0

    // Flush bookkeeping, beside the state: it is the same whatever the state (but `closed`).
    /// Between a burst's first frame and its `channelReadComplete`.
    private var isReadingBurst = false
    /// Answers written since the last flush.
    private var hasUnflushedWrites = false
    /// A flush is queued for the loop's next tick.
    private var isFlushScheduled = false

    init(maxCallsInFlight: Int) {
        self.maxCallsInFlight = maxCallsInFlight
    }

    var callsInFlight: Int { calls.count }

    // MARK: Reading

    enum FrameReadAction: Equatable, Sendable {
        /// Decode the frame and run its request as call `sequence`; then report `callStarted`.
        case startCall(sequence: UInt64)
        /// Answer UNAVAILABLE (retry after 1000 ms): the server is shutting down.
        case refuseShuttingDown
        /// The connection is closing: drop the frame.
        case discard
    }

    /// A frame arrived; it starts a read burst if none is under way.
    mutating func frameRead() -> FrameReadAction {
        isReadingBurst = true
        switch state {
        case .reading, .readsHeld:
            let sequence = nextSequence
            nextSequence &+= 1
            return .startCall(sequence: sequence)
        case .quiescing:
            return .refuseShuttingDown
        case .closed:
            return .discard
        }
    }

    enum FlushAction: Equatable, Sendable {
        case flush
        case none
    }

    /// `channelReadComplete`: the burst is over, and what it answered goes out in one flush.
    mutating func readBurstComplete() -> FlushAction {
        isReadingBurst = false
        return takeUnflushedWrites()
    }

    enum ReadAction: Equatable, Sendable {
        /// Pass the read on.
        case read
        /// Hold it until a call finishes.
        case holdReads
    }

    /// The pipeline asks for more bytes.
    mutating func readRequested() -> ReadAction {
        let atCap = calls.count >= maxCallsInFlight
        switch state {
        case .reading, .readsHeld:
            state = atCap ? .readsHeld : .reading
        case .quiescing:
            state = .quiescing(readsHeld: atCap)
        case .closed:
            // Nothing left to protect.
            return .read
        }
        return atCap ? .holdReads : .read
    }

    // MARK: Calls

    /// The handler started the call that `frameRead` numbered `sequence`.
    mutating func callStarted(_ sequence: UInt64, _ call: Call) {
        calls[sequence] = call
    }

    enum AfterAnswerAction: Equatable, Sendable {
        case none
        /// Pass on the read that was held at the cap.
        case read
        /// The connection was quiescing and this was its last call: flush, then close.
        case flushAndClose
    }

    enum CallEndAction {
        /// Write the call's answer (after `callFinished`: its response; after `deadlineExpired`:
        /// DEADLINE_EXCEEDED, having cancelled its Task), then do `then`.
        case answer(Call, then: AfterAnswerAction)
        /// The call was already answered (a finish after its deadline, or the deadline after its
        /// finish), or the connection closed: nothing to write.
        case drop
    }

    /// The call's Task returned its response.
    mutating func callFinished(_ sequence: UInt64) -> CallEndAction {
        endCall(sequence)
    }

    /// The call's deadline passed before its Task finished.
    mutating func deadlineExpired(_ sequence: UInt64) -> CallEndAction {
        endCall(sequence)
    }

    private mutating func endCall(_ sequence: UInt64) -> CallEndAction {
        guard let call = calls.removeValue(forKey: sequence) else { return .drop }
        let belowCap = calls.count < maxCallsInFlight
        switch state {
        case .reading:
            return .answer(call, then: .none)
        case .readsHeld:
            guard belowCap else { return .answer(call, then: .none) }
            state = .reading
            return .answer(call, then: .read)
        case .quiescing(let readsHeld):
            if calls.isEmpty {
                close()
                return .answer(call, then: .flushAndClose)
            }
            guard readsHeld && belowCap else { return .answer(call, then: .none) }
            state = .quiescing(readsHeld: false)
            return .answer(call, then: .read)
        case .closed:
            // Only between the handler's close and the channel's `channelInactive`.
            return .answer(call, then: .none)
        }
    }

    // MARK: Writing

    enum AnswerWrittenAction: Equatable, Sendable {
        /// Queue a flush for the loop's next tick: the answer was written outside a read burst.
        case scheduleFlush
        case none
    }

    /// The handler wrote an answer (or a refusal) to the channel, unflushed.
    mutating func answerWritten() -> AnswerWrittenAction {
        if case .closed = state { return .none }
        hasUnflushedWrites = true
        guard !isReadingBurst, !isFlushScheduled else { return .none }
        isFlushScheduled = true
        return .scheduleFlush
    }

    /// The flush queued by `.scheduleFlush` runs.
    mutating func flushTick() -> FlushAction {
        isFlushScheduled = false
        return takeUnflushedWrites()
    }

    private mutating func takeUnflushedWrites() -> FlushAction {
        // Never set once closed: `close()` clears it and `answerWritten` ignores what follows.
        guard hasUnflushedWrites else { return .none }
        hasUnflushedWrites = false
        return .flush
    }

    // MARK: Events

    enum CloseAction: Equatable, Sendable {
        case close
        /// Flush the answers written so far, then close.
        case flushAndClose
        case none
    }

    /// `ChannelShouldQuiesceEvent`: the server is shutting down gracefully.
    mutating func quiesceRequested() -> CloseAction {
        switch state {
        case .reading, .readsHeld:
            guard calls.isEmpty else {
                state = .quiescing(readsHeld: state == .readsHeld)
                return .none
            }
            return closeAfterFlushing()
        case .quiescing, .closed:
            return .none
        }
    }

    /// The idle timer fired: no traffic for the idle timeout. Closes only with no call in flight.
    mutating func idleTimeout() -> CloseAction {
        if case .closed = state { return .none }
        guard calls.isEmpty else { return .none }
        close()
        return .close
    }

    /// An error reached the handler, which closes the connection; `flushingAnswers` when it has
    /// just written an answer explaining why (an oversized frame), which must go out first.
    mutating func errorCaught(flushingAnswers: Bool) -> CloseAction {
        if case .closed = state { return .close }
        guard flushingAnswers else {
            close()
            return .close
        }
        return closeAfterFlushing()
    }

    /// The channel went inactive, or the handler was removed: the calls still in flight are handed
    /// back, for the handler to cancel their Tasks and timers.
    mutating func channelClosed() -> [UInt64: Call] {
        close()
        defer { calls = [:] }
        return calls
    }

    private mutating func closeAfterFlushing() -> CloseAction {
        let flush = hasUnflushedWrites
        close()
        return flush ? .flushAndClose : .close
    }

    private mutating func close() {
        state = .closed
        hasUnflushedWrites = false
    }
}

extension ConnectionStateMachine.CallEndAction: Equatable where Call: Equatable {}
