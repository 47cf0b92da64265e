import BoxOfficeCore
public import NIOCore

/// Splits a byte stream into frames: a 4-byte unsigned big-endian length, then that many bytes.
///
/// The length is checked against `maxFrameLength` as soon as its four bytes arrive, before any of
/// the body is buffered, so a peer cannot make us hold a 4 GiB frame.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    /// The size of the length prefix.
    public static let headerLength = 4
    /// The default largest frame body, 1 MiB.
    public static let defaultMaxFrameLength = ProtocolLimits.defaultMaxFrameBytes

    public let maxFrameLength: Int

    public init(maxFrameLength: Int = FrameDecoder.defaultMaxFrameLength) {
        self.maxFrameLength = maxFrameLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return .needMoreData
        }
        guard Int(length) <= maxFrameLength else {
            throw FrameTooLargeError(length: Int(length), maxFrameLength: maxFrameLength)
        }
        guard buffer.readableBytes >= Self.headerLength + Int(length) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: Self.headerLength)
        let frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let stranded = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: stranded)
            throw TruncatedFrameError(bytes: stranded)
        }
        return .needMoreData
    }
}

/// A frame's length prefix exceeds the configured maximum.
public struct FrameTooLargeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var length: Int
    public var maxFrameLength: Int

    public init(length: Int, maxFrameLength: Int) {
        self.length = length
        self.maxFrameLength = maxFrameLength
    }

    public var description: String {
        "frame of \(length) bytes exceeds the maximum of \(maxFrameLength) bytes"
    }
}

/// The stream ended in the middle of a frame.
public struct TruncatedFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    public var bytes: Int
    public var description: String { "connection closed \(bytes) bytes into an incomplete frame" }
}
