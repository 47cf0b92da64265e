public import NIOCore
import Synchronization

/// Caps open connections in all and per address (IPv6 by /64), so one client or a flood of them
/// cannot take every file descriptor: a connection over a cap is answered RESOURCE_EXHAUSTED and
/// closed at once. Trusted addresses are exempt from the per-address cap only.
public final class ConnectionLimiter: Sendable {
    public enum Refusal: Equatable, Sendable {
        case serverFull(limit: Int)
        case addressFull(limit: Int)

        public var message: String {
            switch self {
            case .serverFull(let limit): "the server has its maximum of \(limit) connections: try again shortly"
            case .addressFull(let limit): "your address has its maximum of \(limit) connections: reuse one (calls can be pipelined)"
            }
        }
    }

    private struct Counts {
        var total = 0
        var byAddress: [ClientKey: Int] = [:]
    }

    public let maxConnections: Int
    public let maxPerAddress: Int
    private let trusted: TrustedNetworks
    private let counts = Mutex(Counts())

    public init(maxConnections: Int, maxPerAddress: Int, trusted: TrustedNetworks) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
        self.trusted = trusted
    }

    /// Counts a new connection from `address`, or says why it is refused (then nothing is counted).
    public func open(from address: SocketAddress?) -> Refusal? {
        let key = trusted.contains(address) ? nil : ClientKey.address(address)
        return counts.withLock { counts in
            guard counts.total < maxConnections else { return .serverFull(limit: maxConnections) }
            if let key {
                let current = counts.byAddress[key, default: 0]
                guard current < maxPerAddress else { return .addressFull(limit: maxPerAddress) }
                counts.byAddress[key] = current + 1
            }
            counts.total += 1
            return nil
        }
    }

    /// Forgets a connection `open` counted.
    public func close(from address: SocketAddress?) {
        let key = trusted.contains(address) ? nil : ClientKey.address(address)
        counts.withLock { counts in
            counts.total -= 1
            if let key {
                let remaining = counts.byAddress[key, default: 1] - 1
                counts.byAddress[key] = remaining > 0 ? remaining : nil
            }
        }
    }

    /// Connections open now.
    public var openConnections: Int { counts.withLock { $0.total } }
}
