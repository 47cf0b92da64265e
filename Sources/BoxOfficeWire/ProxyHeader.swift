public import NIOCore

/// What a PROXY protocol header says about the connection it opens (HAProxy's "The PROXY protocol,
/// Versions 1 & 2"): a proxy in front of the server, in TCP mode, sends one before any of the
/// client's bytes, because the server's socket only sees the proxy.
public struct ProxyHeader: Sendable, Hashable {
    /// Whether the proxy relays a client or opened the connection for itself.
    public enum Command: Sendable, Hashable {
        /// The proxy's own connection, such as a health check: the socket's peer is the client.
        case local
        /// A connection relayed for the client that `source` names.
        case proxy
    }

    /// 1 for the text line, 2 for the binary header.
    public var version: Int
    public var command: Command
    /// The client as the proxy saw it. Nil for LOCAL, for v1 `PROXY UNKNOWN`, and for v2 families
    /// this type does not carry (UNSPEC, AF_UNIX, UDP): the socket's own peer stands in then.
    public var source: SocketAddress?
    /// The address the client connected to, on the proxy; nil whenever `source` is.
    public var destination: SocketAddress?

    public init(version: Int, command: Command, source: SocketAddress? = nil, destination: SocketAddress? = nil) {
        self.version = version
        self.command = command
        self.source = source
        self.destination = destination
    }
}

/// A complete header found at the start of a buffer.
public struct ProxyHeaderParse: Sendable, Hashable {
    public var header: ProxyHeader
    /// How many bytes the header takes, its CRLF or TLVs included: the connection's own bytes start
    /// right after them.
    public var length: Int

    public init(header: ProxyHeader, length: Int) {
        self.header = header
        self.length = length
    }
}

/// Bytes that are not, or cannot become, a valid PROXY protocol header.
public struct ProxyHeaderError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, in plain words, for the log line of the connection it ends.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Reads a PROXY protocol header, v1 or v2, from the bytes a connection has sent so far.
///
/// A pure function of the bytes so far, so its caller may feed it any split of the stream: it answers
/// nil while a valid header could still follow, and throws as soon as the bytes so far cannot start
/// one, without waiting for more. A forged length cannot make the caller buffer more than
/// `maxV2Length` bytes, nor a line without its CRLF more than `maxV1Length`.
public enum ProxyHeaderParser {
    /// The longest v1 line the spec allows, CRLF included ("PROXY UNKNOWN" and two full IPv6 addresses).
    public static let maxV1Length = 107
    /// The fixed 16 bytes and the 536 that the spec keeps the whole header within (one minimal TCP
    /// segment); HAProxy's own headers, TLVs included, fit.
    public static let maxV2Length = 16 + 536

    static let v1Signature = Array("PROXY ".utf8)
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    static let v2FixedLength = 16

    private static let space = UInt8(ascii: " ")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    /// The header at the start of `buffer`'s readable bytes, or nil when more bytes are needed.
    /// `buffer` is not moved: the caller skips `length` bytes.
    public static func parse(_ buffer: ByteBuffer) throws(ProxyHeaderError) -> ProxyHeaderParse? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        switch first {
        case v1Signature[0]: return try parseV1(buffer)
        case v2Signature[0]: return try parseV2(buffer)
        default: throw ProxyHeaderError("not a PROXY protocol header")
        }
    }

    /// Throws unless `bytes` (as many as have arrived) agree with `signature` so far.
    private static func expect(_ signature: [UInt8], atStartOf bytes: some Collection<UInt8>) throws(ProxyHeaderError) {
        guard bytes.prefix(signature.count).elementsEqual(signature.prefix(bytes.count)) else {
            throw ProxyHeaderError("not a PROXY protocol header")
        }
    }

    // MARK: Version 1: one line of text

    private enum V1Protocol: CaseIterable {
        case tcp4, tcp6, unknown

        var name: String {
            switch self {
            case .tcp4: "TCP4"
            case .tcp6: "TCP6"
            case .unknown: "UNKNOWN"
            }
        }
    }

    private static func parseV1(_ buffer: ByteBuffer) throws(ProxyHeaderError) -> ProxyHeaderParse? {
        // Never more than a line's worth is looked at, whatever has been buffered behind it.
        let bytes = Array(buffer.readableBytesView.prefix(maxV1Length))
        try expect(v1Signature, atStartOf: bytes)
        guard bytes.count > v1Signature.count else { return nil }
        if let lineFeedIndex = try v1LineFeed(in: bytes) {
            let text = bytes[v1Signature.count..<(lineFeedIndex - 1)]
            guard let header = try parseV1Fields(text, complete: true) else {
                throw ProxyHeaderError("PROXY v1 line is incomplete")  // a complete line always parses or throws
            }
            return ProxyHeaderParse(header: header, length: lineFeedIndex + 1)
        }
        guard bytes.count < maxV1Length else {
            throw ProxyHeaderError("PROXY v1 line longer than \(maxV1Length) bytes")
        }
        // What has come so far must still be able to start a valid line. After a final CR only its LF
        // may come, so the text before it is judged as the whole line.
        let text = bytes[v1Signature.count...]
        if text.last == carriageReturn {
            _ = try parseV1Fields(text.dropLast(), complete: true)
        } else {
            _ = try parseV1Fields(text, complete: false)
        }
        return nil
    }

    /// The index of the line's LF, or nil if it has not come yet; throws at a byte that cannot be in
    /// the line, or a CR or LF that is not part of a CRLF.
    private static func v1LineFeed(in bytes: [UInt8]) throws(ProxyHeaderError) -> Int? {
        for index in bytes.indices {
            let byte = bytes[index]
            let afterCarriageReturn = index > 0 && bytes[index - 1] == carriageReturn
            if byte == lineFeed {
                guard afterCarriageReturn else {
                    throw ProxyHeaderError("PROXY v1 line ends in a line feed without a carriage return before it")
                }
                return index
            }
            if afterCarriageReturn {
                throw ProxyHeaderError("PROXY v1 line has a carriage return not followed by a line feed")
            }
            guard (0x20...0x7E).contains(byte) || byte == carriageReturn else {
                throw ProxyHeaderError("PROXY v1 line has a byte that is not printable US-ASCII")
            }
        }
        return nil
    }

    /// The header that `text` (the line after "PROXY ", without its CRLF) announces. When the line is
    /// not `complete`, `text` is all of it so far: nil if it can still become valid, else it throws.
    private static func parseV1Fields(_ text: ArraySlice<UInt8>, complete: Bool) throws(ProxyHeaderError) -> ProxyHeader? {
        let fields = text.split(separator: space, maxSplits: 5, omittingEmptySubsequences: false)
        let name = String(decoding: fields.first ?? [], as: UTF8.self)
        let nameComplete = complete || fields.count > 1
        guard let proto = V1Protocol.allCases.first(where: { $0.name == name }) else {
            if !nameComplete, V1Protocol.allCases.contains(where: { $0.name.hasPrefix(name) }) { return nil }
            throw ProxyHeaderError("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN")
        }
        if proto == .unknown {
            // The spec has the receiver ignore whatever follows UNKNOWN before the CRLF.
            return complete ? ProxyHeader(version: 1, command: .proxy) : nil
        }
        guard fields.count <= 5 else {
            throw ProxyHeaderError("PROXY v1 \(proto.name) line has more than its 4 fields after the protocol")
        }
        var ports: [Int] = []
        for index in fields.indices.dropFirst() {
            let field = fields[index]
            let fieldComplete = complete || index < fields.count - 1
            let role = ["source address", "destination address", "source port", "destination port"][index - 1]
            guard !(fieldComplete && field.isEmpty) else {
                throw ProxyHeaderError("PROXY v1 \(role) is empty: fields are separated by exactly one space")
            }
            if index <= 2 {
                try checkV1Address(field, proto, role: role, complete: fieldComplete)
            } else if let port = try v1Port(field, role: role, complete: fieldComplete) {
                ports.append(port)
            }
        }
        guard complete else { return nil }
        guard fields.count == 5, ports.count == 2 else {
            throw ProxyHeaderError(
                "PROXY v1 \(proto.name) line has \(fields.count - 1) of its 4 fields: "
                    + "source address, destination address, source port, destination port")
        }
        // Both addresses were checked for their family above, so these only fail if inet_pton does.
        guard let source = try? SocketAddress(ipAddress: String(decoding: fields[1], as: UTF8.self), port: ports[0]),
              let destination = try? SocketAddress(ipAddress: String(decoding: fields[2], as: UTF8.self), port: ports[1])
        else {
            throw ProxyHeaderError("PROXY v1 \(proto.name) line has an address that does not parse")
        }
        return ProxyHeader(version: 1, command: .proxy, source: source, destination: destination)
    }

    /// Throws unless `field` is (or, when not `complete`, can still become) an address of `proto`'s family.
    private static func checkV1Address(
        _ field: ArraySlice<UInt8>, _ proto: V1Protocol, role: String, complete: Bool
    ) throws(ProxyHeaderError) {
        switch proto {
        case .tcp4:
            guard isIPv4DottedQuad(field, complete: complete) else {
                throw ProxyHeaderError(
                    "PROXY v1 \(role) is not an IPv4 address: four numbers from 0 to 255, without leading zeros, between dots")
            }
        case .tcp6:
            // inet_pton does the real check once the field is whole; until then only its characters and
            // length (the longest form, with an IPv4 tail, is 45) can be judged. No '%': no scope IDs.
            var valid = field.count <= 45 && field.allSatisfy { byte in
                byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".") || isHexDigit(byte)
            }
            if valid && complete {
                let address = try? SocketAddress(ipAddress: String(decoding: field, as: UTF8.self), port: 0)
                if case .v6 = address {} else { valid = false }
            }
            guard valid else {
                throw ProxyHeaderError("PROXY v1 \(role) is not an IPv6 address")
            }
        case .unknown:
            break
        }
    }

    /// Whether `field` is four decimal numbers from 0 to 255 without leading zeros, separated by dots;
    /// when not `complete`, whether it can still become one. Stricter than inet_pton, as the spec is.
    private static func isIPv4DottedQuad(_ field: ArraySlice<UInt8>, complete: Bool) -> Bool {
        let parts = field.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 4, !complete || parts.count == 4 else { return false }
        for (index, part) in parts.enumerated() {
            let partComplete = complete || index < parts.count - 1
            guard let value = decimalValue(part, maxDigits: 3), value <= 255 else {
                // An empty last part is only a number yet to come.
                if part.isEmpty && !partComplete { continue }
                return false
            }
        }
        return true
    }

    /// The port `field` names, nil if it is not `complete` but can still become one; throws otherwise.
    private static func v1Port(_ field: ArraySlice<UInt8>, role: String, complete: Bool) throws(ProxyHeaderError) -> Int? {
        let value = decimalValue(field, maxDigits: 5)
        if let value, value <= 65535 {
            return complete ? value : nil
        }
        if field.isEmpty && !complete { return nil }
        throw ProxyHeaderError("PROXY v1 \(role) is not a number from 0 to 65535 without leading zeros")
    }

    /// The value of 1 to `maxDigits` decimal digits without a leading zero ("0" itself is fine).
    private static func decimalValue(_ digits: ArraySlice<UInt8>, maxDigits: Int) -> Int? {
        guard (1...maxDigits).contains(digits.count), !(digits.count > 1 && digits.first == UInt8(ascii: "0")) else {
            return nil
        }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    // MARK: Version 2: binary

    private static func parseV2(_ buffer: ByteBuffer) throws(ProxyHeaderError) -> ProxyHeaderParse? {
        let start = buffer.readerIndex
        try expect(v2Signature, atStartOf: buffer.readableBytesView)
        // Each byte of the fixed part is judged as soon as it arrives.
        guard let versionCommand = buffer.getInteger(at: start + 12, as: UInt8.self) else { return nil }
        guard versionCommand >> 4 == 2 else {
            throw ProxyHeaderError("unsupported PROXY v2 version \(versionCommand >> 4) (only 2 is defined)")
        }
        let command: ProxyHeader.Command
        switch versionCommand & 0x0F {
        case 0x0: command = .local
        case 0x1: command = .proxy
        case let other: throw ProxyHeaderError("unsupported PROXY v2 command \(other) (only LOCAL 0 and PROXY 1 are defined)")
        }
        guard let familyTransport = buffer.getInteger(at: start + 13, as: UInt8.self) else { return nil }
        // LOCAL ignores the family, as the spec says; PROXY must name a defined one.
        let family = try command == .local ? V2Family.unspecified : V2Family(familyTransport)
        guard let declared = buffer.getInteger(at: start + 14, as: UInt16.self) else { return nil }
        let length = v2FixedLength + Int(declared)
        guard length <= maxV2Length else {
            throw ProxyHeaderError(
                "PROXY v2 header of \(length) bytes is longer than the \(maxV2Length) the spec keeps it within")
        }
        guard Int(declared) >= family.addressBlockLength else {
            throw ProxyHeaderError(
                "PROXY v2 address block too short for \(family.name): \(declared) bytes, "
                    + "where \(family.addressBlockLength) are needed")
        }
        guard buffer.readableBytes >= length else { return nil }

        let addressSize: Int
        switch (command, family) {
        case (.proxy, .tcp4): addressSize = 4
        case (.proxy, .tcp6): addressSize = 16
        default:
            // TLVs, and addresses this type does not carry, are skipped with the rest of the length.
            return ProxyHeaderParse(header: ProxyHeader(version: 2, command: command), length: length)
        }
        let block = start + v2FixedLength
        guard let sourceBytes = buffer.getSlice(at: block, length: addressSize),
              let destinationBytes = buffer.getSlice(at: block + addressSize, length: addressSize),
              let sourcePort = buffer.getInteger(at: block + 2 * addressSize, as: UInt16.self),
              let destinationPort = buffer.getInteger(at: block + 2 * addressSize + 2, as: UInt16.self),
              let source = try? SocketAddress(packedIPAddress: sourceBytes, port: Int(sourcePort)),
              let destination = try? SocketAddress(packedIPAddress: destinationBytes, port: Int(destinationPort))
        else {
            // Unreachable: the length was checked against the family above.
            throw ProxyHeaderError("PROXY v2 address block too short for \(family.name)")
        }
        return ProxyHeaderParse(
            header: ProxyHeader(version: 2, command: .proxy, source: source, destination: destination), length: length)
    }

    /// The 14th byte: address family (high nibble) and transport (low nibble), as far as the length
    /// of the address block goes.
    private enum V2Family {
        /// UNSPEC in either nibble: no address to read, though the length may still cover some.
        case unspecified
        case tcp4, udp4, tcp6, udp6, unix

        init(_ byte: UInt8) throws(ProxyHeaderError) {
            switch (byte >> 4, byte & 0x0F) {
            case (0, 0...2), (1...3, 0): self = .unspecified
            case (1, 1): self = .tcp4
            case (1, 2): self = .udp4
            case (2, 1): self = .tcp6
            case (2, 2): self = .udp6
            case (3, 1...2): self = .unix
            case (let family, let transport) where family > 3:
                throw ProxyHeaderError("unsupported PROXY v2 address family \(family) (transport \(transport))")
            case (_, let transport):
                throw ProxyHeaderError("unsupported PROXY v2 transport protocol \(transport)")
            }
        }

        /// The least the length field may say: two addresses and, for IP, two ports.
        var addressBlockLength: Int {
            switch self {
            case .unspecified: 0
            case .tcp4, .udp4: 2 * 4 + 2 * 2
            case .tcp6, .udp6: 2 * 16 + 2 * 2
            case .unix: 2 * 108
            }
        }

        var name: String {
            switch self {
            case .unspecified: "UNSPEC"
            case .tcp4, .udp4: "IPv4"
            case .tcp6, .udp6: "IPv6"
            case .unix: "AF_UNIX"
            }
        }
    }
}
