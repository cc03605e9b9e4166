import Foundation
import Testing
import TestSupport

/// Inputs and situations that must never widen trust or leave the store half-changed.
@Suite("safety: distrust, unusable CAs, locked indexes, untracked files, unreadable store files")
struct SafetyTests {
    /// Runs `openssl ARGS` in `dir`, requiring success.
    private func openssl(_ arguments: [String], in dir: String) throws {
        let r = try Run.program(Run.which("openssl") ?? "/usr/bin/openssl", arguments, cwd: dir,
                                environment: ProcessInfo.processInfo.environment)
        try #require(r.status == 0, "openssl \(arguments.joined(separator: " ")) failed: \(r)")
    }

    @Test("a TRUSTED CERTIFICATE that rejects a purpose is refused: a PEM bundle would trust it for that purpose")
    func rejectedAuxiliaryTrust() throws {
        let store = try TestStore()
        let temp = try TemporaryDirectory()
        try openssl(["x509", "-in", try TestPKI.pem("root"), "-addreject", "serverAuth", "-trustout",
                     "-out", temp.file("rejected.pem")], in: temp.path)
        let snapshot = try store.snapshot()
        let add = try store.run(["add", temp.file("rejected.pem"), "--env", "prod", "--at", testTime])
        #expect(add.status == 1, "\(add)")
        #expect(add.stderr.contains("rejected for serverAuth"), "\(add)")
        #expect(add.stderr.contains("cannot carry that distrust"), "\(add)")
        #expect(try store.snapshot() == snapshot)
    }

    @Test("a CA certificate whose keyUsage does not allow keyCertSign is refused")
    func keyUsageWithoutCertSign() throws {
        let store = try TestStore()
        let temp = try TemporaryDirectory()
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", temp.file("k.pem"), "-subj", "/CN=Signing Disabled Root CA", "-days", "3650",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature",
                     "-out", temp.file("no-certsign.pem")], in: temp.path)
        let add = try store.run(["add", temp.file("no-certsign.pem"), "--env", "prod"])
        #expect(add.status == 1, "\(add)")
        #expect(add.stderr.contains("keyUsage does not allow keyCertSign"), "\(add)")
        #expect(try store.certificateFiles("prod").isEmpty)
    }

    @Test("with another git process holding .git/index.lock, add refuses before committing and HEAD does not move")
    func lockedIndex() throws {
        let store = try TestStore()
        let head = try store.head()
        try Data().write(to: URL(fileURLWithPath: store.root + "/.git/index.lock"))
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 2, "\(add)")
        #expect(add.stderr.contains("index is locked"), "\(add)")
        #expect(try store.head() == head, "a refused add must not commit")
        try FileManager.default.removeItem(atPath: store.root + "/.git/index.lock")
        try store.expectSound()
        #expect(try store.certificateFiles("prod").isEmpty)
    }

    @Test("an untracked file at the path add would write is not overwritten")
    func untrackedFileAtTargetPath() throws {
        let store = try TestStore()
        let first = try TestStore()
        try first.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        let path = try #require(try first.certificateFiles("prod").first)
        try "my own notes\n".write(toFile: store.root + "/" + path, atomically: true, encoding: .utf8)
        let head = try store.head()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 1, "\(add)")
        #expect(add.stderr.contains("would be overwritten"), "\(add)")
        #expect(try String(contentsOfFile: store.root + "/" + path, encoding: .utf8) == "my own notes\n")
        #expect(try store.head() == head)
    }

    @Test("check reports a private key committed with plain git as an error finding, in text and JSON")
    func checkReportsUnusableFile() throws {
        let store = try TestStore()
        try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        let temp = try TemporaryDirectory()
        let combined = temp.file("leaked.pem")
        try (String(contentsOfFile: try TestPKI.pem("intermediate"), encoding: .utf8)
            + String(contentsOfFile: try TestPKI.key("intermediate"), encoding: .utf8))
            .write(toFile: combined, atomically: true, encoding: .utf8)
        try store.commitWithPlainGit(combined, env: "prod")
        let text = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(text.status == 1, "\(text)")
        #expect(text.stdout.contains("unusable-file") && text.stdout.contains("private key"), "\(text)")
        let json = try store.run(["check", "--env", "prod", "--at", testTime, "--format", "json"])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let findings = object?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "unusable-file" && $0["severity"] as? String == "error" })
    }

    @Test("export warns about an intermediate whose issuer is not in the bundle")
    func exportWarnsAboutUnchainedIntermediate() throws {
        let store = try TestStore()
        try store.run(["add", try TestPKI.pem("root"), try TestPKI.pem("intermediate"), "--env", "prod", "--at", testTime])
        let rootFP = try fingerprint(ofFile: try TestPKI.pem("root"))
        let remove = try store.run(["remove", rootFP, "--env", "prod", "--reason", "test", "--force", "--at", testTime])
        #expect(remove.status == 0, "\(remove)")
        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(export.status == 0, "\(export)")
        #expect(export.stderr.contains("is an intermediate whose issuer 'CN=Test Root CA,O=truststore tests' is not in this bundle"),
                "\(export)")
    }

    @Test("a validation time far from now is announced, and recorded in the commit")
    func backdatedValidationIsAnnounced() throws {
        let store = try TestStore()
        let add = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        #expect(add.stderr.contains("warning: validating at 2025-06-01T00:00:00Z, not now"), "\(add)")
        #expect(try store.trailers().contains("Truststore-Validated-At: 2025-06-01T00:00:00Z"))
    }

    @Test("a DER private key is refused as a private key, with the hint to remove it, and nothing is stored")
    func derPrivateKey() throws {
        let store = try TestStore()
        let temp = try TemporaryDirectory()
        try openssl(["pkey", "-in", try TestPKI.key("root"), "-outform", "DER", "-out", temp.file("key.der")],
                    in: temp.path)
        let snapshot = try store.snapshot()
        let add = try store.run(["add", temp.file("key.der"), try TestPKI.pem("root"), "--env", "prod",
                                 "--skip-invalid", "--at", testTime])
        #expect(add.status == 1, "\(add)")
        #expect(add.stderr.contains("contains a private key"), "\(add)")
        #expect(add.stderr.contains("hint: remove the private key"), "\(add)")
        #expect(try store.snapshot() == snapshot)
    }

    @Test("include_system = true for an environment makes a plain export append the machine's default bundle")
    func includeSystemFromConfiguration() throws {
        let system = "/etc/ssl/certs/ca-certificates.crt"
        try #require(FileManager.default.fileExists(atPath: system), "the ca-certificates package is needed")
        let store = try TestStore()
        try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--at", testTime])
        let plain = try store.run(["export", "prod", "--at", testTime])
        #expect(try fingerprints(ofBundle: plain.stdout).count == 1, "\(plain.stderr)")
        let config = store.root + "/truststore.toml"
        let text = try String(contentsOfFile: config, encoding: .utf8)
        try text.replacingOccurrences(of: "[environments.prod]\n", with: "[environments.prod]\ninclude_system = true\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try store.git(["-c", "user.name=x", "-c", "user.email=y", "commit", "-qam", "prod includes system"]).status == 0)
        let merged = try store.run(["export", "prod", "--at", testTime])
        #expect(merged.status == 0, "\(merged)")
        #expect(try fingerprints(ofBundle: merged.stdout).count > 1, "\(merged.stderr)")
        #expect(merged.stderr.contains("appended"), "\(merged.stderr)")
    }

    @Test("removing an environment that still holds certificates needs --reason as well as --force")
    func environmentRemovalNeedsReason() throws {
        let store = try TestStore()
        try store.run(["add", try TestPKI.pem("root"), "--env", "staging", "--at", testTime])
        let snapshot = try store.snapshot()
        let noReason = try store.run(["env", "remove", "staging", "--force"])
        #expect(noReason.status == 64, "\(noReason)")
        #expect(noReason.stderr.contains("--reason is required"), "\(noReason)")
        #expect(try store.snapshot() == snapshot)
        let withReason = try store.run(["env", "remove", "staging", "--force", "--reason", "staging retired"])
        #expect(withReason.status == 0, "\(withReason)")
        try store.expectSound()
    }

    @Test("check --warn-days rejects a negative number as a usage error")
    func negativeWarnDays() throws {
        let store = try TestStore()
        let result = try store.run(["check", "--warn-days", "-5"])
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("must not be negative"), "\(result)")
    }
}
