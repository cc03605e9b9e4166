import Foundation
import Testing
import TestSupport

/// `truststore check`: the health of what is committed — errors (expired, weak, unchained), warnings (expiring,
/// negative serial) and information — with exit 1 when any finding is an error. Every run passes `--at`.
@Suite("check: store health findings")
struct CheckTests {
    @Test("case 10 (5): the expired 2014 copy kept in 'old' is an ERROR at 2025-06-01 and check exits 1")
    func expiredCopyIsAnError() throws {
        let folder = "10-duplicate-subject-expired-copy"
        let expired = try fingerprint(ofFile: Paths.cases(folder + "/root-2014-expired.pem"))
        let valid = try fingerprint(ofFile: Paths.cases(folder + "/root-2024.pem"))
        let store = try TestStore()
        let env = try store.run(["env", "add", "old"])
        try #require(env.status == 0, "\(env)")
        // (4) both copies were valid at 2024-06-01.
        try store.addFor(check: [Paths.cases(folder + "/bundle-expired-first.pem")], env: "old",
                         at: "2024-06-01T00:00:00Z")

        let check = try store.run(["check", "--env", "old", "--at", testTime])
        #expect(check.status == 1, "\(check)")
        let findings = findingLines(check.stdout)
        let errors = findings.filter { $0.severity == "ERROR" }
        #expect(errors.count == 1, "exactly the expired copy is an error: \(check)")
        if let error = errors.first {
            #expect(error.rule == "validity", "\(check)")
            #expect(error.fingerprint == String(expired.prefix(16)), "\(check)")
            #expect(error.text.contains("CN=Example Root CA,O=Example Org"), "\(check)")
            #expect(error.text.lowercased().contains("expired"), "\(check)")
            #expect(error.text.contains("2025-01-01"), "\(check)")
        }
        #expect(!findings.contains { $0.severity == "ERROR" && $0.fingerprint == String(valid.prefix(16)) }, "\(check)")
        #expect(check.stderr.contains("error:"), "\(check)")
    }

    @Test("case 11 (3): a 1024-bit RSA root committed with plain git is an ERROR key-strength finding")
    func weakKeyIsAnError() throws {
        let folder = "11-rsa1024-ca-key"
        let root = try fingerprint(ofFile: Paths.cases(folder + "/root-rsa1024.pem"))
        let store = try TestStore()
        try store.commitWithPlainGit(Paths.cases(folder + "/root-rsa1024.pem"), env: "prod")

        let check = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(check.status == 1, "\(check)")
        let errors = findingLines(check.stdout).filter { $0.severity == "ERROR" }
        let weak = errors.first { $0.rule == "key-strength" }
        #expect(weak != nil, "an ERROR key-strength finding is expected: \(check)")
        #expect(weak?.fingerprint == String(root.prefix(16)), "\(check)")
        #expect(weak?.text.contains("CN=Example Legacy Root CA 1024,O=Example Org") == true, "\(check)")
        #expect(weak?.text.contains("RSA") == true && weak?.text.contains("1024") == true, "\(check)")
    }

    @Test("a SHA-1 signed intermediate committed with plain git is an ERROR signature-strength finding")
    func weakSignatureIsAnError() throws {
        let store = try TestStore()
        try store.addFor(check: [try TestPKI.pem("rsa-root")], env: "prod")
        try store.commitWithPlainGit(try TestPKI.pem("sha1-intermediate"), env: "prod")
        let intermediate = try fingerprint(ofFile: try TestPKI.pem("sha1-intermediate"))

        let check = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(check.status == 1, "\(check)")
        let finding = findingLines(check.stdout).first { $0.rule == "signature-strength" }
        #expect(finding?.severity == "ERROR", "\(check)")
        #expect(finding?.fingerprint == String(intermediate.prefix(16)), "\(check)")
        #expect(finding?.text.contains("SHA1") == true || finding?.text.contains("sha1") == true, "\(check)")
    }

    @Test("case 17 (2): the negative serial is a WARNING serial finding, not an error; check exits 0")
    func negativeSerialIsAWarning() throws {
        let folder = "17-negative-serial"
        let negative = try fingerprint(ofFile: Paths.cases(folder + "/root-negative-serial.pem"))
        let store = try TestStore()
        try store.addFor(check: [Paths.cases(folder + "/bundle.pem")], env: "prod")

        let check = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(check.status == 0, "\(check)")
        let findings = findingLines(check.stdout)
        #expect(!findings.contains { $0.severity == "ERROR" }, "\(check)")
        let serial = findings.first { $0.rule == "serial" }
        #expect(serial?.severity == "WARNING", "\(check)")
        #expect(serial?.fingerprint == String(negative.prefix(16)), "\(check)")
        #expect(serial?.text.contains("CN=Example Negative Serial Root CA,O=Example Org") == true, "\(check)")
        #expect(serial?.text.contains("negative") == true, "\(check)")
    }

    @Test("a certificate expiring within --warn-days is a WARNING expiring finding; check exits 0")
    func expiringIsAWarning() throws {
        let store = try TestStore()
        try store.addFor(check: [try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "prod")
        let intermediate = try fingerprint(ofFile: try TestPKI.pem("intermediate"))

        // The intermediate expires 2040-01-01 (5327 days after 2025-06-01), the root 2044-01-01.
        let check = try store.run(["check", "--env", "prod", "--warn-days", "5400", "--at", testTime])
        #expect(check.status == 0, "\(check)")
        let expiring = findingLines(check.stdout).filter { $0.rule == "expiring" }
        #expect(expiring.count == 1, "only the intermediate expires within 5400 days: \(check)")
        #expect(expiring.first?.severity == "WARNING", "\(check)")
        #expect(expiring.first?.fingerprint == String(intermediate.prefix(16)), "\(check)")
        #expect(expiring.first?.text.contains("2040-01-01") == true, "\(check)")

        // With the default window (30 days) nothing expires soon.
        let quiet = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(!findingLines(quiet.stdout).contains { $0.rule == "expiring" }, "\(quiet)")
    }

    @Test("check FILE... (the pre-commit framework's entry) checks files outside any store: a good root passes; a key, an expired root or a non-CA fail")
    func checkFilesOutsideAStore() throws {
        let sandbox = try TemporaryDirectory("check-files")
        let env = Run.baseEnvironment(home: sandbox.path)
        let check = { (args: [String]) in
            try Run.program(Run.truststore, ["check"] + args + ["--at", testTime], cwd: sandbox.path, environment: env)
        }
        let good = try check([try TestPKI.pem("root"), try TestPKI.pem("intermediate")])
        #expect(good.status == 0, "\(good)")
        #expect(good.stdout.contains(try TestPKI.pem("root") + ": 1 certificate, 0 errors"), "\(good)")

        let key = Paths.packageRoot + "/Tests/Fixtures/cases/20-private-key-in-file/root-with-its-key.pem"
        let keyed = try check([try TestPKI.pem("root"), key])
        #expect(keyed.status == 1, "\(keyed)")
        #expect(keyed.stdout.contains("unusable-file"), "\(keyed)")
        #expect(keyed.stdout.contains("private key"), "\(keyed)")
        #expect(!keyed.stdout.contains("BEGIN"), "a key is never printed: \(keyed)")

        let expired = try check([try TestPKI.pem("expired-root")])
        #expect(expired.status == 1, "\(expired)")
        #expect(expired.stdout.contains("validity"), "\(expired)")
        let leaf = try check([try TestPKI.pem("not-a-ca")])
        #expect(leaf.status == 1, "\(leaf)")
        #expect(leaf.stdout.contains("ca-constraints"), "\(leaf)")
        let usage = try check(["--env", "prod", try TestPKI.pem("root")])
        #expect(usage.status == 64, "\(usage)")
        // Inside a store, 'check prod' meant the environment.
        let store = try TestStore()
        let meant = try store.run(["check", "prod", "--at", testTime])
        #expect(meant.status == 64, "\(meant)")
        #expect(meant.stderr.contains("error: 'prod' is an environment, not a file"), "\(meant)")
        #expect(meant.stderr.contains("hint: check it with --env prod"), "\(meant)")
    }

    @Test("a healthy store (a root and its intermediate) exits 0 with no error or warning")
    func healthyStore() throws {
        let store = try TestStore()
        try store.addFor(check: [try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "prod")
        try store.addFor(check: [try TestPKI.pem("other-root")], env: "dev")

        let check = try store.run(["check", "--at", testTime])
        #expect(check.status == 0, "\(check)")
        #expect(!findingLines(check.stdout).contains { $0.severity == "ERROR" || $0.severity == "WARNING" }, "\(check)")
        #expect(!check.stderr.contains("error:"), "\(check)")
        for env in ["dev", "prod", "staging"] {
            #expect(check.stdout.split(separator: "\n").contains { $0.hasPrefix("\(env):") },
                    "every environment is reported when --env is not given: \(check)")
        }
    }

    @Test("an intermediate whose root was removed with --force is an ERROR chain finding naming the missing issuer")
    func unchainedIntermediateIsAnError() throws {
        let store = try TestStore()
        try store.addFor(check: [try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "prod")
        let intermediate = try fingerprint(ofFile: try TestPKI.pem("intermediate"))
        let remove = try store.run(["remove", try TestPKI.pem("root"), "--env", "prod", "--reason", "retired",
                                    "--force", "--at", testTime])
        try #require(remove.status == 0, "\(remove)")

        let check = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(check.status == 1, "\(check)")
        let chain = findingLines(check.stdout).first { $0.rule == "chain" }
        #expect(chain?.severity == "ERROR", "\(check)")
        #expect(chain?.fingerprint == String(intermediate.prefix(16)), "\(check)")
        #expect(chain?.text.contains("CN=Test Root CA,O=truststore tests") == true,
                "the missing issuer must be named: \(check)")
    }

    @Test("--format json parses and gives each finding's environment, rule, severity, sha256, subject and message")
    func jsonOutput() throws {
        let folder = "10-duplicate-subject-expired-copy"
        let expired = try fingerprint(ofFile: Paths.cases(folder + "/root-2014-expired.pem"))
        let store = try TestStore()
        let env = try store.run(["env", "add", "old"])
        try #require(env.status == 0, "\(env)")
        try store.addFor(check: [Paths.cases(folder + "/bundle-expired-first.pem")], env: "old",
                         at: "2024-06-01T00:00:00Z")

        let check = try store.run(["check", "--env", "old", "--at", testTime, "--format", "json"])
        #expect(check.status == 1, "\(check)")
        let json = try jsonObject(check.stdout)
        #expect(json["at"] as? String == testTime, "\(json)")
        let findings = try #require(json["findings"] as? [[String: Any]], "\(json)")
        for finding in findings {
            for key in ["environment", "rule", "severity", "sha256", "subject", "message"] {
                #expect(finding[key] is String, "finding without \(key): \(finding)")
            }
        }
        let error = findings.first { $0["severity"] as? String == "error" }
        #expect(error?["rule"] as? String == "validity", "\(json)")
        #expect(error?["sha256"] as? String == expired, "\(json)")
        #expect(error?["environment"] as? String == "old", "\(json)")
        #expect(error?["subject"] as? String == "CN=Example Root CA,O=Example Org", "\(json)")
        // JSON always carries the informational findings: the two copies share a subject.
        #expect(findings.filter { $0["rule"] as? String == "related-certificate" }.count == 2, "\(json)")
        #expect(findings.allSatisfy { ["error", "warning", "info"].contains($0["severity"] as? String ?? "") },
                "\(json)")
    }
}

// MARK: - Helpers

/// One finding line of `truststore check` (text): `  SEVERITY rule  <fp16>  <subject>: <message>`.
private struct FindingLine {
    var severity: String
    var rule: String
    var fingerprint: String
    var text: String
}

private func findingLines(_ output: String) -> [FindingLine] {
    output.split(separator: "\n").compactMap { line -> FindingLine? in
        let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
        guard words.count == 4, ["ERROR", "WARNING", "INFO"].contains(String(words[0])) else { return nil }
        return FindingLine(severity: String(words[0]), rule: String(words[1]), fingerprint: String(words[2]),
                           text: words[3].trimmingCharacters(in: .whitespaces))
    }
}

extension TestStore {
    /// `truststore add FILES --env ENV --at AT`, a setup step that must succeed.
    fileprivate func addFor(check files: [String], env: String, at time: String = testTime,
                            sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let result = try run(["add"] + files + ["--env", env, "--at", time])
        try #require(result.status == 0, "add failed: \(result)", sourceLocation: sourceLocation)
    }
}
