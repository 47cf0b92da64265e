public import NIOCore

/// Who a call counts against: the signed-in user, else the remote address, with an IPv6 address
/// taken by its /64 (one subscriber's whole prefix, so rotating addresses inside it does not
/// escape a limit). 16 bytes, so millions of them fit in a bounded table.
public struct ClientKey: Hashable, Sendable, CustomStringConvertible {
    let high: UInt64
    let low: UInt64

    /// A signed-in user.
    public static func user(_ id: Int64) -> ClientKey {
        ClientKey(high: 0, low: 1 << 62 | UInt64(bitPattern: id) & (1 << 62 - 1))
    }

    /// An IPv4 address, by its 32 bits.
    public static func ipv4(_ address: UInt32) -> ClientKey {
        ClientKey(high: 0, low: 4 << 32 | UInt64(address))
    }

    /// An IPv6 /64 prefix, by its 64 bits.
    public static func ipv6Prefix(_ prefix: UInt64) -> ClientKey {
        ClientKey(high: prefix, low: 6)
    }

    /// The key of a peer address: IPv4, IPv6 by its /64 (IPv4-mapped IPv6 as IPv4); nil for other kinds.
    public static func address(_ address: SocketAddress?) -> ClientKey? {
        switch address {
        case .v4(let v4):
            return .ipv4(UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return .ipv4(bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
            }
            return .ipv6Prefix(bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) })
        default:
            return nil
        }
    }

    public var description: String {
        if high == 0 && low >> 62 == 1 { return "user \(low & (1 << 62 - 1))" }
        if high == 0 && low >> 32 == 4 {
            let a = UInt32(truncatingIfNeeded: low)
            return "\(a >> 24).\(a >> 16 & 255).\(a >> 8 & 255).\(a & 255)"
        }
        let groups = stride(from: 48, through: 0, by: -16).map { String(high >> UInt64($0) & 0xFFFF, radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }
}
