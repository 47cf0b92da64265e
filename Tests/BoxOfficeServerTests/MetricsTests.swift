import BoxOfficeClient
import BoxOfficeProto
import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeServer
import BoxOfficeTesting
import Testing

@Suite("Metrics endpoint", .timeLimit(.minutes(2)))
struct MetricsTests {
    /// One sample line of the Prometheus text format: name, labels, value.
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    static func parse(_ text: String) throws -> [Sample] {
        try text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { line in
            let valueStart = try #require(line.lastIndex(of: " "))
            let series = line[..<valueStart]
            let value = try #require(Double(line[line.index(after: valueStart)...]), "\(line)")
            guard let brace = series.firstIndex(of: "{") else { return Sample(name: String(series), labels: [:], value: value) }
            var labels: [String: String] = [:]
            for pair in series[series.index(after: brace)..<series.index(before: series.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            return Sample(name: String(series[..<brace]), labels: labels, value: value)
        }
    }

    @Test func scrapingMetricsShowsCallsLatenciesLimitsAndSeats() async throws {
        try await TestServer.withRunning(configure: {
            $0.metricsPort = 0
            $0.trustedNetworks = TrustedNetworks()
            $0.rateLimits?[.search] = RateLimit(count: 1, per: 60, burst: 2)
        }) { server, _ in
            let client = try await server.connect()
            for _ in 0..<3 { _ = try await client.send(.getInfo(.init())) }  // the third is rate limited
            _ = try await client.send(.getSeatMap(.with { $0.showtimeID = 987_654_321 }))
            client.authToken = try await client.signUp(.with { $0.email = "m@example.com"; $0.name = "M"; $0.password = "long enough" }).token
            await client.close()

            let address = try #require(server.metricsPort)
            let (status, body) = try await PlainHTTP.get(host: "127.0.0.1", port: address, path: "/metrics")
            #expect(status == 200)
            let samples = try Self.parse(body)
            func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
                samples.first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
            }
            #expect(value("boxoffice_calls_total", ["method": "GetInfo", "status": "OK"]) == 2)
            #expect(value("boxoffice_calls_total", ["method": "GetInfo", "status": "RESOURCE_EXHAUSTED"]) == 1)
            #expect(value("boxoffice_calls_total", ["method": "GetSeatMap", "status": "NOT_FOUND"]) == 1)
            #expect(value("boxoffice_rate_limited_calls_total", ["class": "search"]) ?? 0 >= 1)
            #expect(value("boxoffice_call_duration_seconds_count", ["method": "GetInfo"]) == 3)
            #expect(value("boxoffice_connections") != nil)
            #expect(value("boxoffice_calls_in_flight") != nil)
            #expect(samples.contains { $0.name == "boxoffice_cache_lookups_total" })
            #expect(samples.contains { $0.name == "boxoffice_call_duration_seconds_bucket" })

            let (missing, _) = try await PlainHTTP.get(host: "127.0.0.1", port: address, path: "/nothing")
            #expect(missing == 404)
        }
    }
}
