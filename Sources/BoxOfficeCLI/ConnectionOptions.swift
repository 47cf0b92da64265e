import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation
import SwiftProtobuf

/// Options every command shares: where the server is, how to print, how long to wait.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Server address as HOST:PORT (default: $BOXOFFICE_SERVER, else 127.0.0.1:7070).", valueName: "host:port"))
    var server: String?

    @Flag(name: .long, help: "Print the server's answer as protobuf canonical JSON instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("How long the server may take, in milliseconds.", valueName: "ms"))
    var deadline: UInt32 = 10_000

    func validate() throws {
        _ = try endpoint()
    }

    /// The server's host and port.
    func endpoint() throws -> (host: String, port: Int) {
        let text = server ?? ProcessInfo.processInfo.environment["BOXOFFICE_SERVER"] ?? "127.0.0.1:7070"
        guard let endpoint = HostPort(parsing: text) else {
            throw ValidationError("server \"\(text)\" must be HOST:PORT, e.g. 127.0.0.1:7070")
        }
        return (endpoint.host, endpoint.port)
    }

    /// Where this server's token is kept.
    func tokenFile() throws -> TokenFile {
        let (host, port) = try endpoint()
        return TokenFile(host: host, port: port)
    }

    var callOptions: BoxOfficeConnection.CallOptions {
        .init(deadline: .milliseconds(Int64(deadline)))
    }

    /// Connects, runs `body`, and closes, whatever happens.
    func withClient<T>(_ body: (BoxOfficeConnection) async throws -> T) async throws -> T {
        let (host, port) = try endpoint()
        let client = try await BoxOfficeConnection.connect(host: host, port: port)
        client.authToken = TokenFile(host: host, port: port).load()
        do {
            let value = try await body(client)
            await client.close()
            return value
        } catch {
            await client.close()
            throw error
        }
    }

    /// Prints `message` as JSON when --json is set, otherwise the table `render` makes.
    func output(_ message: some SwiftProtobuf.Message, render: () -> String) throws {
        if json {
            print(try message.jsonString())
        } else {
            print(render(), terminator: "")
        }
    }

    /// Like `output(_:render:)` for several answers: with --json one answer prints as itself, more
    /// as a JSON array of them in order.
    func output(_ messages: [some SwiftProtobuf.Message], render: () -> String) throws {
        if json {
            let objects = try messages.map { try $0.jsonString() }
            print(objects.count == 1 ? objects[0] : "[" + objects.joined(separator: ",") + "]")
        } else {
            print(render(), terminator: "")
        }
    }
}

/// A location option's text as a wire `Location`; a malformed or non-US place is a usage error.
func parseLocation(_ text: String) throws -> Boxoffice_V1_Location {
    let query: LocationQuery
    do {
        query = try LocationQuery.parse(text)
    } catch {
        throw ValidationError(error.message)
    }
    return .with {
        switch query {
        case .zip(let zip): $0.zip = zip
        case .cityState(let city, let state): $0.cityState = "\(city), \(state)"
        case .coordinate(let point):
            $0.latLng = .with {
                $0.latitude = point.latitude
                $0.longitude = point.longitude
            }
        }
    }
}

/// Checks an id option, naming the option (the server would name its wire field).
func checkID(_ id: Int64?, option: String) throws {
    guard let id else { return }
    guard id > 0 else { throw ValidationError("\(option) must be a positive id, not \(id)") }
}

/// Checks a --radius option against the server's range, naming the option (the server would name its field).
func checkRadius(_ miles: Double?) throws {
    guard let miles else { return }
    guard miles.isFinite, miles > 0, miles <= 100 else { throw ValidationError("--radius must be more than 0 and at most 100 miles, not \(miles)") }
}

/// Checks a YYYY-MM-DD option.
func parseDate(_ text: String?) throws -> String {
    guard let text else { return "" }
    do {
        return try LocalDate(parsing: text).description
    } catch {
        throw ValidationError(error.message)
    }
}
