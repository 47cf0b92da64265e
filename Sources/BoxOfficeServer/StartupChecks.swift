import Foundation
import NIOCore
import NIOPosix

/// What a server's launcher (`boxofficed serve`) checks before it touches a database, so that each way of failing to
/// start says what to fix, naming the path or the address.
public enum StartupChecks {
    /// A reason the server cannot start, printed as is.
    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) { self.message = message }
    }

    /// The directory that is to hold the database file exists.
    public static func databaseDirectoryExists(for path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure(message: "cannot create the database \(path): the directory \(directory) does not exist")
        }
    }

    /// Nothing else listens on `host:port` (port 0 always can). The server binds again a moment
    /// later; this only turns the common mistake, a second server on the same port, into a clear
    /// message before any catalogue is loaded. With SO_REUSEADDR, as the server binds: connections
    /// of a server stopped a moment ago, left in TIME_WAIT on the port, do not stop the new one
    /// (they did, for a minute, when a node of a cluster was restarted on its port).
    public static func canListen(host: String, port: Int) async throws {
        guard port != 0 else { return }
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw Failure(message: "cannot listen on \(host):\(port): the address is in use (is another boxofficed running there?)")
        } catch {
            throw Failure(message: "cannot listen on \(host):\(port): \(error)")
        }
    }
}
