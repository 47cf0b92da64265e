import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeTesting
import BoxOfficeWire
import NIOCore
import Testing

/// Malformed input against a running server: each is answered or closed cleanly, the server stays
/// up, and another client's calls keep succeeding meanwhile.
@Suite("Bad input", .timeLimit(.minutes(2)))
struct BadInputTests {
    private func frame(_ body: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(body.count))
        buffer.writeBytes(body)
        return buffer
    }

    /// Sends `bytes` on a raw connection and collects every frame until the server closes it or
    /// `expectedFrames` arrive.
    private func exchange(_ server: TestServer, bytes: ByteBuffer, closeAfterSending: Bool = false, expectedFrames: Int = 1) async throws -> [Boxoffice_V1_Response] {
        let connection = try await RawConnection.connect(host: server.host, port: server.port)
        return try await connection.withStreams { inbound, outbound in
            try await outbound.write(bytes)
            if closeAfterSending { outbound.finish() }
            var responses: [Boxoffice_V1_Response] = []
            for try await frame in inbound {
                responses.append(try FrameCoding.decode(Boxoffice_V1_Response.self, from: frame))
                if responses.count == expectedFrames { break }
            }
            return responses
        }
    }

    /// Runs `body` while a second client keeps searching, and checks that client never failed: its
    /// searches succeed before, during (any error but the cancellation that stops it fails the
    /// test) and after.
    private func whileAnotherClientSearches(_ server: TestServer, _ body: () async throws -> Void) async throws {
        let bystander = try await server.connect()
        let search = Boxoffice_V1_SearchTheatresRequest.with { $0.near = .with { $0.zip = "60601" } }
        #expect(try await !bystander.searchTheatres(search).theatres.isEmpty)
        let searches = Task {
            while !Task.isCancelled {
                do {
                    _ = try await bystander.searchTheatres(search)
                } catch let error as BoxOfficeError where error.code == .cancelled {
                    return  // the search in flight when the test stopped the bystander
                }
            }
        }
        try await body()
        searches.cancel()
        try await searches.value
        #expect(try await !bystander.searchTheatres(search).theatres.isEmpty)
        #expect(try await bystander.getInfo().ready)
        await bystander.close()
    }

    @Test func aFourGigabyteLengthIsRefusedAndTheConnectionClosed() async throws {
        try await TestServer.withRunning { server, _ in
            try await whileAnotherClientSearches(server) {
                var header = ByteBuffer()
                header.writeInteger(UInt32.max)
                let answers = try await exchange(server, bytes: header, expectedFrames: 2)
                #expect(answers.count == 1)
                #expect(answers.first?.status.code == .resourceExhausted)
                #expect(answers.first?.status.message.contains("exceeds the maximum") == true)
            }
        }
    }

    @Test func aTruncatedFrameThenCloseLeavesTheServerUp() async throws {
        try await TestServer.withRunning { server, _ in
            try await whileAnotherClientSearches(server) {
                var partial = ByteBuffer()
                partial.writeInteger(UInt32(100))
                partial.writeBytes([0x08, 0x01, 0x52])
                let answers = try await exchange(server, bytes: partial, closeAfterSending: true)
                #expect(answers.isEmpty)
            }
        }
    }

    /// A one-shot client: its calls, then the end of its sending side, as `nc -N` sends, or a load
    /// balancer passes on. Every call is answered before the server closes.
    @Test func callsSentBeforeTheClientClosesItsSideAreAllAnswered() async throws {
        try await TestServer.withRunning { server, _ in
            var bytes = ByteBuffer()
            for id in UInt64(1)...3 {
                var frame = try FrameCoding.frame(of: Boxoffice_V1_Request.with { $0.callID = id; $0.getInfo = .init() },
                                                  allocator: ByteBufferAllocator())
                bytes.writeBuffer(&frame)
            }
            let answers = try await exchange(server, bytes: bytes, closeAfterSending: true, expectedFrames: 3)
            #expect(answers.map(\.callID).sorted() == [1, 2, 3])
            #expect(answers.allSatisfy { $0.status.code == .ok })
        }
    }

    @Test func randomBytesAreAnsweredOrClosed() async throws {
        try await TestServer.withRunning { server, _ in
            try await whileAnotherClientSearches(server) {
                // Seeded, so a failure names bytes that can be replayed.
                var generator = SplitMix64(seed: 0xB0C5_0FF1CE)
                for round in 0..<20 {
                    var bytes = ByteBuffer()
                    if round % 2 == 0 {
                        // Well-framed garbage: the frame arrives whole but is no Request.
                        bytes = frame((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) })
                    } else {
                        bytes.writeBytes((0..<256).map { _ in UInt8.random(in: 0...255, using: &generator) })
                    }
                    let answers = try await exchange(server, bytes: bytes, closeAfterSending: true, expectedFrames: 100)
                    for answer in answers {
                        #expect(answer.status.code != .ok)
                    }
                }
            }
        }
    }

    @Test func anUnknownCallIsUnimplementedAndNamesTheCall() async throws {
        try await TestServer.withRunning { server, _ in
            // call_id 77, then field 99 (a call from some future protocol) as an empty message.
            let answers = try await exchange(server, bytes: frame([0x08, 77, 0x9A, 0x06, 0x00]))
            #expect(answers.first?.callID == 77)
            #expect(answers.first?.status.code == .unimplemented)
        }
    }

    @Test func aStringThatIsNotUTF8IsInvalidArgument() async throws {
        try await TestServer.withRunning { server, _ in
            try await whileAnotherClientSearches(server) {
                // call_id 5, auth_token (field 3) = 0xFF 0xFE, and a GetInfo call.
                let answers = try await exchange(server, bytes: frame([0x08, 5, 0x1A, 0x02, 0xFF, 0xFE, 0x52, 0x00]))
                #expect(answers.first?.callID == 5)
                #expect(answers.first?.status.code == .invalidArgument)
                #expect(answers.first?.status.message.contains("UTF-8") == true)
            }
        }
    }

    @Test func theConnectionStaysUsableAfterAnUndecodableFrame() async throws {
        try await TestServer.withRunning { server, _ in
            var request = Boxoffice_V1_Request()
            request.callID = 9
            request.call = .getInfo(.init())
            var bytes = frame([0x08, 8, 0x1A, 0x01, 0xC0])
            var good = try FrameCoding.frame(of: request, allocator: ByteBufferAllocator())
            bytes.writeBuffer(&good)
            let answers = try await exchange(server, bytes: bytes, expectedFrames: 2)
            #expect(answers.map(\.callID) == [8, 9])
            #expect(answers.map(\.status.code) == [.invalidArgument, .ok])
        }
    }
}
