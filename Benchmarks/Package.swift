// swift-tools-version: 6.1
import PackageDescription

// BoxOffice's in-process micro-benchmarks, on ordo-one/benchmark: a package of its own so that the
// benchmark library (and its malloc interposer) never enters the server's build, its tests or the
// load tool. Run with `swift package --package-path Benchmarks benchmark` from the repository root.

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A benchmark target: an executable in the folder of its name, on the benchmark library and
/// the given products of BoxOffice (and GRDB when it reads the database file itself).
func benchmark(_ name: String, boxOffice products: [String], grdb: Bool = false) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")]
            + products.map { .product(name: $0, package: "BoxOffice") }
            + (grdb ? [.product(name: "GRDB", package: "GRDB.swift")] : []),
        path: name,
        swiftSettings: strict,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "BoxOfficeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(name: "BoxOffice", path: ".."),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // The guard's cost per call (bot guard admission + rate limiter) and the limiter's churn.
        benchmark("GuardCost", boxOffice: ["BoxOfficeGuard"]),
        // BoxOffice's booking writes on bare SQLite (WAL, synchronous=FULL), 1, 22 and 64 per transaction.
        benchmark("StorageBaseline", boxOffice: ["BoxOfficeStore", "BoxOfficeCore"], grdb: true),
        // Holds committed per second through the seat allocator's group commit, N concurrent holders.
        benchmark("SeatAllocator", boxOffice: ["BoxOfficeBooking", "BoxOfficeStore", "BoxOfficeCore", "BoxOfficeTesting"], grdb: true),
    ]
)
