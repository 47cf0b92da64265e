public import BoxOfficeCore
public import NIOCore

/// Address ranges exempt from rate limits, per-address connection limits and the bot guard (a
/// load balancer's health checks, the theatre's own kiosks, a load test): `--trusted CIDR`.
public struct TrustedNetworks: Sendable, Hashable {
    /// A range as 128 bits (IPv4 as IPv4-mapped IPv6) and a prefix length over those 128 bits.
    struct Network: Sendable, Hashable {
        var high: UInt64
        var low: UInt64
        var prefixLength: Int

        func contains(high otherHigh: UInt64, low otherLow: UInt64) -> Bool {
            let highBits = min(64, prefixLength)
            let lowBits = max(0, prefixLength - 64)
            let highMask: UInt64 = highBits == 0 ? 0 : ~0 << UInt64(64 - highBits)
            let lowMask: UInt64 = lowBits == 0 ? 0 : ~0 << UInt64(64 - lowBits)
            return high & highMask == otherHigh & highMask && low & lowMask == otherLow & lowMask
        }
    }

    private(set) var networks: [Network] = []
    /// The ranges as given, for `info` and logs.
    public private(set) var descriptions: [String] = []

    public init() {}

    /// Parses "127.0.0.1/32", "10.0.0.0/8", "2001:db8::/32", or an address alone (a single host).
    public init(_ cidrs: [String]) throws(BoxOfficeError) {
        for cidr in cidrs { try add(cidr) }
    }

    public var isEmpty: Bool { networks.isEmpty }

    public mutating func add(_ cidr: String) throws(BoxOfficeError) {
        let parts = cidr.split(separator: "/", maxSplits: 1)
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: String(parts.first ?? ""), port: 0)
        } catch {
            throw .invalidArgument("\"\(cidr)\" is not an address range such as 10.0.0.0/8 or 2001:db8::/32")
        }
        let isV4: Bool
        if case .v4 = address { isV4 = true } else { isV4 = false }
        let maxLength = isV4 ? 32 : 128
        let length = parts.count == 2 ? Int(parts[1]) : maxLength
        guard let length, (0...maxLength).contains(length) else {
            throw .invalidArgument("the prefix length of \"\(cidr)\" must be 0 to \(maxLength)")
        }
        guard let (high, low) = Self.bits(of: address) else {
            throw .invalidArgument("\"\(cidr)\" is not an IP address range")
        }
        networks.append(Network(high: high, low: low, prefixLength: isV4 ? 96 + length : length))
        descriptions.append(cidr)
    }

    /// Whether `address` lies in one of the ranges.
    public func contains(_ address: SocketAddress?) -> Bool {
        guard !networks.isEmpty, let address, let (high, low) = Self.bits(of: address) else { return false }
        return networks.contains { $0.contains(high: high, low: low) }
    }

    /// The address as 128 bits, IPv4 mapped into ::ffff:0:0/96.
    private static func bits(of address: SocketAddress) -> (UInt64, UInt64)? {
        switch address {
        case .v4(let v4):
            return (0, 0xFFFF_0000_0000 | UInt64(UInt32(bigEndian: v4.address.sin_addr.s_addr)))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            return (bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
        default:
            return nil
        }
    }
}
