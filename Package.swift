// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "BoxOffice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "boxofficed", targets: ["boxofficed"]),
        .executable(name: "boxoffice", targets: ["boxoffice"]),
        .executable(name: "boxoffice-soak", targets: ["boxoffice-soak"]),
        .library(name: "BoxOfficeClient", targets: ["BoxOfficeClient"]),
        // For the Benchmarks package beside this one, which measures these in process.
        .library(name: "BoxOfficeGuard", targets: ["BoxOfficeGuard"]),
        .library(name: "BoxOfficeBooking", targets: ["BoxOfficeBooking"]),
        .library(name: "BoxOfficeStore", targets: ["BoxOfficeStore"]),
        .library(name: "BoxOfficeCore", targets: ["BoxOfficeCore"]),
        .library(name: "BoxOfficeCluster", targets: ["BoxOfficeCluster"]),
        .library(name: "BoxOfficeTesting", targets: ["BoxOfficeTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Generated swift-protobuf messages for proto/boxoffice.proto; nothing else.
        .target(
            name: "BoxOfficeProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // Domain values: errors and status codes, US locations, geography, dates, paging.
        .target(name: "BoxOfficeCore", swiftSettings: strict),
        // The frame codec and the one wire<->domain mapping (statuses, call names), shared by server,
        // client and soak tool.
        .target(
            name: "BoxOfficeWire",
            dependencies: [
                "BoxOfficeCore", "BoxOfficeProto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // The store's protocols by job, and the SQLite store through GRDB: schema, records, catalogue
        // generator and queries, the seat ledger, the invariant check.
        .target(
            name: "BoxOfficeStore",
            dependencies: [
                "BoxOfficeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Resources/us-zipcodes-ATTRIBUTION.md"],
            resources: [.copy("Resources/us-zipcodes.csv")],
            swiftSettings: strict
        ),
        // The PostgreSQL store through postgres-nio: the same store protocols as SQLite's, for a
        // database several nodes share; its schema migrations and the catalogue loader (COPY).
        .target(
            name: "BoxOfficePostgres",
            dependencies: [
                "BoxOfficeCore", "BoxOfficeStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The guard's decisions: per-client GCRA rate limits, bot scores, bounded client tables,
        // connection caps, trusted ranges. Pure values over an injected monotonic time; NIO only for
        // the peer address.
        .target(
            name: "BoxOfficeGuard",
            dependencies: [
                "BoxOfficeCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Seats and money: the seat allocator (an actor with group commit), holds, seat sets, best
        // available, and the payment gateway with its simulated processor.
        .target(
            name: "BoxOfficeBooking",
            dependencies: [
                "BoxOfficeCore", "BoxOfficeStore",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // A cluster's bookkeeping: which node owns a showtime (rendezvous hashing over the live
        // nodes) and this node's heartbeat and view of the others, through the `nodes` table.
        .target(
            name: "BoxOfficeCluster",
            dependencies: ["BoxOfficeCore", "BoxOfficeStore"],
            swiftSettings: strict
        ),
        // The server: pipeline, dispatcher, handlers, cache; a ServiceLifecycle `Service`.
        .target(
            name: "BoxOfficeServer",
            dependencies: [
                "BoxOfficeCore", "BoxOfficeProto", "BoxOfficeWire", "BoxOfficeStore", "BoxOfficeGuard", "BoxOfficeBooking",
                "BoxOfficeCluster", "BoxOfficeClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        // The async Swift client: many calls pipelined over one connection.
        .target(
            name: "BoxOfficeClient",
            dependencies: [
                "BoxOfficeCore", "BoxOfficeProto", "BoxOfficeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // The `boxoffice` commands and their table rendering.
        .target(
            name: "BoxOfficeCLI",
            dependencies: [
                "BoxOfficeCore", "BoxOfficeProto", "BoxOfficeClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // A real server on a loopback port with a real SQLite file, for tests and tools.
        .target(
            name: "BoxOfficeTesting",
            dependencies: [
                "BoxOfficeServer", "BoxOfficeBooking", "BoxOfficeGuard", "BoxOfficeCore", "BoxOfficeStore", "BoxOfficeClient",
                "BoxOfficePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "boxofficed",
            dependencies: [
                "BoxOfficeServer", "BoxOfficeGuard", "BoxOfficeStore", "BoxOfficePostgres", "BoxOfficeCluster",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(name: "boxoffice", dependencies: ["BoxOfficeCLI"], swiftSettings: strict),
        // The load, soak and race tool's engine: virtual users and their journeys, open and closed
        // loops, the recorder and report, the invariant checks, and the echo baseline. A client:
        // the in-process micro-benchmarks live in the Benchmarks package.
        .target(
            name: "BoxOfficeSoak",
            dependencies: [
                // The stores only for the read-only invariant check of `--database` (a SQLite file or
                // a PostgreSQL database); never the server.
                "BoxOfficeClient", "BoxOfficeCore", "BoxOfficeProto", "BoxOfficeStore", "BoxOfficePostgres", "BoxOfficeWire",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "boxoffice-soak",
            dependencies: [
                "BoxOfficeSoak",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        .testTarget(name: "BoxOfficeCoreTests", dependencies: ["BoxOfficeCore"]),
        // The rendezvous hash alone; membership and calls across nodes on the test PostgreSQL.
        .testTarget(
            name: "BoxOfficeClusterTests",
            dependencies: [
                "BoxOfficeCluster", "BoxOfficeStore", "BoxOfficeCore", "BoxOfficeTesting", "BoxOfficeClient", "BoxOfficeServer",
                "BoxOfficeProto", "BoxOfficeGuard", "BoxOfficeBooking",
            ]
        ),
        .testTarget(
            name: "BoxOfficeWireTests",
            dependencies: [
                "BoxOfficeWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        // The store suites run on SQLite and, given a test PostgreSQL, on PostgreSQL (TestStore).
        .testTarget(name: "BoxOfficeStoreTests", dependencies: ["BoxOfficeStore", "BoxOfficeCore", "BoxOfficeTesting"]),
        .testTarget(
            name: "BoxOfficePostgresTests",
            dependencies: [
                "BoxOfficePostgres", "BoxOfficeStore", "BoxOfficeCore", "BoxOfficeTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // To write the same rows into a SQLite file, where the SQLite check must agree.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "BoxOfficeGuardTests", dependencies: ["BoxOfficeGuard", "BoxOfficeCore"]),
        .testTarget(
            name: "BoxOfficeBookingTests",
            dependencies: [
                "BoxOfficeBooking", "BoxOfficeStore", "BoxOfficeCore", "BoxOfficeTesting", "BoxOfficeClient", "BoxOfficeProto",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "BoxOfficeServerTests",
            dependencies: [
                "BoxOfficeServer", "BoxOfficeGuard", "BoxOfficeBooking", "BoxOfficeTesting", "BoxOfficeClient", "BoxOfficeProto",
                "BoxOfficeWire", "BoxOfficeStore", "BoxOfficeCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BoxOfficeSoakTests",
            dependencies: [
                "BoxOfficeSoak", "BoxOfficeTesting", "BoxOfficeClient", "BoxOfficeProto", "BoxOfficePostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "BoxOfficeClientTests",
            dependencies: [
                "BoxOfficeClient", "BoxOfficeCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "BoxOfficeCLITests", dependencies: ["BoxOfficeCLI", "BoxOfficeTesting", "BoxOfficeClient", "BoxOfficeCore"]),
    ]
)
