public import NIOCore
public import SwiftProtobuf

/// Encoding and decoding of frame bodies: a frame is a 4-byte big-endian length, then that many
/// bytes of one protobuf message (`FrameDecoder` splits the stream; this makes and reads bodies).
public enum FrameCoding {
    /// One frame holding `message`: its length, big-endian, then its protobuf bytes.
    public static func frame(of message: some SwiftProtobuf.Message, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let body: [UInt8] = try message.serializedBytes()
        var buffer = allocator.buffer(capacity: FrameDecoder.headerLength + body.count)
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }

    /// Decodes a message of type `type` from a frame body.
    public static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from frame: ByteBuffer) throws -> M {
        try M(serializedBytes: Array(frame.readableBytesView))
    }

    /// Reads the `call_id` (field 1, a varint) of an envelope that failed to decode as a whole, so an
    /// error answer can still name the call. Encoders write fields in number order, so it leads.
    public static func salvageCallID(from frame: ByteBuffer) -> UInt64 {
        var bytes = frame.readableBytesView.makeIterator()
        guard bytes.next() == 0x08 else { return 0 }
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            guard let byte = bytes.next() else { return 0 }
            value |= UInt64(byte & 0x7f) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        return 0
    }
}
