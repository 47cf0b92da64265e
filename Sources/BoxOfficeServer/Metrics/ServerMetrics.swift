import BoxOfficeBooking
import BoxOfficeGuard
import BoxOfficeCore
import CoreMetrics
public import Prometheus
import Synchronization

/// Every figure an operator watches, through swift-metrics into one Prometheus registry per
/// server (not the process-wide bootstrap, so servers in one test process never mix figures).
/// Metric objects are made once per label set and kept: the per-call cost is a dictionary lookup.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    /// By method name and status code number; the key is built without allocating.
    private let calls = Mutex<[CallKey: CoreMetrics.Counter]>([:])
    private let latencies = Mutex<[String: CoreMetrics.Timer]>([:])
    private let refusals = Mutex<[String: CoreMetrics.Counter]>([:])
    private let blocks = Mutex<[String: CoreMetrics.Counter]>([:])
    private let callsInFlight: Meter
    private let connections: Meter
    private let connectionsRefused: CoreMetrics.Counter
    private let guardRefusals: CoreMetrics.Counter
    private let liveHolds: Meter
    private let expiredHolds: CoreMetrics.Counter
    private let bookingsConfirmed: CoreMetrics.Counter
    private let bookingsCancelled: CoreMetrics.Counter
    private let refundsFailed: CoreMetrics.Counter
    private let refundsRetried: CoreMetrics.Counter
    private let refundsOwed: Meter
    private let intentsSettled: [PaymentOutcome: CoreMetrics.Counter]
    private let intentsUnsettled: Meter
    private let batchSize: Recorder
    private let commitLatency: CoreMetrics.Timer
    private let callsForwarded: CoreMetrics.Counter
    private let clusterNodes: Meter
    private let showtimesOwned: Meter
    private let clusterRejoins: CoreMetrics.Counter
    private let proxyHeadersRejected: CoreMetrics.Counter

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        self.factory = factory
        callsInFlight = Meter(label: "boxoffice_calls_in_flight", dimensions: [], factory: factory)
        connections = Meter(label: "boxoffice_connections", dimensions: [], factory: factory)
        connectionsRefused = CoreMetrics.Counter(label: "boxoffice_connections_refused_total", dimensions: [], factory: factory)
        guardRefusals = CoreMetrics.Counter(label: "boxoffice_guard_refused_calls_total", dimensions: [], factory: factory)
        liveHolds = Meter(label: "boxoffice_holds_live", dimensions: [], factory: factory)
        expiredHolds = CoreMetrics.Counter(label: "boxoffice_holds_expired_total", dimensions: [], factory: factory)
        bookingsConfirmed = CoreMetrics.Counter(label: "boxoffice_bookings_total", dimensions: [("event", "confirmed")], factory: factory)
        bookingsCancelled = CoreMetrics.Counter(label: "boxoffice_bookings_total", dimensions: [("event", "cancelled")], factory: factory)
        refundsFailed = CoreMetrics.Counter(label: "boxoffice_refunds_failed_total", dimensions: [], factory: factory)
        refundsRetried = CoreMetrics.Counter(label: "boxoffice_refunds_retried_total", dimensions: [], factory: factory)
        refundsOwed = Meter(label: "boxoffice_refunds_owed", dimensions: [], factory: factory)
        intentsSettled = Dictionary(uniqueKeysWithValues: PaymentOutcome.allCases.map { outcome in
            (outcome, CoreMetrics.Counter(label: "boxoffice_payment_intents_settled_total", dimensions: [("outcome", outcome.rawValue)],
                                          factory: factory))
        })
        intentsUnsettled = Meter(label: "boxoffice_payment_intents_unsettled", dimensions: [], factory: factory)
        batchSize = Recorder(label: "boxoffice_allocator_batch_requests", dimensions: [], aggregate: true, factory: factory)
        commitLatency = CoreMetrics.Timer(label: "boxoffice_allocator_commit_seconds", dimensions: [], factory: factory)
        callsForwarded = CoreMetrics.Counter(label: "boxoffice_calls_forwarded_total", dimensions: [], factory: factory)
        clusterNodes = Meter(label: "boxoffice_cluster_nodes_live", dimensions: [], factory: factory)
        showtimesOwned = Meter(label: "boxoffice_cluster_showtimes_in_memory", dimensions: [], factory: factory)
        clusterRejoins = CoreMetrics.Counter(label: "boxoffice_cluster_rejoins_total", dimensions: [], factory: factory)
        proxyHeadersRejected = CoreMetrics.Counter(label: "boxoffice_proxy_headers_rejected_total", dimensions: [], factory: factory)
    }

    /// The registry in Prometheus' text format, for `GET /metrics`.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: Calls and connections

    func callStarted() { callsInFlight.increment() }

    private struct CallKey: Hashable {
        var method: String
        var status: Int
    }

    func callFinished(method: String, status: BoxOfficeError.Code, duration: Duration) {
        callsInFlight.decrement()
        let factory = factory
        calls.withLock { counters in
            let key = CallKey(method: method, status: status.rawValue)
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: "boxoffice_calls_total", dimensions: [("method", method), ("status", status.name)],
                                              factory: factory)
            counters[key] = counter
            return counter
        }.increment()
        latencies.withLock { timers in
            if let timer = timers[method] { return timer }
            let timer = CoreMetrics.Timer(label: "boxoffice_call_duration_seconds", dimensions: [("method", method)], factory: factory)
            timers[method] = timer
            return timer
        }.recordNanoseconds(Milliseconds.nanoseconds(of: duration))
    }

    func connectionOpened() { connections.increment() }
    func connectionClosed() { connections.decrement() }
    func connectionRefused() { connectionsRefused.increment() }
    /// A connection from a trusted proxy closed for a missing, malformed or late PROXY header.
    func proxyHeaderRejected() { proxyHeadersRejected.increment() }

    // MARK: Cluster

    /// A seat call sent on to the node that owns its showtime.
    func callForwarded() { callsForwarded.increment() }

    /// After a heartbeat: the live nodes, and the showtimes this node keeps in memory (its own).
    func clusterRound(liveNodes: Int, showtimesInMemory: Int) {
        clusterNodes.set(liveNodes)
        showtimesOwned.set(showtimesInMemory)
    }

    /// This node went longer than the liveness window without a heartbeat and dropped its memory.
    func clusterRejoined() { clusterRejoins.increment() }

    // MARK: Guard

    func limiterRefused(_ callClass: CallClass) {
        labelled(refusals, "boxoffice_rate_limited_calls_total", ("class", callClass.description)).increment()
    }

    func guardRefused() { guardRefusals.increment() }

    func botBlocked(_ reason: BotSign) {
        labelled(blocks, "boxoffice_bot_blocks_total", ("reason", reason.description)).increment()
    }

    // MARK: Seats

    func holdsChanged(live: Int) { liveHolds.set(live) }
    func holdsExpired(_ count: Int) { expiredHolds.increment(by: count) }
    func bookingConfirmed() { bookingsConfirmed.increment() }
    func bookingCancelled() { bookingsCancelled.increment() }
    /// A refund the processor did not take (it is kept and retried).
    func refundFailed() { refundsFailed.increment() }
    /// An owed refund the processor took on a later try.
    func refundRetried() { refundsRetried.increment() }
    /// Refunds still owed after a retry round.
    func refundsOwed(_ count: Int) { refundsOwed.set(count) }
    /// A payment intent the sweeper settled (a purchase call settling its own is not counted).
    func intentSettled(_ outcome: PaymentOutcome) { intentsSettled[outcome]?.increment() }
    /// Payment intents past their settle time that the last sweep could not settle yet.
    func intentsUnsettled(_ count: Int) { intentsUnsettled.set(count) }

    func allocatorCommitted(requests: Int, duration: Duration) {
        batchSize.record(requests)
        commitLatency.recordNanoseconds(Milliseconds.nanoseconds(of: duration))
    }

    // MARK: Caches

    /// The hit and miss counters of the cache `name`, made once by the cache's owner and kept.
    func cacheCounters(_ name: String) -> CacheCounters {
        CacheCounters(
            hits: CoreMetrics.Counter(label: "boxoffice_cache_lookups_total", dimensions: [("cache", name), ("result", "hit")], factory: factory),
            misses: CoreMetrics.Counter(label: "boxoffice_cache_lookups_total", dimensions: [("cache", name), ("result", "miss")], factory: factory))
    }

    private func labelled(_ store: borrowing Mutex<[String: CoreMetrics.Counter]>, _ label: String, _ dimensions: (String, String)...) -> CoreMetrics.Counter {
        let factory = factory
        return store.withLock { counters in
            let key = dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = counter
            return counter
        }
    }
}

/// A cache's lookups by outcome; the ratio of hits to all is the cache's hit ratio.
struct CacheCounters: Sendable {
    let hits: CoreMetrics.Counter
    let misses: CoreMetrics.Counter

    func record(hit: Bool) { (hit ? hits : misses).increment() }
}
