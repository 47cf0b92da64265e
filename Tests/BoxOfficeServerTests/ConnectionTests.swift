import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeTesting
import BoxOfficeWire
import NIOCore
import Testing

/// The status a call ended with: OK, or the code of the `BoxOfficeError` it threw.
func statusCode(_ call: () async throws -> Void) async -> BoxOfficeError.Code {
    do {
        try await call()
        return .ok
    } catch let error as BoxOfficeError {
        return error.code
    } catch {
        return .unknown
    }
}

/// Many calls on one connection, and shutdown with calls in flight, on real sockets. Deadlines, the
/// in-flight cap, quiescing and idle connections are in ConnectionHandlerTests, on embedded channels.
@Suite("Connections", .timeLimit(.minutes(2)))
struct ConnectionTests {
    @Test func answersAThousandPipelinedCallsOnOneConnection() async throws {
        try await TestServer.withRunning { server, _ in
            let client = try await server.connect()
            let zips = ["10001", "60601", "90028", "85004", "80202", "77002"]
            let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let answer = try await client.searchTheatres(.with {
                            $0.near = .with { $0.zip = zips[index % zips.count] }
                            $0.pageSize = UInt32(1 + index % 7)
                        })
                        return (index, answer.theatres.count)
                    }
                }
                var results: [Int: Int] = [:]
                for try await (index, count) in group { results[index] = count }
                return results
            }
            #expect(results.count == 1000)
            #expect(results.allSatisfy { index, count in count <= 1 + index % 7 && count > 0 })
            await client.close()
        }
    }

    @Test func shutdownAnswersEveryCallAlreadyInFlight() async throws {
        let outcome = try await TestServer.withRunning { server, services in
            let client = try await server.connect()
            let codes = await withTaskGroup(of: BoxOfficeError.Code.self) { group in
                for index in 0..<400 {
                    group.addTask {
                        await statusCode {
                            _ = try await client.searchShowtimes(.with {
                                $0.near = .with { $0.latLng = .with { $0.latitude = 34.0 + Double(index) / 5000; $0.longitude = -118.3 } }
                            })
                        }
                    }
                }
                // Ask for shutdown as soon as the first answer shows calls are flowing.
                var codes: [BoxOfficeError.Code] = []
                for await code in group {
                    if codes.isEmpty { await services.triggerGracefulShutdown() }
                    codes.append(code)
                }
                return codes
            }
            await client.close()
            return codes
        }
        #expect(outcome.count == 400)
        // Every call was either answered (on a loaded machine, possibly past its deadline) or, arriving
        // after shutdown began, refused as UNAVAILABLE; a call accepted before the shutdown is never dropped.
        #expect(outcome.contains(.ok))
        #expect(outcome.allSatisfy { [.ok, .unavailable, .notFound, .deadlineExceeded].contains($0) }, "\(Set(outcome.map(\.name)))")
    }
}
