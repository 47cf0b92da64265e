import BoxOfficeWire
import NIOCore
import Testing

@Suite("PROXY protocol header")
struct ProxyHeaderTests {
    /// The 12-byte v2 signature.
    private static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// A BoxOffice frame: length 4, then a request with call_id 1 and field 10.
    private static let frame: [UInt8] = [0x00, 0x00, 0x00, 0x04, 0x08, 0x01, 0x52, 0x00]

    private static func address(_ ip: String, _ port: Int) throws -> SocketAddress {
        try SocketAddress(ipAddress: ip, port: port)
    }

    private static func parse(_ bytes: [UInt8]) throws(ProxyHeaderError) -> ProxyHeaderParse? {
        try ProxyHeaderParser.parse(ByteBuffer(bytes: bytes))
    }

    /// Feeds `bytes` as they would arrive one at a time: every shorter prefix needs more bytes, the
    /// whole gives `expected` and its exact length, and a frame behind it changes neither.
    private static func expectHeader(_ bytes: [UInt8], _ expected: ProxyHeader) throws {
        for count in 0..<bytes.count {
            #expect(try parse(Array(bytes.prefix(count))) == nil, "after \(count) of \(bytes.count) bytes")
        }
        #expect(try parse(bytes) == ProxyHeaderParse(header: expected, length: bytes.count))
        #expect(try parse(bytes + frame) == ProxyHeaderParse(header: expected, length: bytes.count))
    }

    /// How many bytes of `bytes` it takes for the parser to refuse them, and why; nil if it never does.
    private static func rejection(of bytes: [UInt8]) -> (count: Int, message: String)? {
        for count in 1...bytes.count {
            do throws(ProxyHeaderError) {
                _ = try parse(Array(bytes.prefix(count)))
            } catch {
                return (count, error.message)
            }
        }
        return nil
    }

    private static func v1(_ line: String) -> [UInt8] { Array(line.utf8) }

    // MARK: Version 1

    @Test func readsAV1TCP4Line() throws {
        try Self.expectHeader(Self.v1("PROXY TCP4 203.0.113.7 10.0.0.5 51234 7100\r\n"), ProxyHeader(
            version: 1, command: .proxy,
            source: Self.address("203.0.113.7", 51234), destination: Self.address("10.0.0.5", 7100)))
    }

    @Test func readsAV1TCP4LineOfTheLargestValues() throws {
        try Self.expectHeader(Self.v1("PROXY TCP4 255.255.255.255 0.0.0.0 65535 0\r\n"), ProxyHeader(
            version: 1, command: .proxy,
            source: Self.address("255.255.255.255", 65535), destination: Self.address("0.0.0.0", 0)))
    }

    @Test func readsAV1TCP6Line() throws {
        try Self.expectHeader(Self.v1("PROXY TCP6 2001:db8::7 2001:DB8:0:0:0:0:0:5 51234 7100\r\n"), ProxyHeader(
            version: 1, command: .proxy,
            source: Self.address("2001:db8::7", 51234), destination: Self.address("2001:db8::5", 7100)))
    }

    @Test func readsAV1TCP6LineOfTheLongestAddresses() throws {
        let full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        let line = Self.v1("PROXY TCP6 \(full) \(full) 65535 65535\r\n")
        #expect(line.count == 104)
        try Self.expectHeader(line, ProxyHeader(
            version: 1, command: .proxy, source: Self.address(full, 65535), destination: Self.address(full, 65535)))
    }

    @Test func readsAV1UnknownLineWithAndWithoutItsAddresses() throws {
        try Self.expectHeader(Self.v1("PROXY UNKNOWN\r\n"), ProxyHeader(version: 1, command: .proxy))
        // The spec's worst case, 107 bytes exactly: what follows UNKNOWN is ignored.
        let full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        let longest = Self.v1("PROXY UNKNOWN \(full) \(full) 65535 65535\r\n")
        #expect(longest.count == ProxyHeaderParser.maxV1Length)
        try Self.expectHeader(longest, ProxyHeader(version: 1, command: .proxy))
    }

    // MARK: Version 2

    @Test func readsHAProxysV2IPv4Header() throws {
        // As HAProxy 2.6 sends it for proxied traffic: PROXY, TCP over IPv4, 12 address bytes.
        let bytes = Self.signature + [0x21, 0x11, 0x00, 0x0C]
            + [203, 0, 113, 7] + [10, 0, 0, 5] + [0xC8, 0x22] + [0x1B, 0xBC]
        try Self.expectHeader(bytes, ProxyHeader(
            version: 2, command: .proxy,
            source: Self.address("203.0.113.7", 51234), destination: Self.address("10.0.0.5", 7100)))
    }

    @Test func readsAV2IPv6Header() throws {
        let source: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [7]
        let destination: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [5]
        let bytes = Self.signature + [0x21, 0x21, 0x00, 0x24] + source + destination + [0xC8, 0x22, 0x1B, 0xBC]
        try Self.expectHeader(bytes, ProxyHeader(
            version: 2, command: .proxy,
            source: Self.address("2001:db8::7", 51234), destination: Self.address("2001:db8::5", 7100)))
    }

    @Test func readsHAProxysV2HealthCheck() throws {
        // As HAProxy 2.6 sends it for a health check: LOCAL, UNSPEC, no address bytes.
        try Self.expectHeader(Self.signature + [0x20, 0x00, 0x00, 0x00], ProxyHeader(version: 2, command: .local))
    }

    @Test func skipsTheAddressesOfALocalHeader() throws {
        // LOCAL ignores the family, even one no sender may use, but its length still counts.
        let bytes = Self.signature + [0x20, 0x11, 0x00, 0x0C] + [203, 0, 113, 7, 10, 0, 0, 5, 0xC8, 0x22, 0x1B, 0xBC]
        try Self.expectHeader(bytes, ProxyHeader(version: 2, command: .local))
        try Self.expectHeader(Self.signature + [0x20, 0x47, 0x00, 0x00], ProxyHeader(version: 2, command: .local))
    }

    @Test func skipsTLVsAfterTheAddresses() throws {
        // A PP2_TYPE_UNIQUE_ID of 4 bytes and a PP2_TYPE_NOOP of none: 12 + 7 + 3 = 22 bytes.
        let bytes = Self.signature + [0x21, 0x11, 0x00, 0x16]
            + [203, 0, 113, 7] + [10, 0, 0, 5] + [0xC8, 0x22] + [0x1B, 0xBC]
            + [0x05, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF] + [0x04, 0x00, 0x00]
        try Self.expectHeader(bytes, ProxyHeader(
            version: 2, command: .proxy,
            source: Self.address("203.0.113.7", 51234), destination: Self.address("10.0.0.5", 7100)))
    }

    @Test func carriesNoAddressForFamiliesItDoesNotCarry() throws {
        // PROXY over UNSPEC, over AF_UNIX stream (two 108-byte paths), and UDP over IPv4.
        try Self.expectHeader(Self.signature + [0x21, 0x00, 0x00, 0x00], ProxyHeader(version: 2, command: .proxy))
        try Self.expectHeader(
            Self.signature + [0x21, 0x31, 0x00, 0xD8] + Array(repeating: 0x61, count: 216),
            ProxyHeader(version: 2, command: .proxy))
        try Self.expectHeader(
            Self.signature + [0x21, 0x12, 0x00, 0x0C] + Array(repeating: 1, count: 12),
            ProxyHeader(version: 2, command: .proxy))
    }

    @Test func acceptsAV2HeaderOfExactlyTheCap() throws {
        let tlv: [UInt8] = [0x04, 0x02, 0x09] + Array(repeating: 0, count: 0x209)  // a NOOP of 521 bytes
        let bytes = Self.signature + [0x21, 0x11, 0x02, 0x18] + [203, 0, 113, 7, 10, 0, 0, 5, 0xC8, 0x22, 0x1B, 0xBC] + tlv
        #expect(bytes.count == ProxyHeaderParser.maxV2Length)
        try Self.expectHeader(bytes, ProxyHeader(
            version: 2, command: .proxy,
            source: Self.address("203.0.113.7", 51234), destination: Self.address("10.0.0.5", 7100)))
    }

    // MARK: Refusals, each at the first byte that settles it

    @Test func refusesAPlainFrameAtItsFirstByte() throws {
        let refusal = try #require(Self.rejection(of: Self.frame))
        #expect(refusal.count == 1)
        #expect(refusal.message == "not a PROXY protocol header")
        #expect(Self.rejection(of: Self.v1("GET / HTTP/1.1\r\n"))?.count == 1)
    }

    @Test func refusesBytesThatLeaveEitherSignature() {
        #expect(Self.rejection(of: Self.v1("PROXX TCP4"))?.count == 5)
        #expect(Self.rejection(of: Self.v1("PROXYTCP4"))?.count == 6)
        var almost = Self.signature
        almost[7] = 0x52  // "R" for the "Q" of QUIT
        #expect(Self.rejection(of: almost + [0x21, 0x11, 0x00, 0x00])?.count == 8)
    }

    @Test func refusesRandomBytesWithoutTrapping() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            // Mostly behind a real signature, so the parser goes past its first bytes.
            let prefix = [[], Self.signature, Self.v1("PROXY "), Self.v1("PROXY TCP4 ")].randomElement(using: &generator) ?? []
            let noise = (0..<Int.random(in: 1...600, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let bytes = prefix + noise
            if let parse = try? Self.parse(bytes) {
                #expect(parse.length <= bytes.count)
            }
        }
    }

    @Test func refusesAV1LineWithoutItsCRLFIn107Bytes() throws {
        let endless = Self.v1("PROXY UNKNOWN ") + Array(repeating: UInt8(ascii: "f"), count: 200)
        let refusal = try #require(Self.rejection(of: endless))
        #expect(refusal.count == 107)
        #expect(refusal.message == "PROXY v1 line longer than 107 bytes")
    }

    @Test func refusesAV1LineThatIsNotStrictlyText() {
        #expect(Self.rejection(of: Self.v1("PROXY UNKNOWN\n"))?.message
            == "PROXY v1 line ends in a line feed without a carriage return before it")
        #expect(Self.rejection(of: Self.v1("PROXY UNKNOWN\r "))?.count == 15)
        #expect(Self.rejection(of: Self.v1("PROXY UNKNOWN ") + [0x00])?.count == 15)
    }

    @Test func refusesAV1ProtocolItDoesNotKnow() throws {
        let refusal = try #require(Self.rejection(of: Self.v1("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n")))
        #expect(refusal.count == 10)
        #expect(refusal.message == "PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN")
        #expect(Self.rejection(of: Self.v1("PROXY UNKNOWNS\r\n"))?.count == 14)
        #expect(Self.rejection(of: Self.v1("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n"))?.count == 7)
    }

    @Test func refusesBadV1Addresses() throws {
        let leadingZero = try #require(Self.rejection(of: Self.v1("PROXY TCP4 010.0.0.1 10.0.0.5 1 2\r\n")))
        #expect(leadingZero.count == 13)  // at "01"
        #expect(leadingZero.message.hasPrefix("PROXY v1 source address is not an IPv4 address"))
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.256 10.0.0.5 1 2\r\n"))?.count == 21)
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0 10.0.0.5 1 2\r\n"))?.count == 18)  // at its space
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1.2 10.0.0.5 1 2\r\n"))?.count == 20)
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1 ::1 1 2\r\n"))?.message
            .hasPrefix("PROXY v1 destination address is not an IPv4 address") == true)
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1  10.0.0.5 1 2\r\n"))?.message
            == "PROXY v1 destination address is empty: fields are separated by exactly one space")
        // An IPv4 address where TCP6 needs IPv6, judged once the field is whole; a scope ID at its '%'.
        #expect(Self.rejection(of: Self.v1("PROXY TCP6 10.0.0.1 ::1 1 2\r\n"))?.message
            == "PROXY v1 source address is not an IPv6 address")
        #expect(Self.rejection(of: Self.v1("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"))?.count == 19)
        #expect(Self.rejection(of: Self.v1("PROXY TCP6 2001:db8:::1 ::1 1 2\r\n")) != nil)
    }

    @Test func refusesBadV1Ports() throws {
        let tooLarge = try #require(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1 10.0.0.5 65536 7100\r\n")))
        #expect(tooLarge.count == 34)  // at the last "6"
        #expect(tooLarge.message == "PROXY v1 source port is not a number from 0 to 65535 without leading zeros")
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1 10.0.0.5 51234 07100\r\n"))?.message
            == "PROXY v1 destination port is not a number from 0 to 65535 without leading zeros")
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1 10.0.0.5 -1 7100\r\n")) != nil)
        // Too few fields: judged at the CR, since only its LF may follow.
        let short = try #require(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1 10.0.0.5 51234\r\n")))
        #expect(short.count == 35)
        #expect(short.message.hasPrefix("PROXY v1 TCP4 line has 3 of its 4 fields"))
        // Too many: at the space that would start a fifth.
        #expect(Self.rejection(of: Self.v1("PROXY TCP4 10.0.0.1 10.0.0.5 51234 7100 9\r\n"))?.count == 40)
    }

    @Test func refusesAnUnsupportedV2VersionAtItsByte() throws {
        let refusal = try #require(Self.rejection(of: Self.signature + [0x11, 0x11, 0x00, 0x0C]))
        #expect(refusal.count == 13)
        #expect(refusal.message == "unsupported PROXY v2 version 1 (only 2 is defined)")
        #expect(Self.rejection(of: Self.signature + [0x22, 0x11, 0x00, 0x0C])?.count == 13)  // command 2
    }

    @Test func refusesAV2FamilyOrTransportNoSenderMayUse() {
        #expect(Self.rejection(of: Self.signature + [0x21, 0x41, 0x00, 0x0C])?.message
            == "unsupported PROXY v2 address family 4 (transport 1)")
        #expect(Self.rejection(of: Self.signature + [0x21, 0x13, 0x00, 0x0C])?.count == 14)
    }

    @Test func refusesAV2LengthTooShortForItsFamily() throws {
        let bytes = Self.signature + [0x21, 0x11, 0x00, 0x08] + [203, 0, 113, 7, 10, 0, 0, 5]
        let refusal = try #require(Self.rejection(of: bytes))
        #expect(refusal.count == 16)
        #expect(refusal.message == "PROXY v2 address block too short for IPv4: 8 bytes, where 12 are needed")
        #expect(Self.rejection(of: Self.signature + [0x21, 0x21, 0x00, 0x0C] + Array(repeating: 0, count: 12))?.message
            == "PROXY v2 address block too short for IPv6: 12 bytes, where 36 are needed")
    }

    @Test func refusesAV2LengthOverTheCapBeforeBufferingIt() throws {
        let refusal = try #require(Self.rejection(of: Self.signature + [0x21, 0x11, 0x02, 0x19] + Array(repeating: 0, count: 600)))
        #expect(refusal.count == 16)
        #expect(refusal.message == "PROXY v2 header of 553 bytes is longer than the 552 the spec keeps it within")
        #expect(Self.rejection(of: Self.signature + [0x21, 0x11, 0xFF, 0xFF])?.count == 16)
    }
}
