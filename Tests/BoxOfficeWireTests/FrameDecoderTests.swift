import BoxOfficeWire
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("Frame codec")
struct FrameDecoderTests {
    private func frame(_ body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }

    @Test func decodesFramesFedOneByteAtATime() throws {
        let bodies: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 300), [0xff]]
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: bodies.map { (frame($0), [ByteBuffer(bytes: $0)]) },
            decoderFactory: { FrameDecoder(maxFrameLength: 1024) }
        )
    }

    @Test func decodesSeveralFramesInOneRead() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameLength: 1024)))
        var burst = frame([1])
        var second = frame([2, 2])
        var third = frame([3, 3, 3])
        burst.writeBuffer(&second)
        burst.writeBuffer(&third)
        try channel.writeInbound(burst)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [1]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [2, 2]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(bytes: [3, 3, 3]))
        #expect(try channel.finish().isClean)
    }

    @Test func refusesAnOversizedLengthBeforeItsBodyArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameLength: 1024)))
        var header = ByteBuffer()
        header.writeInteger(UInt32.max)  // 4 GiB: only the four length bytes are ever sent
        #expect {
            try channel.writeInbound(header)
        } throws: { error in
            (error as? FrameTooLargeError) == FrameTooLargeError(length: Int(UInt32.max), maxFrameLength: 1024)
        }
        _ = try? channel.finish()
    }

    @Test func acceptsAFrameOfExactlyTheMaximum() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameLength: 16)))
        try channel.writeInbound(frame(Array(repeating: 9, count: 16)))
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 16)
        #expect(try channel.finish().isClean)
    }

    @Test func reportsAStreamThatEndsMidFrame() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameLength: 1024)))
        var truncated = frame([1, 2, 3, 4, 5])
        truncated.moveWriterIndex(to: truncated.writerIndex - 2)
        try channel.writeInbound(truncated)
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        #expect(throws: TruncatedFrameError.self) { try channel.finish() }
    }

    @Test func survivesGarbage() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameLength: 4096)))
            let garbage = (0..<Int.random(in: 1...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                try channel.writeInbound(ByteBuffer(bytes: garbage))
                while let frame = try channel.readInbound(as: ByteBuffer.self) {
                    #expect(frame.readableBytes <= 4096)
                }
                _ = try? channel.finish()
            } catch is FrameTooLargeError {
                _ = try? channel.finish()
            }
        }
    }

    @Test func salvagesTheCallIDOfAnUndecodableEnvelope() {
        // call_id = 300 (field 1, varint 0xAC 0x02), then junk.
        #expect(FrameCoding.salvageCallID(from: ByteBuffer(bytes: [0x08, 0xAC, 0x02, 0xFF, 0xFF])) == 300)
        #expect(FrameCoding.salvageCallID(from: ByteBuffer(bytes: [0x12, 0x01])) == 0)
        #expect(FrameCoding.salvageCallID(from: ByteBuffer(bytes: [0x08, 0x80])) == 0)
    }
}
