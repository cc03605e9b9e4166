import Foundation
import Testing
import TestSupport

/// `truststore verify`: path validation of a leaf against one environment, as a TLS client given the environment's
/// exported bundle would do it. Every run passes `--at` (2025-06-01T00:00:00Z unless a fixture says otherwise).
@Suite("verify: path validation against an environment")
struct VerifyTests {
    // MARK: verify trusts what export writes

    @Test("with include_system = true, verify trusts the system roots the export appends; both agree with openssl verify of the exported bundle")
    func verifyAndExportAgreeOnSystemRoots() throws {
        let system = "/etc/ssl/certs/ca-certificates.crt"
        try #require(FileManager.default.fileExists(atPath: system), "the ca-certificates package is needed")
        let chain = Paths.corpus("server-chains/docs.python.org")
        let at = "2026-01-13T13:03:47Z"
        let epoch = "1768309427"
        let store = try TestStore()
        try store.addAt([try TestPKI.pem("root")], env: "prod")
        func verdicts() throws -> (verify: RunResult, openssl: RunResult) {
            let verify = try store.verify(chain + "/leaf.pem", untrusted: [chain + "/chain.pem"], host: "docs.python.org",
                                          at: at)
            let export = try store.run(["export", "prod", "--at", at])
            #expect(export.status == 0, "\(export)")
            let bundle = store.temp.file("export-\(UUID().uuidString).pem")
            try export.stdoutBytes.write(to: URL(fileURLWithPath: bundle))
            let openssl = try Run.program(
                "/usr/bin/openssl", ["verify", "-no-CApath", "-no-CAstore", "-CAfile", bundle, "-untrusted", chain + "/chain.pem", "-attime", epoch,
                                     "-purpose", "sslserver", "-verify_hostname", "docs.python.org", chain + "/leaf.pem"],
                cwd: store.root, environment: store.environment)
            return (verify, openssl)
        }
        let before = try verdicts()
        #expect(before.verify.status == 1, "\(before.verify)")
        #expect(before.openssl.status != 0, "\(before.openssl)")

        let config = store.root + "/truststore.toml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "[environments.prod]\n", with: "[environments.prod]\ninclude_system = true\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try store.git(["-c", "user.name=x", "-c", "user.email=y", "commit", "-qam", "prod includes system"]).status == 0)
        let after = try verdicts()
        #expect(after.openssl.status == 0, "\(after.openssl)")
        #expect(after.verify.status == 0, "\(after.verify)")
        #expect(verifiedPath(after.verify.stdout).last?.source == "system", "\(after.verify)")
    }

    @Test("verify --system-bundle FILE trusts that bundle's roots too, as export --system-bundle appends them")
    func verifyWithExplicitSystemBundle() throws {
        let chain = Paths.corpus("server-chains/docs.python.org")
        let store = try TestStore()
        try store.addAt([try TestPKI.pem("root")], env: "prod")
        let arguments = ["--untrusted", chain + "/chain.pem", "--host", "docs.python.org", "--at", "2026-01-13T13:03:47Z"]
        let plain = try store.run(["verify", "--env", "prod", chain + "/leaf.pem"] + arguments)
        #expect(plain.status == 1, "\(plain)")
        let with = try store.run(["verify", "--env", "prod", chain + "/leaf.pem", "--system-bundle", chain + "/root.pem"]
            + arguments)
        #expect(with.status == 0, "\(with)")
        #expect(verifiedPath(with.stdout).last?.subject.contains("GlobalSign") == true, "\(with)")
    }

    @Test("verify rejects a server certificate under a root stored for client-auth only, with or without --host")
    func verifyHonoursStoredPurpose() throws {
        let store = try TestStore()
        try #require(try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--purpose", "client-auth",
                                    "--at", testTime, "--reason", "mTLS"]).status == 0)
        try store.addAt([try TestPKI.pem("intermediate")], env: "prod")
        for host in ["service.test", nil] {
            let v = try store.verify(try TestPKI.pem("leaf"), host: host)
            #expect(v.status == 1, "\(v)")
            #expect(v.stderr.contains("error:"), "\(v)")
        }
    }

    // MARK: 01 — missing intermediate

    @Test("case 01: a leaf without its intermediate is rejected naming the missing issuer; --untrusted or adding the intermediate makes it validate")
    func missingIntermediate() throws {
        let folder = "01-missing-intermediate"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/root.pem")], env: "prod")
        let leaf = Paths.cases(folder + "/leaf.pem")

        // (1) reject: the issuer of CN=service.test, CN=Test Intermediate CA,O=Example Org, was not found
        // (OpenSSL error 20); suggests --untrusted or adding it; never claims the root is untrusted.
        let v1 = try store.verify(leaf)
        #expect(v1.status == 1, "\(v1)")
        #expect(!v1.stdout.contains("OK:"), "\(v1)")
        let error1 = errorLines(v1)
        #expect(error1.count == 1, "one error line expected: \(v1)")
        expectPhrases(v1.stderr, [
            "CN=Test Intermediate CA,O=Example Org", "CN=service.test", "unable to get local issuer certificate",
        ])
        let hint1 = hintLines(v1).joined(separator: "\n")
        #expect(hint1.contains("--untrusted"), "the hint must suggest --untrusted: \(v1)")
        #expect(hint1.contains("truststore add"), "the hint must suggest adding the intermediate: \(v1)")
        for line in v1.stderr.split(separator: "\n") where line.contains("Example Root CA") {
            #expect(!line.contains("not trusted") && !line.contains("untrusted") && !line.contains("self-signed"),
                    "must not claim the root is untrusted: \(line)")
        }
        let json1 = try jsonObject(try store.verify(leaf, extra: ["--format", "json"]).stdout)
        #expect(json1["valid"] as? Bool == false)
        #expect(json1["errorCode"] as? Int == 20, "error 20 (local issuer), not 19/2 (root untrusted): \(json1)")
        #expect(json1["errorDepth"] as? Int == 0, "\(json1)")

        // (2) accept with --untrusted: service.test → Test Intermediate CA → Example Root CA.
        let v2 = try store.verify(leaf, untrusted: [Paths.cases(folder + "/intermediate.pem")])
        #expect(v2.status == 0, "\(v2)")
        #expect(v2.stdout.hasPrefix("OK: path validated"), "\(v2)")
        #expect(verifiedPath(v2.stdout) == [
            VerifiedPathLine(depth: 0, fingerprint: fp16(fps["leaf"]), expires: "2036-01-01", subject: "CN=service.test",
                             source: "leaf"),
            VerifiedPathLine(depth: 1, fingerprint: fp16(fps["intermediate"]), expires: "2040-01-01",
                             subject: "CN=Test Intermediate CA,O=Example Org", source: "untrusted"),
            VerifiedPathLine(depth: 2, fingerprint: fp16(fps["root"]), expires: "2044-01-01",
                             subject: "CN=Example Root CA,O=Example Org", source: "environment"),
        ], "\(v2)")

        // (3) accept: stored as an intermediate (not a trust anchor); the export holds 2 certificates.
        let add = try store.addAt([Paths.cases(folder + "/intermediate.pem")], env: "prod")
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("added intermediate"), "\(add)")
        let list = try store.run(["list", "--env", "prod", "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]],
                                   "\(list)")
        let stored = entries.first { $0["sha256"] as? String == fps["intermediate"] }
        #expect(stored?["kind"] as? String == "intermediate", "\(list)")
        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(export.status == 0, "\(export)")
        #expect(try Set(fingerprints(ofBundle: export.stdout)) == Set([fps["root"], fps["intermediate"]].compactMap { $0 }))
        #expect(try fingerprints(ofBundle: export.stdout).count == 2)

        // (4) accept without --untrusted: the intermediate now comes from the environment.
        let v4 = try store.verify(leaf)
        #expect(v4.status == 0, "\(v4)")
        #expect(v4.stdout.hasPrefix("OK: path validated"), "\(v4)")
        #expect(verifiedPath(v4.stdout).map(\.source) == ["leaf", "environment", "environment"], "\(v4)")
        #expect(verifiedPath(v4.stdout).map(\.subject) == [
            "CN=service.test", "CN=Test Intermediate CA,O=Example Org", "CN=Example Root CA,O=Example Org",
        ], "\(v4)")
    }

    // MARK: real server chains

    @Test("every expectation of the real server chains' case.json holds", arguments: serverChainFolders)
    func realServerChain(folder: String) throws {
        let dir = Paths.corpus("server-chains/" + folder)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/case.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let expectations = try #require(json["expectations"] as? [[String: Any]])
        #expect(!expectations.isEmpty)
        let leaf = dir + "/leaf.pem"
        let leafFingerprint = try fingerprint(ofFile: leaf)
        let leafIssuer = try distinguishedName(ofFile: leaf, "issuer")
        let leafNotAfter = String((json["leaf_not_after"] as? String ?? "").prefix(10))
        let firstName = try firstSubjectAltName(leaf)

        for (index, expectation) in expectations.enumerated() {
            let label = "\(folder) expectation \(index): \(expectation)"
            let envFile = try #require(expectation["env"] as? String, "\(label)")
            let at = try #require(expectation["at"] as? String, "\(label)")
            let host = try #require(expectation["host"] as? String, "\(label)")
            let expect = try #require(expectation["expect"] as? String, "\(label)")
            // `"untrusted": null` means no --untrusted; otherwise the captured chain is passed.
            let noUntrusted = expectation.keys.contains("untrusted") && expectation["untrusted"] is NSNull
            let rootFile = URL(fileURLWithPath: dir + "/" + envFile).standardizedFileURL.path

            let store = try TestStore()
            try store.addAt([rootFile], env: "prod", at: at)
            let result = try store.verify(
                leaf, untrusted: noUntrusted ? [] : [dir + "/chain.pem"], host: host, at: at)

            if expect == "SUCCESS" {
                #expect(result.status == 0, "\(label): \(result)")
                #expect(result.stdout.hasPrefix("OK: path validated against 'prod'"), "\(label): \(result)")
                let path = verifiedPath(result.stdout)
                #expect(path.first?.fingerprint == String(leafFingerprint.prefix(16)), "\(label): \(result)")
                #expect(path.last?.fingerprint == String(try fingerprint(ofFile: rootFile).prefix(16)),
                        "\(label): the path must end at the environment's root: \(result)")
                #expect(path.last?.source == "environment", "\(label): \(result)")
                continue
            }
            #expect(expect.hasPrefix("FAILURE"), "\(label): unknown expectation")
            #expect(result.status == 1, "\(label): \(result)")
            #expect(!result.stdout.contains("OK:"), "\(label): \(result)")
            #expect(errorLines(result).count == 1, "\(label): one error line expected: \(result)")
            #expect(hintLines(result).count >= 1, "\(label): a hint is expected: \(result)")
            if expect.contains("hostname mismatch") {
                expectPhrases(result.stderr, ["'\(host)'", "hostname mismatch", firstName], label)
            } else if expect.contains("leaf expired") {
                expectPhrases(result.stderr, ["certificate has expired", "at depth 0", leafNotAfter], label)
            } else if expect.contains("intermediate missing") {
                expectPhrases(result.stderr, ["unable to get local issuer certificate", "at depth 0", "'\(leafIssuer)'"],
                              label)
            } else if expect.contains("root not in environment") {
                let missingRoot = try distinguishedName(ofFile: dir + "/root.pem")
                expectPhrases(result.stderr, ["unable to get local issuer certificate", "'\(missingRoot)'", "'prod'"],
                              label)
            } else {
                Issue.record("\(label): expectation not understood by the test")
            }
        }
    }

    // MARK: verify steps of the fault cases

    @Test("case 05 (4): a leaf under the DER-imported root validates")
    func derRootVerifies() throws {
        let folder = "05-der-named-crt"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/Example_Root_CA.crt")], env: "prod")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"))
        #expect(v.status == 0, "\(v)")
        #expect(v.stdout.hasPrefix("OK: path validated"), "\(v)")
        #expect(verifiedPath(v.stdout).map(\.fingerprint) == [fp16(fps["leaf"]), fp16(fps["root"])], "\(v)")
    }

    @Test("case 06 (3): a leaf validates through the intermediate passed with --untrusted to the TRUSTED CERTIFICATE root")
    func trustedCertificateRootVerifies() throws {
        let folder = "06-trusted-certificate-header"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/root-trusted.pem")], env: "prod")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"),
                                 untrusted: [Paths.cases(folder + "/intermediate.pem")])
        #expect(v.status == 0, "\(v)")
        #expect(verifiedPath(v.stdout).map(\.fingerprint) == [
            fp16(fps["leaf"]), fp16(fps["intermediate"]), fp16(fps["root"]),
        ], "\(v)")
        #expect(verifiedPath(v.stdout).map(\.source) == ["leaf", "untrusted", "environment"], "\(v)")
    }

    @Test("case 10 (3): the leaf validates through the 2024 copy of Example Root CA")
    func reissuedRootVerifies() throws {
        let folder = "10-duplicate-subject-expired-copy"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/root-2024.pem")], env: "prod")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"))
        #expect(v.status == 0, "\(v)")
        #expect(verifiedPath(v.stdout).map(\.fingerprint) == [fp16(fps["leaf"]), fp16(fps["root-2024"])], "\(v)")
    }

    @Test("an expired root in the environment is named with its expiry date")
    func expiredRootIsNamed() throws {
        let folder = "10-duplicate-subject-expired-copy"
        let store = try TestStore()
        // Added while it was valid; validated after it expired (2025-01-01).
        try store.addAt([Paths.cases(folder + "/root-2014-expired.pem")], env: "prod", at: "2024-06-01T00:00:00Z")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"))
        #expect(v.status == 1, "\(v)")
        expectPhrases(v.stderr, ["CN=Example Root CA,O=Example Org", "expired", "2025-01-01", "certificate has expired"])
        #expect(hintLines(v).count == 1, "\(v)")
    }

    @Test("case 11 (2): a 1024-bit RSA root committed with plain git is refused: CA certificate key too weak")
    func weakRootKeyIsRefused() throws {
        let folder = "11-rsa1024-ca-key"
        let store = try TestStore()
        try store.commitWithPlainGit(Paths.cases(folder + "/root-rsa1024.pem"), env: "prod")
        let list = try store.run(["list", "--env", "prod"])
        try #require(list.stdout.contains("CN=Example Legacy Root CA 1024,O=Example Org"),
                     "the tool must read the certificate committed with plain git: \(list)")

        let v = try store.verify(Paths.cases(folder + "/leaf.pem"))
        #expect(v.status == 1, "\(v)")
        expectPhrases(v.stderr, ["CA certificate key too weak", "CN=Example Legacy Root CA 1024,O=Example Org", "1024",
                                 "too weak"])
        #expect(hintLines(v).count == 1, "\(v)")
        let json = try jsonObject(try store.verify(Paths.cases(folder + "/leaf.pem"), extra: ["--format", "json"]).stdout)
        #expect(json["errorCode"] as? Int == 67, "\(json)")
        #expect(json["errorDepth"] as? Int == 1, "\(json)")
    }

    @Test("case 13 (3): a path through a root with pathlen:0 is refused: path length constraint exceeded, naming the root")
    func pathlenZeroRoot() throws {
        let folder = "13-pathlen-zero-root"
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/root-pathlen0.pem")], env: "prod")
        // (2) the intermediate itself is refused by add, so it is passed with --untrusted.
        let add = try store.addAt([Paths.cases(folder + "/intermediate.pem")], env: "prod", mustSucceed: false)
        #expect(add.status == 1, "\(add)")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"),
                                 untrusted: [Paths.cases(folder + "/intermediate.pem")])
        #expect(v.status == 1, "\(v)")
        expectPhrases(v.stderr, ["path length constraint exceeded", "CN=Example Root CA,O=Example Org"])
        #expect(["pathlen:0", "pathLenConstraint 0", "pathlen 0"].contains { v.stderr.contains($0) },
                "the root's pathlen:0 must be named: \(v)")
        let json = try jsonObject(try store.verify(Paths.cases(folder + "/leaf.pem"),
                                                   untrusted: [Paths.cases(folder + "/intermediate.pem")],
                                                   extra: ["--format", "json"]).stdout)
        #expect(json["errorCode"] as? Int == 25, "\(json)")
    }

    @Test("case 14 (2): a leaf under an X.509 v1 root validates (default, non-strict mode)")
    func v1RootVerifies() throws {
        let folder = "14-root-without-basicconstraints"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        let env = try store.run(["env", "add", "legacy"])
        try #require(env.status == 0, "\(env)")
        try store.addAt([Paths.cases(folder + "/root-x509v1.pem")], env: "legacy")
        let v = try store.verify(Paths.cases(folder + "/leaf-under-v1-root.pem"), env: "legacy")
        #expect(v.status == 0, "\(v)")
        #expect(v.stdout.hasPrefix("OK: path validated against 'legacy'"), "\(v)")
        #expect(verifiedPath(v.stdout).map(\.fingerprint) == [fp16(fps["leaf-under-v1-root"]), fp16(fps["root-x509v1"])],
                "\(v)")
    }

    @Test("case 17 (3): a leaf under the negative-serial root validates")
    func negativeSerialRootVerifies() throws {
        let folder = "17-negative-serial"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/bundle.pem")], env: "prod")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"))
        #expect(v.status == 0, "\(v)")
        #expect(verifiedPath(v.stdout).map(\.fingerprint) == [fp16(fps["leaf"]), fp16(fps["root-negative-serial"])],
                "\(v)")
    }

    @Test("case 21 (2): a public leaf is refused by an environment holding only the internal root")
    func publicLeafAgainstInternalRoot() throws {
        let folder = "21-requests-ca-bundle-replaces-default"
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/corp-root.pem")], env: "prod")
        let v = try store.verify(Paths.cases(folder + "/public-leaf.pem"), host: "public.test")
        #expect(v.status == 1, "\(v)")
        expectPhrases(v.stderr, ["unable to get local issuer certificate", "public.test",
                                 "CN=Example Public Root CA,O=Example Public Trust"])
        // The internal leaf still validates.
        let internalLeaf = try store.verify(Paths.cases(folder + "/internal-leaf.pem"))
        #expect(internalLeaf.status == 0, "\(internalLeaf)")
    }

    @Test("case 24 (4): after the PKCS #7 imports the leaf validates with the intermediate from the store")
    func pkcs7ChainVerifies() throws {
        let folder = "24-pkcs7-bundle"
        let fps = try caseFingerprints(folder)
        let store = try TestStore()
        try store.addAt([Paths.cases(folder + "/chain.p7b")], env: "prod")
        try store.addAt([Paths.cases(folder + "/chain-pem.p7b")], env: "prod")
        let v = try store.verify(Paths.cases(folder + "/leaf.pem"))
        #expect(v.status == 0, "\(v)")
        #expect(verifiedPath(v.stdout).map(\.fingerprint) == [
            fp16(fps["leaf"]), fp16(fps["intermediate"]), fp16(fps["root"]),
        ], "\(v)")
        #expect(verifiedPath(v.stdout).map(\.source) == ["leaf", "environment", "environment"], "\(v)")
    }

    // MARK: host, purpose, JSON

    @Test("a host the leaf does not hold is refused listing the names it holds; its DNS and IP names are accepted")
    func hostnameMismatch() throws {
        let store = try TestStore()
        try store.addAt([try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "prod")
        let leaf = try TestPKI.pem("leaf")
        let v = try store.verify(leaf, host: "other.test")
        #expect(v.status == 1, "\(v)")
        expectPhrases(v.stderr, ["'other.test'", "hostname mismatch", "service.test", "localhost", "127.0.0.1"])
        #expect(errorLines(v).count == 1 && hintLines(v).count == 1, "\(v)")
        for host in ["service.test", "localhost", "127.0.0.1"] {
            let ok = try store.verify(leaf, host: host)
            #expect(ok.status == 0, "\(host): \(ok)")
            #expect(ok.stdout.contains("for \(host)"), "\(host): \(ok)")
        }
    }

    @Test("client-auth is refused for a serverAuth-only leaf: unsuitable certificate purpose")
    func wrongPurpose() throws {
        let store = try TestStore()
        try store.addAt([try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "prod")
        let leaf = try TestPKI.pem("leaf")
        let v = try store.verify(leaf, host: nil, extra: ["--purpose", "client-auth"])
        #expect(v.status == 1, "\(v)")
        expectPhrases(v.stderr, ["CN=service.test,O=truststore tests", "unsuitable certificate purpose"])
        #expect(errorLines(v).count == 1, "\(v)")
        let json = try jsonObject(try store.verify(leaf, extra: ["--purpose", "client-auth", "--format", "json"]).stdout)
        #expect(json["valid"] as? Bool == false)
        #expect(json["errorCode"] as? Int == 26, "\(json)")
        #expect(json["purpose"] as? String == "client-auth", "\(json)")
        // The purpose it holds passes.
        let ok = try store.verify(leaf, extra: ["--purpose", "server-auth"])
        #expect(ok.status == 0, "\(ok)")
    }

    @Test("--format json gives valid, path, errorCode, errorDepth, message and hint")
    func jsonOutput() throws {
        let store = try TestStore()
        try store.addAt([try TestPKI.pem("root")], env: "prod")
        let leaf = try TestPKI.pem("leaf")
        let intermediate = try TestPKI.pem("intermediate")

        // Failure: the intermediate is missing.
        let failed = try store.verify(leaf, extra: ["--format", "json"])
        #expect(failed.status == 1, "\(failed)")
        let f = try jsonObject(failed.stdout)
        #expect(f["valid"] as? Bool == false, "\(f)")
        #expect(f["errorCode"] as? Int == 20, "\(f)")
        #expect(f["errorDepth"] as? Int == 0, "\(f)")
        let message = f["message"] as? String ?? ""
        #expect(message.contains("CN=Test Intermediate CA,O=truststore tests"), "\(f)")
        #expect(message.contains("unable to get local issuer certificate"), "\(f)")
        #expect((f["hint"] as? String ?? "").contains("--untrusted"), "\(f)")
        let failedPath = try #require(f["path"] as? [[String: Any]], "\(f)")
        #expect(failedPath.count == 1, "\(f)")
        #expect(failedPath.first?["sha256"] as? String == (try fingerprint(ofFile: leaf)), "\(f)")

        // Success: the full path with its sources.
        let ok = try store.verify(leaf, untrusted: [intermediate], extra: ["--format", "json"])
        #expect(ok.status == 0, "\(ok)")
        let s = try jsonObject(ok.stdout)
        #expect(s["valid"] as? Bool == true, "\(s)")
        #expect(s["message"] == nil || s["message"] is NSNull, "\(s)")
        let path = try #require(s["path"] as? [[String: Any]], "\(s)")
        #expect(path.map { $0["depth"] as? Int } == [0, 1, 2], "\(s)")
        #expect(path.map { $0["source"] as? String } == ["leaf", "untrusted", "environment"], "\(s)")
        #expect(path.map { $0["sha256"] as? String } == [
            try fingerprint(ofFile: leaf), try fingerprint(ofFile: intermediate), try fingerprint(ofFile: TestPKI.pem("root")),
        ], "\(s)")
        #expect(path.map { $0["subject"] as? String } == [
            "CN=service.test,O=truststore tests", "CN=Test Intermediate CA,O=truststore tests",
            "CN=Test Root CA,O=truststore tests",
        ], "\(s)")
    }
}

// MARK: - Helpers

/// The folders of `Tests/Fixtures/corpus/real/server-chains/` that hold a case.json.
private let serverChainFolders: [String] = {
    let dir = Paths.corpus("server-chains")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return names.filter { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/case.json") }.sorted()
}()

extension TestStore {
    /// `truststore add FILES --env ENV --at AT`; a setup step, so it must succeed unless `mustSucceed` is false.
    @discardableResult
    fileprivate func addAt(_ files: [String], env: String, at time: String = testTime, mustSucceed: Bool = true,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> RunResult
    {
        let result = try run(["add"] + files + ["--env", env, "--at", time])
        if mustSucceed {
            try #require(result.status == 0, "add failed: \(result)", sourceLocation: sourceLocation)
        }
        return result
    }

    /// `truststore verify --env ENV LEAF [--untrusted F]... [--host H] --at AT EXTRA...`.
    fileprivate func verify(_ leaf: String, env: String = "prod", untrusted: [String] = [], host: String? = "service.test",
                            at time: String = testTime, extra: [String] = []) throws -> RunResult
    {
        var arguments = ["verify", "--env", env, leaf]
        for file in untrusted { arguments += ["--untrusted", file] }
        if let host { arguments += ["--host", host] }
        return try run(arguments + ["--at", time] + extra)
    }
}


/// The 16-hex prefix `verify` prints.
private func fp16(_ fingerprint: String?) -> String { String((fingerprint ?? "missing").prefix(16)) }

/// The first subjectAltName entry of a certificate as OpenSSL prints it without the type ("www.python.org").
private func firstSubjectAltName(_ path: String) throws -> String {
    let r = try Run.program(
        Run.which("openssl") ?? "/usr/bin/openssl", ["x509", "-in", path, "-noout", "-ext", "subjectAltName"],
        cwd: "/", environment: ProcessInfo.processInfo.environment)
    let entries = r.stdout.split(separator: "\n").dropFirst().joined().split(separator: ",")
    guard let first = entries.first?.trimmingCharacters(in: .whitespaces), let colon = first.firstIndex(of: ":") else {
        throw TestFailure("no subjectAltName in \(path): \(r)")
    }
    return String(first[first.index(after: colon)...])
}

private func errorLines(_ result: RunResult) -> [String] {
    result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") }
}

private func hintLines(_ result: RunResult) -> [String] {
    result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("hint:") }
}

private func expectPhrases(_ text: String, _ phrases: [String], _ label: String = "",
                           sourceLocation: SourceLocation = #_sourceLocation)
{
    for phrase in phrases {
        #expect(text.contains(phrase), "\(label) missing \"\(phrase)\" in:\n\(text)", sourceLocation: sourceLocation)
    }
}
