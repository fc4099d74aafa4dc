// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "billing-migrate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "billing-migrate", targets: ["billing-migrate"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        // C: Debian's libcsv.
        .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),

        // Libraries.
        .target(name: "CSVReading", dependencies: ["CLibCSV"]),
        .target(name: "AddressRules"),
        .target(name: "JSONDocument"),
        .target(
            name: "PartnerCenter",
            dependencies: [
                "AddressRules", "JSONDocument",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "PartnerCenterSimulator",
            dependencies: [
                "AddressRules", "JSONDocument",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Rules/README.md"],
            resources: [.embedInCode("Rules/partner-center-country-rules.json")]
        ),
        .target(
            name: "Migration",
            dependencies: [
                "CSVReading", "AddressRules", "JSONDocument", "PartnerCenter",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The command-line tool.
        .executableTarget(
            name: "billing-migrate",
            dependencies: [
                "Migration", "CSVReading", "AddressRules", "PartnerCenter", "PartnerCenterSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmarks (run by scripts/benchmark.sh, release build).
        .executableTarget(
            name: "simulator-capacity",
            dependencies: [
                "PartnerCenter", "PartnerCenterSimulator", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SimulatorCapacity"
        ),

        // Fuzzing: a target per parser of outside bytes, and the libFuzzer driver that
        // scripts/fuzz.sh builds with -sanitize=fuzzer,address (a plain build replays files).
        .target(name: "FuzzTargets", dependencies: ["CSVReading", "JSONDocument", "Migration"]),
        .executableTarget(name: "fuzz", dependencies: ["FuzzTargets"], path: "Fuzz"),

        // Tests.
        .testTarget(name: "CSVReadingTests", dependencies: ["CSVReading"]),
        .testTarget(name: "AddressRulesTests", dependencies: ["AddressRules"]),
        .testTarget(
            name: "MigrationTests",
            dependencies: [
                "Migration", "AddressRules", "CSVReading", "PartnerCenter", "JSONDocument", "PartnerCenterSimulator",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "JSONDocumentTests", dependencies: ["JSONDocument"]),
        .testTarget(
            name: "PartnerCenterTests",
            dependencies: [
                "PartnerCenter", "PartnerCenterSimulator", "AddressRules", "JSONDocument",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "PartnerCenterSimulatorTests",
            dependencies: ["PartnerCenterSimulator", "PartnerCenter", "JSONDocument"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["billing-migrate", "PartnerCenterSimulator", "JSONDocument", "CSVReading"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "JSONDocument"]),
    ]
)

for target in package.targets where [.regular, .executable, .test].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
