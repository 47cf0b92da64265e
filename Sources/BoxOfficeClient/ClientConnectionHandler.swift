import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeWire
import NIOCore

/// A call on its way out: the request, where its answer goes, and how long to wait for it.
struct OutgoingCall: Sendable {
    var request: Boxoffice_V1_Request
    var response: EventLoopPromise<Boxoffice_V1_Response>
    var timeout: TimeAmount
}

/// Asks the connection to stop waiting for a call whose caller was cancelled; its late answer is dropped.
struct CancelCall: Sendable {
    var callID: UInt64
}

/// Matches answers to calls by `call_id`, so many calls share one connection and may be answered
/// in any order. Fails every waiting call with a clear status when the connection ends.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutgoingCall
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var promise: EventLoopPromise<Boxoffice_V1_Response>
        var timeout: Scheduled<Void>
    }

    private var waiting: [UInt64: Waiting] = [:]
    private var closedWith: BoxOfficeError?
    private var isFlushScheduled = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        if let closedWith {
            call.response.fail(closedWith)
            promise?.fail(closedWith)
            return
        }
        let frame: ByteBuffer
        do {
            frame = try FrameCoding.frame(of: call.request, allocator: context.channel.allocator)
        } catch {
            call.response.fail(BoxOfficeError(.invalidArgument, "the request did not encode: \(error)"))
            promise?.fail(error)
            return
        }
        let callID = call.request.callID
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timeout = context.eventLoop.scheduleTask(in: call.timeout) {
            handler.value.timedOut(callID, after: call.timeout)
        }
        waiting[callID] = Waiting(promise: call.response, timeout: timeout)
        context.write(wrapOutboundOut(frame), promise: promise)
        // One flush for every call written in this loop tick: many tasks calling at once share
        // a write(2) instead of paying one each.
        if !isFlushScheduled {
            isFlushScheduled = true
            context.eventLoop.execute {
                handler.value.isFlushScheduled = false
                handler.value.flushNow()
            }
        }
    }

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    private func flushNow() {
        context?.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let response: Boxoffice_V1_Response
        do {
            response = try FrameCoding.decode(Boxoffice_V1_Response.self, from: frame)
        } catch {
            failAll(BoxOfficeError(.internalError, "the server sent a frame that is not a boxoffice.v1.Response"), context: context)
            return
        }
        if let call = waiting.removeValue(forKey: response.callID) {
            call.timeout.cancel()
            call.promise.succeed(response)
        } else if response.callID == 0, response.status.code != .ok {
            // An answer to call_id 0 is about the connection: an oversized frame, a frame that did
            // not decode. It concerns every call still waiting. (A late answer to a call that timed
            // out or was cancelled names its own id and is dropped.)
            failAll(response.status.error, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(BoxOfficeError(.unavailable, "the connection to the server closed"), context: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason: BoxOfficeError = switch error {
        case let tooLarge as FrameTooLargeError: BoxOfficeError(.resourceExhausted, "the server's answer was too large: \(tooLarge)")
        case let error as BoxOfficeError: error
        default: BoxOfficeError(.unavailable, "connection error: \(error)")
        }
        failAll(reason, context: context)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let cancel = event as? CancelCall else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if let call = waiting.removeValue(forKey: cancel.callID) {
            call.timeout.cancel()
            call.promise.fail(BoxOfficeError(.cancelled, "the call was cancelled by its caller"))
        }
        promise?.succeed()
    }

    private func timedOut(_ callID: UInt64, after timeout: TimeAmount) {
        guard let call = waiting.removeValue(forKey: callID) else { return }
        call.promise.fail(BoxOfficeError(.deadlineExceeded, "no answer within \(timeout.nanoseconds / 1_000_000) ms"))
    }

    private func failAll(_ error: BoxOfficeError, context: ChannelHandlerContext?) {
        if closedWith == nil { closedWith = error }
        let calls = waiting
        waiting.removeAll()
        for call in calls.values {
            call.timeout.cancel()
            call.promise.fail(error)
        }
        context?.close(promise: nil)
    }
}
