@testable import BoxOfficeServer
import BoxOfficeBooking
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore
import BoxOfficeTesting
import BoxOfficeWire
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

/// A real `Dispatcher`, built by `ServerComponents` as the server builds it, over a copy of the
/// demo catalogue, with the configuration a connection handler under test is given.
struct DispatcherFixture: Sendable {
    let configuration: ServerConfiguration
    let dispatcher: Dispatcher
    let metrics: ServerMetrics
    /// The database threads. Left stopped unless the test asks: a query then fails at once, on
    /// the caller's thread, rather than resuming its Task from another thread.
    let threadPool: NIOThreadPool
    let logger = Logger(label: "boxoffice.test", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(directory: URL, startingThreadPool: Bool, configure: (inout ServerConfiguration) -> Void) throws {
        configuration = ServerConfiguration.defaults {
            $0.databaseThreads = 1
            $0.passwordHashRounds = 1000
            configure(&$0)
        }
        threadPool = NIOThreadPool(numberOfThreads: configuration.databaseThreads)
        if startingThreadPool { threadPool.start() }
        metrics = ServerMetrics()
        let (store, _) = try TestCatalogue.makeStore(in: directory)
        let pool = BlockingPool(threadPool)
        dispatcher = try ServerComponents(
            configuration: configuration, store: SQLiteStore(database: store, pool: pool), pool: pool,
            localTime: LocalTime(preloading: store.timeZoneNames()), clock: TestCatalogue.clock,
            paymentGateway: SimulatedPaymentProcessor(), schedule: .realTime, metrics: metrics,
            group: MultiThreadedEventLoopGroup.singleton, logger: logger
        ).dispatcher
    }

    func makeHandler() -> RPCConnectionHandler {
        RPCConnectionHandler(dispatcher: dispatcher, configuration: configuration, logger: logger)
    }

    /// For tests on an `EmbeddedChannel`, whose loop must only ever be touched from the test's thread.
    static func withStoppedThreadPool<T>(
        configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (DispatcherFixture) throws -> T
    ) throws -> T {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(DispatcherFixture(directory: directory, startingThreadPool: false, configure: configure))
    }

    static func withRunningThreadPool<T>(
        configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (DispatcherFixture) async throws -> T
    ) async throws -> T {
        let directory = try TestCatalogue.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try DispatcherFixture(directory: directory, startingThreadPool: true, configure: configure)
        do {
            let result = try await body(fixture)
            try await fixture.threadPool.shutdownGracefully()
            return result
        } catch {
            try? await fixture.threadPool.shutdownGracefully()
            throw error
        }
    }
}

/// Counts the reads and flushes that pass it on their way to the head of the pipeline.
final class OutboundEventCounter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    private(set) var reads = 0
    private(set) var flushes = 0

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    func flush(context: ChannelHandlerContext) {
        flushes += 1
        context.flush()
    }
}

/// A request as the frame decoder hands it on: the body, without its length prefix.
func requestFrame(callID: UInt64, deadlineMilliseconds: UInt32 = 0, _ call: Boxoffice_V1_Request.OneOf_Call? = nil) throws -> ByteBuffer {
    var request = Boxoffice_V1_Request()
    request.callID = callID
    request.deadlineMs = deadlineMilliseconds
    request.call = call
    var frame = try FrameCoding.frame(of: request, allocator: ByteBufferAllocator())
    frame.moveReaderIndex(forwardBy: FrameDecoder.headerLength)
    return frame
}

/// An answer as the handler writes it: length prefix, then body.
func decodeAnswer(_ frame: ByteBuffer?) throws -> Boxoffice_V1_Response {
    var frame = try #require(frame, "no answer was written")
    let length = frame.readInteger(as: UInt32.self)
    #expect(length.map(Int.init) == frame.readableBytes)
    return try FrameCoding.decode(Boxoffice_V1_Response.self, from: frame)
}

extension EmbeddedChannel {
    /// Every answer flushed so far, in order.
    func flushedAnswers() throws -> [Boxoffice_V1_Response] {
        var answers: [Boxoffice_V1_Response] = []
        while let frame = try readOutbound(as: ByteBuffer.self) {
            answers.append(try decodeAnswer(frame))
        }
        return answers
    }
}

let embeddedPeer = try! SocketAddress(ipAddress: "192.0.2.7", port: 40_000)

/// The handler on an `EmbeddedChannel`, whose loop runs only when the test says and whose time
/// moves only by `advanceTime`. Calls are requests naming no call: the real dispatcher answers
/// them UNIMPLEMENTED without leaving the loop, so a call is in flight exactly until the test runs
/// the loop's tasks.
@Suite("Connection handler on an embedded channel")
struct ConnectionHandlerTests {
    @Test func anIdleConnectionIsClosedWhenTheIdleStateHandlerFires() throws {
        try DispatcherFixture.withStoppedThreadPool(configure: { $0.idleTimeout = .milliseconds(1) }) { fixture in
            // As the server builds the pipeline. The idle handler's timer runs on the loop's clock,
            // but it checks how long the channel was idle on the real one (`NIODeadline.now()`):
            // both must pass the timeout. Sleeping 2 ms is a lower bound, so this cannot be flaky.
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandlers([
                IdleStateHandler(allTimeout: TimeAmount(fixture.configuration.idleTimeout)), fixture.makeHandler(),
            ])
            try channel.connect(to: embeddedPeer).wait()
            usleep(2_000)
            #expect(channel.isActive, "the loop's clock has not reached the timeout")
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
            #expect(!channel.isActive)
            #expect(try channel.flushedAnswers().isEmpty)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func anIdleEventLeavesAConnectionWithACallInFlightOpen() throws {
        try DispatcherFixture.withStoppedThreadPool { fixture in
            let channel = EmbeddedChannel(handler: fixture.makeHandler())
            try channel.connect(to: embeddedPeer).wait()
            try channel.writeInbound(requestFrame(callID: 1))
            channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
            #expect(channel.isActive)
            // The call finishes and is answered; the connection stays up until idle again.
            channel.embeddedEventLoop.run()
            #expect(try channel.flushedAnswers().map(\.callID) == [1])
            #expect(channel.isActive)
            // Other idle events are not the handler's to act on.
            channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
            #expect(channel.isActive)
            channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
            #expect(!channel.isActive)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func readsAreHeldAtTheInFlightCapAndResumedWhenACallFinishes() throws {
        try DispatcherFixture.withStoppedThreadPool(configure: { $0.maxCallsInFlightPerConnection = 2 }) { fixture in
            let counter = OutboundEventCounter()
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandlers([counter, fixture.makeHandler()])
            try channel.connect(to: embeddedPeer).wait()

            let reads = counter.reads
            try channel.writeInbound(requestFrame(callID: 1))
            channel.read()
            #expect(counter.reads == reads + 1, "below the cap, a read goes through")
            try channel.writeInbound(requestFrame(callID: 2))
            channel.read()
            channel.read()
            #expect(counter.reads == reads + 1, "at the cap, reads are held")

            // Both calls finish in one loop tick: the first resumes the held read, and their
            // answers go out in one flush.
            channel.embeddedEventLoop.run()
            #expect(counter.reads == reads + 2)
            #expect(counter.flushes == 1)
            let answers = try channel.flushedAnswers()
            #expect(answers.map(\.callID) == [1, 2])
            #expect(answers.allSatisfy { $0.status.code == .unimplemented })
            channel.read()
            #expect(counter.reads == reads + 3)
            _ = try channel.finish()
        }
    }

    @Test func answersWrittenInAReadBurstAreFlushedOnceAtItsEnd() throws {
        try DispatcherFixture.withStoppedThreadPool { fixture in
            let counter = OutboundEventCounter()
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandlers([counter, fixture.makeHandler()])
            try channel.connect(to: embeddedPeer).wait()
            // Three frames that do not decode, each answered INVALID_ARGUMENT as it is read.
            for callID in [UInt8(5), 6, 7] {
                channel.pipeline.fireChannelRead(ByteBuffer(bytes: [0x08, callID, 0xFF]))
            }
            #expect(counter.flushes == 0)
            #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
            channel.pipeline.fireChannelReadComplete()
            #expect(counter.flushes == 1)
            let answers = try channel.flushedAnswers()
            #expect(answers.map(\.callID) == [5, 6, 7])
            #expect(answers.allSatisfy { $0.status.code == .invalidArgument })
            _ = try channel.finish()
        }
    }

    @Test func quiescingRefusesNewCallsAndClosesOnceTheLastIsAnswered() throws {
        try DispatcherFixture.withStoppedThreadPool { fixture in
            let channel = EmbeddedChannel(handler: fixture.makeHandler())
            try channel.connect(to: embeddedPeer).wait()
            try channel.writeInbound(requestFrame(callID: 1))
            try channel.writeInbound(requestFrame(callID: 2))
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(channel.isActive, "two calls are in flight")

            // A call arriving now is refused, and the refusal goes out at the end of its burst.
            try channel.writeInbound(requestFrame(callID: 3))
            let refusal = try decodeAnswer(channel.readOutbound(as: ByteBuffer.self))
            #expect(refusal.callID == 3)
            #expect(refusal.status.code == .unavailable)
            #expect(refusal.status.retryAfterMs == 1000)
            #expect(channel.isActive)

            // The calls in flight are answered, flushed, and then the connection closes.
            channel.embeddedEventLoop.run()
            let answers = try channel.flushedAnswers()
            #expect(answers.map(\.callID) == [1, 2])
            #expect(answers.allSatisfy { $0.status.code == .unimplemented })
            #expect(!channel.isActive)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }

    @Test func quiescingWithNoCallInFlightClosesAtOnce() throws {
        try DispatcherFixture.withStoppedThreadPool { fixture in
            let channel = EmbeddedChannel(handler: fixture.makeHandler())
            try channel.connect(to: embeddedPeer).wait()
            try channel.writeInbound(requestFrame(callID: 1))
            channel.embeddedEventLoop.run()
            #expect(try channel.flushedAnswers().map(\.callID) == [1])
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            #expect(!channel.isActive)
            _ = try channel.finish(acceptAlreadyClosed: true)
        }
    }
}

/// The deadline, on `NIOAsyncTestingChannel`: the call must really leave the loop and wait, and
/// its Task is resumed from a database thread, which `EmbeddedEventLoop` does not allow (it is
/// not thread-safe and checks that it is only used from the thread that made it). The testing loop
/// keeps the manual clock, and the call is held deterministically: the one database thread is
/// busy with a job the test releases, so the call cannot finish however long the machine takes.
@Suite("Connection handler deadlines", .timeLimit(.minutes(1)))
struct ConnectionDeadlineTests {
    @Test func aCallPastItsDeadlineIsAnsweredDeadlineExceeded() async throws {
        try await DispatcherFixture.withRunningThreadPool { fixture in
            let release = DispatchSemaphore(value: 0)
            fixture.threadPool.submit { _ in release.wait() }
            defer { release.signal() }

            let loop = NIOAsyncTestingEventLoop()
            let channel = try await NIOAsyncTestingChannel(loop: loop) { [fixture] channel in
                try channel.pipeline.syncOperations.addHandler(fixture.makeHandler())
            }
            try await channel.connect(to: embeddedPeer).get()
            // GetInfo counts the catalogue on the database thread (nothing is cached yet).
            try await channel.writeInbound(requestFrame(callID: 7, deadlineMilliseconds: 50, .getInfo(.init())))
            await loop.run()
            await loop.advanceTime(by: .milliseconds(49))
            #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)
            await loop.advanceTime(by: .milliseconds(1))
            let expired = try decodeAnswer(await channel.readOutbound(as: ByteBuffer.self))
            #expect(expired.callID == 7)
            #expect(expired.status.code == .deadlineExceeded)
            #expect(expired.status.message.contains("50 ms"))

            // Let the database thread go: the call's Task, cancelled by the deadline, ends CANCELLED
            // (the dispatcher counts it), and that late answer is not written.
            release.signal()
            try await fixture.threadPool.runIfActive {}
            await loop.run()
            let exposition = String(decoding: fixture.metrics.exposition(), as: UTF8.self)
            #expect(exposition.contains(#"boxoffice_calls_total{method="GetInfo",status="CANCELLED"} 1"#), "\(exposition)")
            #expect(try await channel.readOutbound(as: ByteBuffer.self) == nil)

            // The connection still serves calls.
            #expect(channel.isActive)
            try await channel.writeInbound(requestFrame(callID: 8))
            await loop.run()
            #expect(try decodeAnswer(await channel.readOutbound(as: ByteBuffer.self)).callID == 8)
            _ = try await channel.finish()
        }
    }
}
