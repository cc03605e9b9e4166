import Foundation
import TestSupport
@testable import TrustStoreCore
import TrustStoreOpenSSL

/// A store made in process with ``InitOperation`` in a temporary directory (a real libgit2 repository), for
/// tests that run TrustStoreCore's operations and rules directly rather than through the CLI.
final class CoreTestStore: @unchecked Sendable {
    let temp: TemporaryDirectory
    let root: String
    let store: TrustStore
    static let author = Author(name: "Test Author", email: "test.author@example.test")

    /// `init` with `environments` (default: dev, staging, prod); without the stock hooks unless `stockHooks`.
    init(environments: [String] = [], stockHooks: Bool = false) throws {
        temp = try TemporaryDirectory("truststore-core")
        root = temp.path + "/store"
        store = try InitOperation.run(
            directory: root, environments: environments, author: Self.author,
            environment: ["HOME": temp.path, "GIT_CONFIG_NOSYSTEM": "1"],
            resources: ProductResources(directory: Paths.packageRoot), installHooks: stockHooks)
    }

    /// The validation time of every test (`testTime`), seconds since the epoch.
    static let time: Int64 = 1_748_736_000  // 2025-06-01T00:00:00Z

    /// An input for ``AddOperation`` from a test PKI certificate.
    static func input(_ pkiName: String) throws -> AddInput {
        let path = try TestPKI.pem(pkiName)
        return AddInput(name: path, bytes: .success(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
    }

    /// Adds test PKI certificates to `environment` in one commit, failing the test when the add is rejected.
    @discardableResult
    func add(_ names: [String], to environment: String, purposes: [TrustPurpose] = []) throws -> AddReport {
        var request = AddRequest(
            inputs: try names.map(Self.input), environment: environment, reason: "test", source: nil,
            author: Self.author, time: Self.time, skipInvalid: false)
        request.purposes = purposes
        let report = try AddOperation(store: store).run(request)
        if report.isRejected { throw TestFailure("add \(names) to \(environment) was rejected: \(report)") }
        try store.reloadConfig()
        return report
    }
}
