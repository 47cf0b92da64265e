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

/// Many calls on one connection, deadlines, and shutdown with calls in flight.
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

    @Test func aCallPastItsDeadlineIsAnsweredDeadlineExceeded() async throws {
        // One database thread and 300 different uncached searches, each allowed 1 ms: most wait
        // in line longer than that.
        try await TestServer.withRunning(configure: { $0.databaseThreads = 1 }) { server, _ in
            let client = try await server.connect()
            let codes = await withTaskGroup(of: BoxOfficeError.Code.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        await statusCode {
                            _ = try await client.searchMovies(.with {
                                $0.near = .with { $0.latLng = .with { $0.latitude = 40.0 + Double(index) / 1000; $0.longitude = -74.0 } }
                                $0.radiusMiles = 100
                            }, options: .init(deadline: .milliseconds(1)))
                        }
                    }
                }
                var codes: [BoxOfficeError.Code] = []
                for await code in group { codes.append(code) }
                return codes
            }
            #expect(codes.count == 300)
            #expect(codes.contains(.deadlineExceeded))
            #expect(codes.allSatisfy { $0 == .ok || $0 == .deadlineExceeded || $0 == .notFound })
            // The connection is still good.
            #expect(try await client.getInfo().ready)
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

@Suite("Idle connections", .timeLimit(.minutes(1)))
struct IdleConnectionTests {
    @Test func anIdleConnectionIsClosed() async throws {
        // Long enough that the second connection below is not idle before its first call on a loaded CI machine.
        try await TestServer.withRunning(configure: { $0.idleTimeout = .seconds(2) }) { server, _ in
            let idle = try await RawConnection.connect(host: server.host, port: server.port)
            // The server closes the idle connection: its stream ends with no frame.
            let frames = try await idle.withStreams { inbound, _ in
                var count = 0
                for try await _ in inbound { count += 1 }
                return count
            }
            #expect(frames == 0)
            // The server itself is fine.
            let client = try await server.connect()
            #expect(try await client.getInfo().ready)
            await client.close()
        }
    }
}
