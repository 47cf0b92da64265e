import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeWire
import Logging
import NIOCore
import NIOExtras

/// One connection's calls: decodes each frame into a request, runs it as a Task on this
/// connection's event loop, enforces its deadline, and writes answers as they finish, in any order.
///
/// Writes are flushed once per read burst, and once per loop tick for answers that finish later,
/// rather than once per answer: a `write(2)` per call is what caps pipelined servers.
final class RPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct InFlightCall {
        var callID: UInt64
        var task: Task<Void, Never>?
        var timeout: Scheduled<Void>?
    }

    private let dispatcher: Dispatcher
    private let configuration: ServerConfiguration
    private var logger: Logger

    private var context: ChannelHandlerContext?
    private var executor: EventLoopTaskExecutor?
    private var calls: [UInt64: InFlightCall] = [:]
    private var nextSequence: UInt64 = 0
    private var isReadingBurst = false
    private var hasUnflushedWrites = false
    private var isFlushScheduled = false
    private var isReadPaused = false
    private var isQuiescing = false

    init(dispatcher: Dispatcher, configuration: ServerConfiguration, logger: Logger) {
        self.dispatcher = dispatcher
        self.configuration = configuration
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.executor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
        logger[metadataKey: "boxoffice.peer"] = "\(context.channel.remoteAddress.map { "\($0)" } ?? "unknown")"
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelAllCalls()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelAllCalls()
        context.fireChannelInactive()
    }

    // MARK: Reading requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        isReadingBurst = true
        let frame = unwrapInboundIn(data)
        let request: Boxoffice_V1_Request
        do {
            request = try FrameCoding.decode(Boxoffice_V1_Request.self, from: frame)
        } catch {
            write(.failure(callID: FrameCoding.salvageCallID(from: frame), .invalidArgument(
                "the frame does not decode as a boxoffice.v1.Request (\(error)); "
                    + "strings must be UTF-8 and fields must match proto/boxoffice.proto")))
            return
        }
        if isQuiescing {
            write(.failure(callID: request.callID, BoxOfficeError(
                .unavailable, "the server is shutting down: retry on a new connection", retryAfterMilliseconds: 1000)))
            return
        }
        start(request, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        isReadingBurst = false
        flushIfNeeded()
        context.fireChannelReadComplete()
    }

    /// Holds back reads while the connection has its fill of calls in flight: the peer then feels
    /// TCP back-pressure instead of the server queueing without bound.
    func read(context: ChannelHandlerContext) {
        if calls.count >= configuration.maxCallsInFlightPerConnection {
            isReadPaused = true
        } else {
            context.read()
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }

    // MARK: Running calls

    private func start(_ request: Boxoffice_V1_Request, context: ChannelHandlerContext) {
        let sequence = nextSequence
        nextSequence &+= 1
        let budget = deadlineBudget(requestedMilliseconds: request.deadlineMs)
        let callContext = CallContext(
            callID: request.callID,
            remoteAddress: context.channel.remoteAddress,
            authToken: request.authToken,
            userID: nil,
            idempotencyKey: request.idempotencyKey,
            deadline: .now() + budget,
            logger: logger
        )
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        let timeout = loop.scheduleTask(in: budget) {
            handler.value.expire(sequence, budget: budget)
        }
        calls[sequence] = InFlightCall(callID: request.callID, timeout: timeout)
        let dispatcher = self.dispatcher
        let task = Task(executorPreference: executor!) {
            let response = await dispatcher.handle(request, context: callContext)
            if loop.inEventLoop {
                handler.value.finish(sequence, with: response)
            } else {
                loop.execute { handler.value.finish(sequence, with: response) }
            }
        }
        calls[sequence]?.task = task
    }

    private func deadlineBudget(requestedMilliseconds: UInt32) -> TimeAmount {
        let requested: Duration = requestedMilliseconds == 0
            ? configuration.defaultDeadline
            : .milliseconds(Int64(requestedMilliseconds))
        return TimeAmount(min(requested, configuration.maxDeadline))
    }

    private func finish(_ sequence: UInt64, with response: Boxoffice_V1_Response) {
        // Absent when the deadline already answered for this call.
        guard let call = calls.removeValue(forKey: sequence) else { return }
        call.timeout?.cancel()
        write(response)
        callCompleted()
    }

    private func expire(_ sequence: UInt64, budget: TimeAmount) {
        guard let call = calls.removeValue(forKey: sequence) else { return }
        call.task?.cancel()
        write(.failure(callID: call.callID, BoxOfficeError(
            .deadlineExceeded, "the call did not finish within its deadline of \(budget.nanoseconds / 1_000_000) ms")))
        callCompleted()
    }

    private func callCompleted() {
        guard let context else { return }
        if isReadPaused && calls.count < configuration.maxCallsInFlightPerConnection {
            isReadPaused = false
            context.read()
        }
        if isQuiescing && calls.isEmpty {
            flushIfNeeded()
            context.close(promise: nil)
        }
    }

    private func cancelAllCalls() {
        for call in calls.values {
            call.task?.cancel()
            call.timeout?.cancel()
        }
        calls.removeAll()
    }

    // MARK: Writing answers

    private func write(_ response: Boxoffice_V1_Response) {
        guard let context else { return }
        do {
            let frame = try FrameCoding.frame(of: response, allocator: context.channel.allocator)
            context.write(wrapOutboundOut(frame), promise: nil)
        } catch {
            logger.error("response did not encode", metadata: ["error": "\(error)"])
            return
        }
        hasUnflushedWrites = true
        if !isReadingBurst { scheduleFlush(context: context) }
    }

    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            handler.value.isFlushScheduled = false
            handler.value.flushIfNeeded()
        }
    }

    private func flushIfNeeded() {
        guard hasUnflushedWrites, let context else { return }
        hasUnflushedWrites = false
        context.flush()
    }

    // MARK: Errors and events

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case let tooLarge as FrameTooLargeError:
            logger.notice("refused oversized frame", metadata: ["boxoffice.frame_length": "\(tooLarge.length)"])
            write(.failure(callID: 0, BoxOfficeError(.resourceExhausted, tooLarge.description)))
            flushIfNeeded()
        case let truncated as TruncatedFrameError:
            logger.debug("peer closed mid-frame", metadata: ["boxoffice.bytes": "\(truncated.bytes)"])
        default:
            logger.debug("connection error", metadata: ["error": "\(error)"])
        }
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            isQuiescing = true
            if calls.isEmpty {
                flushIfNeeded()
                context.close(promise: nil)
            }
        case let idle as IdleStateHandler.IdleStateEvent where idle == .all:
            if calls.isEmpty {
                logger.debug("closing idle connection")
                context.close(promise: nil)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
