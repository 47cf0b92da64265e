public import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation
import NIOCore
import Synchronization

/// The server under load, and where the tool's connections come from.
public struct ServerAddress: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// "HOST:PORT", or nil when it is not one.
    public init?(_ text: String) {
        guard let endpoint = HostPort(parsing: text) else { return nil }
        self.init(host: endpoint.host, port: endpoint.port)
    }

    public var description: String { HostPort(host: host, port: port).description }

    /// On a loopback server each connection comes from its own 127.x.y.z address (all of 127/8 is
    /// loopback on Linux), so per-address rate limits and the bot guard see separate clients, as
    /// they would from the internet. Elsewhere connections come from this machine's address.
    var distinctSources: Bool { host.hasPrefix("127.") }

    /// Starts at a random place among 127.1.0.1 to 127.254.255.254, so a second run does not come
    /// from the addresses whose sign-ups or blocks the server still remembers from the first.
    private static let sourcesUsed = Atomic<Int>(Int.random(in: 0..<(254 * 256 * 254)))

    /// A new connection, from a fresh loopback address when the server is on loopback.
    public func connect() async throws -> BoxOfficeConnection {
        var source: SocketAddress?
        if distinctSources {
            let n = Self.sourcesUsed.add(1, ordering: .relaxed).oldValue
            let block = n / 254
            source = try SocketAddress(ipAddress: "127.\(1 + block / 256 % 254).\(block % 256).\(n % 254 + 1)", port: 0)
        }
        return try await BoxOfficeConnection.connect(host: host, port: port, localAddress: source)
    }

    public func connect(count: Int) async throws -> [BoxOfficeConnection] {
        try await withThrowingTaskGroup(of: BoxOfficeConnection.self) { group in
            for _ in 0..<count { group.addTask { try await connect() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }
}

extension ServerAddress {
    /// Runs `work` on `items` in chunks of `perConnection`, each chunk over a fresh connection (from
    /// its own address on loopback), at most `width` chunks at a time; returns what they gathered.
    /// For the tool's setup and checks, which must stay under a guarded server's per-address limits.
    func onFreshConnections<Item: Sendable, Gathered: Sendable>(
        _ items: [Item], perConnection: Int, width: Int,
        _ work: @escaping @Sendable (BoxOfficeConnection, ArraySlice<Item>) async throws -> [Gathered]
    ) async throws -> [Gathered] {
        let chunks = stride(from: 0, to: items.count, by: perConnection).map { items[$0..<min($0 + perConnection, items.count)] }
        return try await withThrowingTaskGroup(of: [Gathered].self) { group in
            var next = 0
            func startNext() {
                let chunk = chunks[next]
                next += 1
                group.addTask {
                    let client = try await connect()
                    defer { Task { await client.close() } }
                    return try await work(client, chunk)
                }
            }
            for _ in 0..<min(width, chunks.count) { startNext() }
            var gathered: [Gathered] = []
            while let part = try await group.next() {
                gathered += part
                if next < chunks.count { startNext() }
            }
            return gathered
        }
    }
}

extension BoxOfficeConnection {
    /// Sends `call`, waiting out rate limits (RESOURCE_EXHAUSTED with retry_after_ms) up to
    /// `attempts` times: for the tool's own setup and checks, which must not fail on a guarded server.
    func sendPatiently(_ call: Boxoffice_V1_Request.OneOf_Call, token: String? = nil, attempts: Int = 20) async throws -> Boxoffice_V1_Response {
        var response = Boxoffice_V1_Response()
        for _ in 0..<attempts {
            response = try await send(call, options: .init(authToken: token))
            guard response.status.code == .resourceExhausted else { return response }
            try await Task.sleep(for: .milliseconds(max(10, Int(response.status.retryAfterMs))))
        }
        return response
    }
}

/// Accounts for the signed-in users of a run.
enum Accounts {
    /// Accounts signed up from one address: under the default sign-up limit (5 a minute) and the
    /// bot guard's many-accounts sign.
    static let perAddress = 4

    /// Signs up `count` new accounts, a few from each of many short connections, and returns their tokens.
    /// (Run the server with a low `--password-hash-rounds` for thousands.)
    static func signUp(_ count: Int, at server: ServerAddress, label: String) async throws -> [String] {
        let run = UInt64(Date().timeIntervalSince1970 * 1000)
        return try await server.onFreshConnections(Array(0..<count), perConnection: perAddress, width: 32) { client, users in
            var tokens: [String] = []
            for user in users {
                let answer = try await client.sendPatiently(.signUp(.with {
                    $0.email = "\(label)-\(run)-\(user)@example.com"
                    $0.name = "\(label) \(user)"
                    $0.password = "soak password \(run)"
                }))
                guard case .signUp(let session) = answer.result else { throw answer.status.error }
                tokens.append(session.token)
            }
            return tokens
        }
    }
}
