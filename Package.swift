// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "konflikt",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "konflikt", targets: ["konflikt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNCursesW",
            providers: [.apt(["libncursesw5-dev"]), .brew(["ncurses"])]
        ),
        // glibc's malloc_trim: a rebuilt case index hands the memory it is done with back to the system.
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "KonfliktCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "KonfliktLog",
            dependencies: [
                "KonfliktCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "KonfliktDemo", dependencies: ["KonfliktCore", "KonfliktLog", .product(name: "Crypto", package: "swift-crypto"),
                                                   .product(name: "Yams", package: "Yams")]),
        .target(
            name: "KonfliktCases",
            dependencies: ["CMalloc", "KonfliktCore", "KonfliktLog", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "KonfliktReport",
            dependencies: ["KonfliktCore", "KonfliktLog", "KonfliktCases", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "KonfliktTUI",
            dependencies: ["CNCursesW", "KonfliktCore", "KonfliktLog", "KonfliktCases", "KonfliktReport"]
        ),
        .executableTarget(
            name: "konflikt",
            dependencies: [
                "KonfliktCore", "KonfliktLog", "KonfliktCases", "KonfliktReport", "KonfliktTUI", "KonfliktDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test helper: appends in a loop for the crash and concurrency tests (see docs/LOG.md).
        .executableTarget(name: "konflikt-log-stress", dependencies: ["KonfliktLog"]),
        .executableTarget(name: "konflikt-bench-append", dependencies: ["KonfliktLog"]),
        // Benchmark helper: decodes every line of a data folder, clear or sealed (see docs/PERFORMANCE.md).
        .executableTarget(name: "konflikt-bench-decode", dependencies: ["KonfliktLog"]),
        // Helpers shared by the log's and the read model's tests (a temporary folder, sample bodies).
        .target(name: "KonfliktTestSupport", dependencies: ["KonfliktCore", "KonfliktLog"], path: "Tests/KonfliktTestSupport"),
        .testTarget(name: "KonfliktCoreTests", dependencies: ["KonfliktCore"]),
        .testTarget(name: "KonfliktLogTests", dependencies: ["KonfliktLog", "KonfliktDemo", "KonfliktCore", "KonfliktTestSupport",
                                                            .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "KonfliktCasesTests", dependencies: ["KonfliktCases", "KonfliktDemo", "KonfliktLog", "KonfliktCore",
                                                              "KonfliktTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "KonfliktReportTests", dependencies: ["KonfliktReport", "KonfliktCases", "KonfliktLog", "KonfliktCore",
                                                               "KonfliktDemo", "KonfliktTestSupport", .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Golden"]),
        .testTarget(name: "KonfliktTUITests", dependencies: ["KonfliktTUI", "KonfliktCases", "KonfliktCore", "KonfliktLog"]),
        .testTarget(name: "EndToEndTests", dependencies: ["KonfliktCases", "KonfliktLog", "KonfliktCore"]),
    ],
    swiftLanguageModes: [.v6]
)
