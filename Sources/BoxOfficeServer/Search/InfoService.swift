import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import BoxOfficeProto
import BoxOfficeStore

/// `GetInfo`: version, uptime, readiness, the catalogue's size and the server's limits.
final class InfoService: Sendable {
    private let reader: CatalogueReader
    private let configuration: ServerConfiguration
    private let clock: any TimeSource
    private let startedAtMilliseconds: Int64
    // Counting millions of showtimes takes a while and the catalogue changes rarely.
    private let summaryCache = LRUCache<Int, CatalogueSummary>(name: "summary", capacity: 1, timeToLive: .seconds(60))

    init(reader: CatalogueReader, configuration: ServerConfiguration, clock: any TimeSource) {
        self.reader = reader
        self.configuration = configuration
        self.clock = clock
        self.startedAtMilliseconds = clock.nowMilliseconds
    }

    func serverInfo() async throws -> Boxoffice_V1_ServerInfo {
        let summary: CatalogueSummary
        if let cached = summaryCache.value(forKey: 0) {
            summary = cached
        } else {
            summary = try await reader.summary()
            summaryCache.insert(summary, forKey: 0)
        }
        let configuration = self.configuration
        return .with {
            $0.version = BoxOfficeVersion.release
            $0.protocolVersion = BoxOfficeVersion.protocolVersion
            $0.uptimeMs = clock.nowMilliseconds - startedAtMilliseconds
            $0.ready = true
            $0.catalogue = .with {
                $0.theatres = UInt32(summary.theatres)
                $0.screens = UInt32(summary.screens)
                $0.movies = UInt32(summary.movies)
                $0.showtimes = UInt32(summary.showtimes)
                $0.firstDate = summary.firstDate.map { "\($0)" } ?? ""
                $0.lastDate = summary.lastDate.map { "\($0)" } ?? ""
            }
            $0.limits = .with {
                $0.maxFrameBytes = UInt32(configuration.maxFrameLength)
                $0.defaultDeadlineMs = UInt32(Milliseconds.of(configuration.defaultDeadline))
                $0.idleTimeoutMs = UInt32(Milliseconds.of(configuration.idleTimeout))
                $0.maxPageSize = UInt32(ProtocolLimits.maxPageSize)
                $0.maxCallsInFlightPerConnection = UInt32(configuration.maxCallsInFlightPerConnection)
                $0.holdSeconds = UInt32(configuration.holdDuration.components.seconds)
                $0.maxSeatsPerHold = UInt32(ProtocolLimits.maxSeatsPerHold)
                $0.maxConnections = UInt32(configuration.maxConnections)
                $0.maxConnectionsPerAddress = UInt32(configuration.maxConnectionsPerAddress)
                if let policy = configuration.rateLimits {
                    $0.rateLimits = CallClass.allCases.map { callClass in
                        let limit = policy[callClass]
                        return .with {
                            $0.callClass = callClass.description
                            $0.count = UInt32(limit.count)
                            $0.periodSeconds = UInt32(limit.periodSeconds)
                            $0.burst = UInt32(limit.burst)
                        }
                    }
                }
                if let bots = configuration.botPolicy {
                    $0.botBlockThreshold = bots.threshold
                    $0.botCooldownSeconds = UInt32(bots.cooldownSeconds)
                }
            }
        }
    }
}
