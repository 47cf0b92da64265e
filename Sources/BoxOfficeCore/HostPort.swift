/// A TCP endpoint as people and configuration files write it: `HOST:PORT`, an IPv6 host in
/// brackets (`[::1]:7070`). One parser for the CLI's --server, the soak tool's, a node's
/// --advertise-peer and the peer addresses in the cluster's `nodes` table, so they all accept the
/// same spellings.
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Without brackets, as sockets take it.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT` with a port of 1 to 65535 and a host that is not empty; nil otherwise.
    public init?(parsing text: some StringProtocol) {
        guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
              let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port)
        else { return nil }
        var host = Substring(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = host.dropFirst().dropLast()
        } else if host.contains(":") {
            return nil // an IPv6 host without brackets: which colon ends it?
        }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), port: port)
    }

    /// `HOST:PORT`, an IPv6 host in brackets, so that it parses back to itself.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
