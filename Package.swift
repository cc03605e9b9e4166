// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "truststore",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "truststore", targets: ["truststore"]),
        .executable(name: "truststore-pin", targets: ["truststore-pin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLibGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .target(name: "TrustStoreOpenSSL", dependencies: ["COpenSSL"]),
        .target(name: "TrustStoreGit", dependencies: ["CLibGit2"]),
        .target(
            name: "TrustStoreCore",
            dependencies: ["TrustStoreOpenSSL", "TrustStoreGit", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .executableTarget(
            name: "truststore",
            dependencies: ["TrustStoreCore", "TrustStoreOpenSSL", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "truststore-pin",
            dependencies: ["TrustStoreCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Tests by layer: TrustStoreOpenSSLTests runs the OpenSSL wrapper, TrustStoreCoreTests rules, models and
        // operations, both in process; TrustStoreTests runs the built CLI end to end. TestSupport holds what they
        // share (temporary directories, the test PKI, a process runner).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TrustStoreOpenSSLTests", dependencies: ["TrustStoreOpenSSL", "TestSupport"]),
        .testTarget(name: "TrustStoreCoreTests", dependencies: ["TrustStoreCore", "TrustStoreOpenSSL", "TestSupport"]),
        .testTarget(name: "TrustStoreTests", dependencies: ["TrustStoreCore", "truststore", "truststore-pin", "TestSupport"],
                    resources: []),
    ]
)
