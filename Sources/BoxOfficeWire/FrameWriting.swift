public import NIOCore
public import SwiftProtobuf

extension ByteBufferAllocator {
    /// One frame holding `message`: its length, big-endian, then its protobuf bytes.
    public func frame(of message: some SwiftProtobuf.Message) throws -> ByteBuffer {
        let body: [UInt8] = try message.serializedBytes()
        var buffer = self.buffer(capacity: FrameDecoder.headerLength + body.count)
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }
}

extension SwiftProtobuf.Message {
    /// Decodes a message from a frame body.
    public init(frame: ByteBuffer) throws {
        self = try Self(serializedBytes: Array(frame.readableBytesView))
    }
}

/// Reads the `call_id` (field 1, a varint) of an envelope that failed to decode as a whole, so an
/// error answer can still name the call. Encoders write fields in number order, so it leads.
public func salvageCallID(from frame: ByteBuffer) -> UInt64 {
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
