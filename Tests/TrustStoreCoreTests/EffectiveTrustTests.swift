import Foundation
import TestSupport
import Testing
@testable import TrustStoreCore
import TrustStoreOpenSSL

/// Inheritance, promotion, removal and export never widen a purpose, and `verify` trusts exactly what the export
/// holds: each test failed before the effective trust was resolved in one place (issue 10).
@Suite("Effective trust: one resolution for every command, in process")
struct EffectiveTrustTests {
    private static func certificate(_ name: String) throws -> X509Certificate {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try TestPKI.pem(name))))
        return try InputDecoder.decode(bytes).certificates[0].certificate
    }

    /// prod holds `root` limited to client-auth and `rsa-root` for every purpose; child extends prod.
    private func inheritedLimit() throws -> CoreTestStore {
        let t = try CoreTestStore(environments: ["prod"])
        try t.add(["root"], to: "prod", purposes: [.clientAuth])
        try t.add(["rsa-root"], to: "prod")
        _ = try EnvironmentOperation(store: t.store).add(
            "child", description: nil, extends: ["prod"], author: CoreTestStore.author)
        try t.store.reloadConfig()
        return t
    }

    private func export(_ t: CoreTestStore, _ env: String, _ format: ExportFormat = .pemBundle,
                        options: ExportFormatOptions = ExportFormatOptions(), purpose: TrustPurpose? = nil)
        throws -> (bundle: ExportedBundle, output: ExportOutput)
    {
        try FormatExporter.export(
            t.store, environment: env, at: CoreTestStore.time, includeSystem: false, systemBundle: nil, commit: nil,
            format: format, options: options, purpose: purpose)
    }

    @Test("an inherited certificate keeps its origin's purpose limit in the resolved trust")
    func resolvedEntriesCarryOriginPurposes() throws {
        let t = try inheritedLimit()
        let root = try Self.certificate("root").sha256.hex
        let trust = try t.store.effectiveTrust(of: "child")
        let inherited = try #require(trust.certificates.first { $0.fingerprint == root })
        #expect(inherited.environment == "prod")
        #expect(inherited.purposes == [.clientAuth])
    }

    @Test("export --purpose server-auth of an extending environment leaves out a root limited to client-auth")
    func inheritedPurposeFiltersExport() throws {
        let t = try inheritedLimit()
        let root = try Self.certificate("root").sha256.hex
        let rsaRoot = try Self.certificate("rsa-root").sha256.hex
        let serverAuth = try export(t, "child", purpose: .serverAuth)
        #expect(serverAuth.bundle.certificates.map(\.sha256) == [rsaRoot])
        #expect(serverAuth.bundle.omitted.contains { $0.entry.sha256 == root && $0.reason == "not trusted for server-auth" })
        let clientAuth = try export(t, "child", purpose: .clientAuth)
        #expect(Set(clientAuth.bundle.certificates.map(\.sha256)) == [root, rsaRoot])
    }

    @Test("the json manifest and the trusted-certificate directory of an extending environment carry the inherited limit")
    func inheritedPurposeInManifestAndTrustedDirectory() throws {
        let t = try inheritedLimit()
        let root = try Self.certificate("root").sha256.hex
        guard case .file(let json) = try export(t, "child", .json).output else {
            Issue.record("json is one file")
            return
        }
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let entries = try #require(manifest["certificates"] as? [[String: Any]])
        let entry = try #require(entries.first { $0["sha256"] as? String == root })
        #expect(entry["purposes"] as? [String] == ["client-auth"])
        guard case .directory(let files) = try export(t, "child", .opensslDirectory,
                                                      options: ExportFormatOptions(trustedCertificate: true)).output
        else {
            Issue.record("openssl-directory is a directory")
            return
        }
        let texts = files.map { String(decoding: $0.content, as: UTF8.self) }
        let rootFile = try #require(texts.first { $0.contains("Test Root CA") && !$0.contains("RSA") })
        #expect(rootFile.contains("# Trusted for: client-auth\n"))
    }

    @Test("promote keeps a certificate's purpose limit in the target environment")
    func promoteKeepsPurposes() throws {
        let t = try CoreTestStore(environments: ["prod", "staging"])
        try t.add(["root"], to: "prod", purposes: [.clientAuth])
        try t.add(["rsa-root"], to: "staging")
        let root = try Self.certificate("root").sha256.hex
        let report = try PromoteOperation(store: t.store).run(
            selector: try CertificateSelector(String(root.prefix(16)), cwd: t.temp.path), from: "prod", to: "staging",
            reason: "promote", author: CoreTestStore.author, time: CoreTestStore.time)
        #expect(report.commit != nil)
        let promoted = try #require(try t.store.certificates(in: "staging").first { $0.fingerprint == root })
        #expect(promoted.purposes == [.clientAuth])
        let serverAuth = try export(t, "staging", purpose: .serverAuth)
        #expect(!serverAuth.bundle.certificates.contains { $0.sha256 == root })
    }

    @Test("removing one certificate of a multi-certificate file keeps the others' purpose limit")
    func removeKeepsNeighbourPurposes() throws {
        let t = try CoreTestStore(environments: ["prod"])
        let root = try Self.certificate("root")
        let other = try Self.certificate("other-root")
        let content = PurposeIndex.annotate(
            CertificateFile.render(root, info: root.info, kind: .root, auxiliaryTrust: nil)
                + CertificateFile.render(other, info: other.info, kind: .root, auxiliaryTrust: nil),
            purposes: [.clientAuth])
        _ = try t.store.commit([.write(path: "stores/prod/two-roots.pem", content: content)],
                               message: "two roots in one file", author: CoreTestStore.author)
        #expect(try t.store.certificates(in: "prod").allSatisfy { $0.purposes == [.clientAuth] })
        _ = try RemoveOperation(store: t.store).run(
            selector: try CertificateSelector(String(other.sha256.hex.prefix(16)), cwd: t.temp.path),
            environment: "prod", reason: "drop one", force: false, author: CoreTestStore.author,
            time: CoreTestStore.time)
        let kept = try t.store.certificates(in: "prod")
        #expect(kept.map(\.fingerprint) == [root.sha256.hex])
        #expect(kept.first?.purposes == [.clientAuth])
    }

    @Test("verify rejects a server certificate whose root is limited to client-auth, as OpenSSL does for the export")
    func verifyHonoursPurposeLimit() throws {
        let leaf = try Self.certificate("leaf")
        let intermediate = try Self.certificate("intermediate")
        for (purposes, valid) in [([TrustPurpose.clientAuth], false), ([.serverAuth], true), ([], true)] {
            let t = try CoreTestStore(environments: ["prod"])
            try t.add(["root"], to: "prod", purposes: purposes)
            try t.add(["intermediate"], to: "prod")
            let report = try VerifyOperation(store: t.store).validate(
                environment: "prod", target: leaf, untrusted: [intermediate], host: nil, purpose: nil,
                time: CoreTestStore.time)
            #expect(report.valid == valid, "root limited to \(purposes): \(report.message ?? "valid")")
            #expect(report.purpose == "server-auth")
            // The oracle: OpenSSL itself, given the store's own trusted-certificate export.
            guard case .directory(let files) = try export(t, "prod", .opensslDirectory,
                                                          options: ExportFormatOptions(trustedCertificate: true)).output
            else { continue }
            let dir = t.temp.path + "/capath-\(purposes.count)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for file in files { try Data(file.content).write(to: URL(fileURLWithPath: dir + "/" + file.name)) }
            let openssl = try Run.program(
                "/usr/bin/openssl",
                ["verify", "-no-CAfile", "-no-CAstore", "-CApath", dir, "-purpose", "sslserver", "-attime", String(CoreTestStore.time),
                 "-untrusted", try TestPKI.pem("intermediate"), try TestPKI.pem("leaf")],
                cwd: t.temp.path, environment: ProcessInfo.processInfo.environment)
            #expect((openssl.status == 0) == valid, "openssl verify: \(openssl)")
        }
    }

    @Test("the githooks staged check anchors an environment's intermediate in the roots it inherits")
    func stagedCheckUsesInheritance() throws {
        let t = try CoreTestStore(environments: ["prod"])
        try t.add(["root"], to: "prod")
        for (name, extends) in [("child", ["prod"]), ("solo", [])] {
            _ = try EnvironmentOperation(store: t.store).add(
                name, description: nil, extends: extends, author: CoreTestStore.author)
            try t.store.reloadConfig()
        }
        let intermediate = try Self.certificate("intermediate")
        let rendered = CertificateFile.render(intermediate, info: intermediate.info, kind: .intermediate,
                                              auxiliaryTrust: nil)
        for env in ["child", "solo"] {
            let path = "stores/\(env)/intermediate.pem"
            try Data(rendered).write(to: URL(fileURLWithPath: t.root + "/" + path))
            let git = try Run.program("/usr/bin/git", ["add", path], cwd: t.root,
                                      environment: ProcessInfo.processInfo.environment)
            #expect(git.status == 0, "\(git)")
        }
        // git runs the hook in a new process, which reads the index git wrote.
        let problems = try StagedChangeCheck(store: try TrustStore.open(t.root)).preCommit(time: CoreTestStore.time)
        // child inherits prod's root; solo, which inherits nothing, has no root for it.
        #expect(problems.map(\.path) == ["stores/solo/intermediate.pem"], "\(problems.map(\.message))")
        #expect(problems.first?.message.contains("does not chain to a root in 'solo'") == true)
    }

    @Test("the githooks staged check refuses a staged certificate a distrust entry names, and one whose only root is distrusted")
    func stagedCheckUsesDistrust() throws {
        let t = try CoreTestStore(environments: ["prod"])
        try t.add(["root"], to: "prod")
        _ = try DistrustOperation(store: t.store).run(
            certificate: String(try Self.certificate("root").sha256.hex.prefix(16)), cwd: t.temp.path,
            environment: "prod", key: .fingerprint, after: nil, reason: "compromised", author: CoreTestStore.author)
        try t.store.reloadConfig()
        let intermediate = try Self.certificate("intermediate")
        let path = "stores/prod/intermediate.pem"
        try Data(CertificateFile.render(intermediate, info: intermediate.info, kind: .intermediate, auxiliaryTrust: nil))
            .write(to: URL(fileURLWithPath: t.root + "/" + path))
        _ = try Run.program("/usr/bin/git", ["add", path], cwd: t.root, environment: ProcessInfo.processInfo.environment)
        let problems = try StagedChangeCheck(store: try TrustStore.open(t.root)).preCommit(time: CoreTestStore.time)
        #expect(problems.contains { $0.path == path && $0.message.contains("does not chain to a root in 'prod'") },
                "\(problems.map(\.message))")
    }
}
