// swift-tools-version: 6.1
import PackageDescription

// BoxOffice's in-process micro-benchmarks, on ordo-one/benchmark: a package of its own so that the
// benchmark library (and its malloc interposer) never enters the server's build, its tests or the
// load tool. Run with `swift package --package-path Benchmarks benchmark` from the repository root.

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

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
        .executableTarget(
            name: "GuardCost",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BoxOfficeGuard", package: "BoxOffice"),
            ],
            path: "GuardCost",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // BoxOffice's booking writes on bare SQLite (WAL, synchronous=FULL), 1, 22 and 64 per transaction.
        .executableTarget(
            name: "StorageBaseline",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BoxOfficeStore", package: "BoxOffice"),
                .product(name: "BoxOfficeCore", package: "BoxOffice"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "StorageBaseline",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Holds committed per second through the seat allocator's group commit, N concurrent holders.
        .executableTarget(
            name: "SeatAllocator",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "BoxOfficeBooking", package: "BoxOffice"),
                .product(name: "BoxOfficeStore", package: "BoxOffice"),
                .product(name: "BoxOfficeCore", package: "BoxOffice"),
                .product(name: "BoxOfficeTesting", package: "BoxOffice"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "SeatAllocator",
            swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
