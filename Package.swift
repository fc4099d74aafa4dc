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
    ],
    targets: [
        // C: Debian's libcsv.
        .systemLibrary(name: "CLibCSV", providers: [.apt(["libcsv-dev"])]),

        // Libraries.
        .target(name: "CSVReading", dependencies: ["CLibCSV"]),
        .target(name: "AddressRules"),
        .target(
            name: "Migration",
            dependencies: [
                "CSVReading", "AddressRules",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The command-line tool.
        .executableTarget(
            name: "billing-migrate",
            dependencies: [
                "Migration", "CSVReading", "AddressRules",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Tests.
        .testTarget(name: "CSVReadingTests", dependencies: ["CSVReading"]),
        .testTarget(name: "AddressRulesTests", dependencies: ["AddressRules"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration"]),
        .testTarget(name: "EndToEndTests", dependencies: ["billing-migrate"]),
    ]
)

for target in package.targets where [.regular, .executable, .test].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
