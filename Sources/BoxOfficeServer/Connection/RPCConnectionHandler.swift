import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeWire
import Logging
import NIOCore

/// One connection's calls: decodes each frame into a request, runs it as a Task on this
/// connection's event loop, enforces its deadline, and writes answers as they finish, in any order.
///
/// A thin shell around `ConnectionStateMachine`, which decides when to start or refuse a call,
/// hold or pass on reads, flush, and close: the handler reports each event and does what it says.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the handler keeps for a call in flight: enough to answer it on expiry and to stop it.
    private struct InFlightCall {
        var callID: UInt64
        var task: Task<Void, Never>
        var timeout: Scheduled<Void>
    }

    private let dispatcher: Dispatcher
    private let configuration: ServerConfiguration
    private let origin: CallOrigin
    /// The client: the socket's peer, or the one a trusted proxy's header named (known once active).
    private let client: ClientAddress?
    private var logger: Logger

    private var context: ChannelHandlerContext?
    private var executor: EventLoopTaskExecutor?
    private typealias Machine = ConnectionStateMachine<InFlightCall>
    private var machine: Machine

    init(dispatcher: Dispatcher, configuration: ServerConfiguration, origin: CallOrigin = .client, client: ClientAddress? = nil,
         logger: Logger) {
        self.dispatcher = dispatcher
        self.configuration = configuration
        self.origin = origin
        self.client = client
        self.logger = logger
        self.machine = Machine(maxCallsInFlight: configuration.maxCallsInFlightPerConnection)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.executor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
        logger[metadataKey: "boxoffice.peer"] = "\(context.channel.remoteAddress.map { "\($0)" } ?? "unknown")"
    }

    func channelActive(context: ChannelHandlerContext) {
        // Behind a trusted proxy the client is known only now.
        if let address = client?.value { logger[metadataKey: "boxoffice.peer"] = "\(address)" }
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel(machine.channelClosed())
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel(machine.channelClosed())
        context.fireChannelInactive()
    }

    // MARK: Reading requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch machine.frameRead() {
        case .startCall(let sequence):
            guard let request = decode(frame, context: context) else { return }
            start(request, sequence: sequence, context: context)
        case .refuseShuttingDown:
            guard let request = decode(frame, context: context) else { return }
            write(.failure(callID: request.callID, BoxOfficeError(
                .unavailable, "the server is shutting down: retry on a new connection", retryAfterMilliseconds: 1000)),
                context: context)
        case .discard:
            break
        }
    }

    /// The frame's request, or nil once an INVALID_ARGUMENT answer says why it is not one.
    private func decode(_ frame: ByteBuffer, context: ChannelHandlerContext) -> Boxoffice_V1_Request? {
        do {
            return try FrameCoding.decode(Boxoffice_V1_Request.self, from: frame)
        } catch {
            write(.failure(callID: FrameCoding.salvageCallID(from: frame), .invalidArgument(
                "the frame does not decode as a boxoffice.v1.Request (\(error)); "
                    + "strings must be UTF-8 and fields must match proto/boxoffice.proto")), context: context)
            return nil
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if machine.readBurstComplete() == .flush { context.flush() }
        context.fireChannelReadComplete()
    }

    /// Holds back reads while the connection has its fill of calls in flight.
    func read(context: ChannelHandlerContext) {
        switch machine.readRequested() {
        case .read: context.read()
        case .holdReads: break
        }
    }

    // MARK: Running calls

    private func start(_ request: Boxoffice_V1_Request, sequence: UInt64, context: ChannelHandlerContext) {
        let budget = deadlineBudget(requestedMilliseconds: request.deadlineMs)
        let callContext = CallContext(
            callID: request.callID,
            remoteAddress: client?.value ?? context.channel.remoteAddress,
            authToken: request.authToken,
            userID: nil,
            idempotencyKey: request.idempotencyKey,
            deadline: .now() + budget,
            logger: logger,
            origin: origin
        )
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let timeout = loop.scheduleTask(in: budget) {
            handler.value.expire(sequence, budget: budget)
        }
        let dispatcher = self.dispatcher
        // Its jobs go through `loop.execute`, so it cannot finish (nor start) before it is recorded below.
        let task = Task(executorPreference: executor!) {
            let response = await dispatcher.handle(request, context: callContext)
            if loop.inEventLoop {
                handler.value.finish(sequence, with: response)
            } else {
                loop.execute { handler.value.finish(sequence, with: response) }
            }
        }
        machine.callStarted(sequence, InFlightCall(callID: request.callID, task: task, timeout: timeout))
    }

    private func deadlineBudget(requestedMilliseconds: UInt32) -> TimeAmount {
        let requested: Duration = requestedMilliseconds == 0
            ? configuration.defaultDeadline
            : .milliseconds(Int64(requestedMilliseconds))
        return TimeAmount(min(requested, configuration.maxDeadline))
    }

    private func finish(_ sequence: UInt64, with response: Boxoffice_V1_Response) {
        switch machine.callFinished(sequence) {
        case .answer(let call, let next):
            call.timeout.cancel()
            answer(response, then: next)
        case .drop:
            break
        }
    }

    private func expire(_ sequence: UInt64, budget: TimeAmount) {
        switch machine.deadlineExpired(sequence) {
        case .answer(let call, let next):
            call.task.cancel()
            answer(.failure(callID: call.callID, BoxOfficeError(
                .deadlineExceeded, "the call did not finish within its deadline of \(budget.nanoseconds / 1_000_000) ms")),
                then: next)
        case .drop:
            break
        }
    }

    private func answer(_ response: Boxoffice_V1_Response, then next: Machine.AfterAnswerAction) {
        guard let context else { return }
        write(response, context: context)
        switch next {
        case .none:
            break
        case .read:
            context.read()
        case .flushAndClose:
            context.flush()
            context.close(promise: nil)
        }
    }

    private func cancel(_ calls: [UInt64: InFlightCall]) {
        for call in calls.values {
            call.task.cancel()
            call.timeout.cancel()
        }
    }

    // MARK: Writing answers

    private func write(_ response: Boxoffice_V1_Response, context: ChannelHandlerContext) {
        do {
            let frame = try FrameCoding.frame(of: response, allocator: context.channel.allocator)
            context.write(wrapOutboundOut(frame), promise: nil)
        } catch {
            logger.error("response did not encode", metadata: ["error": "\(error)"])
            return
        }
        if machine.answerWritten() == .scheduleFlush {
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.execute { handler.value.flushTick() }
        }
    }

    private func flushTick() {
        if machine.flushTick() == .flush { context?.flush() }
    }

    // MARK: Errors and events

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        var answered = false
        switch error {
        case let tooLarge as FrameTooLargeError:
            logger.notice("refused oversized frame", metadata: ["boxoffice.frame_length": "\(tooLarge.length)"])
            write(.failure(callID: 0, BoxOfficeError(.resourceExhausted, tooLarge.description)), context: context)
            answered = true
        case let truncated as TruncatedFrameError:
            logger.debug("peer closed mid-frame", metadata: ["boxoffice.bytes": "\(truncated.bytes)"])
        default:
            logger.debug("connection error", metadata: ["error": "\(error)"])
        }
        perform(machine.errorCaught(flushingAnswers: answered), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            perform(machine.quiesceRequested(), context: context)
        case ChannelEvent.inputClosed:
            // The client sent its last call and closed its side (a one-shot script, or a load
            // balancer passing that on): like a graceful stop for this connection, its calls in
            // flight are answered, then it closes.
            perform(machine.quiesceRequested(), context: context)
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            let action = machine.idleTimeout()
            if action == .close { logger.debug("closing idle connection") }
            perform(action, context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func perform(_ action: Machine.CloseAction, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .close:
            context.close(promise: nil)
        case .flushAndClose:
            context.flush()
            context.close(promise: nil)
        }
    }
}
