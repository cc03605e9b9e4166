import Foundation
import Testing
import TestSupport

/// The fault cases of `Tests/Fixtures/cases/` (see its README.md) as tests of `add`, `export` and the store state.
/// Every `add` and `export` runs with `--at` (2025-06-01T00:00:00Z unless the case says otherwise). Steps that need
/// `truststore verify` or `truststore check` are not implemented yet and are named in a comment where they belong.
@Suite("fault cases from real reports (Tests/Fixtures/cases)")
struct CaseTests {
    // MARK: 02 — CRLF line endings

    @Test("case 02: CRLF and mixed-EOL PEM files are accepted, the duplicate is kept once and the export has no CR")
    func crlfLineEndings() throws {
        let fixture = try CaseFixture("02-crlf-line-endings")
        let store = try TestStore()
        let rootA = try fixture.fingerprint("root-a")
        let rootB = try fixture.fingerprint("root-b")

        // (1) accept: 1 certificate, root-a.
        var before = try store.commitCount()
        let add1 = try store.add([fixture.path("root-crlf.pem")], env: "prod")
        #expect(add1.status == 0, "\(add1)")
        #expect(add1.stdout.contains("prod: added 1 certificate"), "\(add1)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [rootA])

        // (2) accept: Second Root CA imported, Example Root CA recognised as already present, no second copy.
        before = try store.commitCount()
        let add2 = try store.add([fixture.path("bundle-mixed-eol.pem")], env: "prod")
        #expect(add2.status == 0, "\(add2)")
        #expect(add2.stdout.contains("prod: added 1 certificate, 1 already present"), "\(add2)")
        #expect(add2.stdout.contains("CN=Example Second Root CA,O=Example Org"), "\(add2)")
        #expect(add2.stderr.contains("already in 'prod'"), "\(add2)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.certificateFiles("prod").count == 2)
        #expect(try store.storedFingerprints("prod") == [rootA, rootB])

        // (3) exactly 2 certificates, no CR, fingerprints as in certs.txt.
        let export = try store.run(["export", "prod", "--at", testTime])
        try expectCleanBundle(export, equals: [rootA, rootB])
    }

    // MARK: 03 — byte-order marks

    @Test("case 03: a UTF-8 BOM is stripped with a warning, a mid-bundle BOM loses no certificate, UTF-16 is rejected naming the encoding, the export is BOM-free")
    func byteOrderMarks() throws {
        let fixture = try CaseFixture("03-utf8-bom")
        let store = try TestStore()
        let rootA = try fixture.fingerprint("root-a")
        let rootB = try fixture.fingerprint("root-b")

        // (1) accept with a warning mentioning the stripped byte-order mark.
        var before = try store.commitCount()
        let add1 = try store.add([fixture.path("root-utf8-bom.pem")], env: "prod")
        #expect(add1.status == 0, "\(add1)")
        #expect(add1.stdout.contains("prod: added 1 certificate"), "\(add1)")
        #expect(warnings(add1).contains { $0.contains("byte-order mark") && $0.contains("BOM") }, "\(add1)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [rootA])

        // (2) accept: both certificates accounted for (Second Root CA new, Example Root CA already present).
        before = try store.commitCount()
        let add2 = try store.add([fixture.path("bundle-bom-in-middle.pem")], env: "prod")
        #expect(add2.status == 0, "\(add2)")
        #expect(add2.stdout.contains("prod: added 1 certificate, 1 already present"), "\(add2)")
        #expect(add2.stdout.contains("CN=Example Second Root CA,O=Example Org"), "\(add2)")
        #expect(add2.stderr.contains("CN=Example Root CA,O=Example Org") && add2.stderr.contains("already in 'prod'"),
                "\(add2)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [rootA, rootB])

        // (3) reject: names the encoding (UTF-16), asks for ASCII/UTF-8 PEM, no success with 0 certificates.
        let snapshot = try store.snapshot()
        let add3 = try store.add([fixture.path("root-utf16le.pem")], env: "prod")
        #expect(add3.status != 0, "\(add3)")
        expectPhrases(add3.stderr, ["UTF-16", "UTF-8", "PEM", "nothing was added to 'prod'"])
        #expect(!add3.stdout.contains("added"), "\(add3)")
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (4) 2 certificates, no EF BB BF / FF FE bytes.
        let export = try store.run(["export", "prod", "--at", testTime])
        try expectCleanBundle(export, equals: [rootA, rootB])
    }

    // MARK: 05 — DER named .crt

    @Test("case 05: a DER file named .crt is detected by content and exported as PEM with the same SHA-256; truncated DER is rejected")
    func derNamedCrt() throws {
        let fixture = try CaseFixture("05-der-named-crt")
        let store = try TestStore()
        let root = try fixture.fingerprint("root")
        #expect(try fingerprint(ofFile: fixture.path("Example_Root_CA.crt"), inform: "DER") == root)

        // (1) accept: DER detected from the content; provenance records the encoding (DER) and the file name.
        let before = try store.commitCount()
        let add1 = try store.add([fixture.path("Example_Root_CA.crt")], env: "prod")
        #expect(add1.status == 0, "\(add1)")
        #expect(add1.stdout.contains("prod: added 1 certificate"), "\(add1)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [root])
        let trailers = try store.trailers()
        #expect(trailers.contains { $0.contains("Example_Root_CA.crt") && $0.contains("DER") },
                "provenance must record the DER encoding and the file name: \(trailers)")

        // (2) reject: not a valid certificate (truncated / DER parse error); nothing stored.
        let snapshot = try store.snapshot()
        let add2 = try store.add([fixture.path("root-truncated.der")], env: "prod")
        #expect(add2.status != 0, "\(add2)")
        expectPhrases(add2.stderr, ["root-truncated.der", "not a valid certificate", "nothing was added to 'prod'"])
        #expect(add2.stderr.contains("truncated") || add2.stderr.contains("DER parse error"), "\(add2)")
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (3) one CERTIFICATE block with the SHA-256 of the DER input; no binary bytes.
        let export = try store.run(["export", "prod", "--at", testTime])
        try expectCleanBundle(export, equals: [root])
        #expect(export.stdoutBytes.allSatisfy { $0 == 0x0A || (0x20...0x7E).contains($0) },
                "the exported bundle must be ASCII text")

        // (4) verify --env prod leaf.pem --host service.test: `truststore verify` is not implemented yet.
    }

    // MARK: 06 — TRUSTED CERTIFICATE

    @Test("case 06: a TRUSTED CERTIFICATE is accepted with its aux trust kept as metadata and exported as a plain CERTIFICATE block")
    func trustedCertificateHeader() throws {
        let fixture = try CaseFixture("06-trusted-certificate-header")
        let store = try TestStore()
        let root = try fixture.fingerprint("root")

        // (1) accept: 1 certificate; the auxiliary trust (serverAuth) and the alias are kept as metadata.
        let before = try store.commitCount()
        let add = try store.add([fixture.path("root-trusted.pem")], env: "prod")
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 1 certificate"), "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [root])
        let files = try store.certificateFiles("prod")
        #expect(files.count == 1)
        if let file = files.first {
            let stored = try store.git(["show", "HEAD:\(file)"]).stdout
            let message = try store.git(["log", "-1", "--format=%B"]).stdout
            let metadata = stored + message
            #expect(metadata.contains("serverAuth"), "the aux trust (serverAuth) must be kept: \(stored)\(message)")
            #expect(metadata.split(separator: "\n").contains { $0.contains("alias") && $0.contains("Example Root CA") },
                    "the alias must be kept: \(stored)\(message)")
        }

        // (2) only plain CERTIFICATE blocks; the one block is the certificate DER without the aux trailer.
        let export = try store.run(["export", "prod", "--at", testTime])
        try expectCleanBundle(export, equals: [root])

        // (3) verify --env prod leaf.pem --untrusted intermediate.pem: `truststore verify` is not implemented yet.
    }

    // MARK: 10 — same subject, expired copy first

    @Test("case 10 (1, 2): a bundle with an expired same-subject copy is rejected atomically naming it; the valid copy alone is accepted")
    func duplicateSubjectExpiredCopyInProd() throws {
        let fixture = try CaseFixture("10-duplicate-subject-expired-copy")
        let store = try TestStore()
        let root2024 = try fixture.fingerprint("root-2024")

        // (1) reject: names the expired Example Root CA (notAfter 2025-01-01) and notes the valid copy with the
        // same subject and key in the same input; nothing stored.
        let snapshot = try store.snapshot()
        let add1 = try store.add([fixture.path("bundle-expired-first.pem")], env: "prod")
        #expect(add1.status != 0, "\(add1)")
        expectPhrases(add1.stderr, [
            "CN=Example Root CA,O=Example Org", "expired", "2025-01-01", "subject and key", "input",
            "nothing was added to 'prod'",
        ])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")
        #expect(try store.certificateFiles("prod").isEmpty)

        // (2) accept.
        let before = try store.commitCount()
        let add2 = try store.add([fixture.path("root-2024.pem")], env: "prod")
        #expect(add2.status == 0, "\(add2)")
        #expect(add2.stdout.contains("prod: added 1 certificate"), "\(add2)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [root2024])

        // (3) verify --env prod leaf.pem --host service.test: `truststore verify` is not implemented yet.
    }

    @Test("case 10 (4, 6): added at 2024-06-01 both copies are kept with a shared-subject warning; the export at 2025-06-01 holds only the valid copy")
    func duplicateSubjectExpiredCopyInOld() throws {
        let fixture = try CaseFixture("10-duplicate-subject-expired-copy")
        let store = try TestStore()
        let root2014 = try fixture.fingerprint("root-2014-expired")
        let root2024 = try fixture.fingerprint("root-2024")
        try store.declare("old")

        // (4) accept with a warning: both valid at 2024-06-01; "2 certificates share subject CN=Example Root CA,...".
        let before = try store.commitCount()
        let add = try store.add([fixture.path("bundle-expired-first.pem")], env: "old", at: "2024-06-01T00:00:00Z")
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("old: added 2 certificates"), "\(add)")
        #expect(warnings(add).contains { $0.contains("share") && $0.contains("subject")
                    && $0.contains("CN=Example Root CA,O=Example Org") }, "\(add)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("old") == [root2014, root2024])

        // (5) check --env old --at 2025-06-01: `truststore check` is not implemented yet.

        // (6) export at 2025-06-01: only the 2024 copy; the expired one left out with a warning.
        let export = try store.run(["export", "old", "--at", testTime])
        try expectCleanBundle(export, equals: [root2024])
        #expect(warnings(export).contains { $0.contains("left out") && $0.contains(String(root2014.prefix(16))) },
                "\(export)")
    }

    // MARK: 11 — RSA 1024 CA key

    @Test("case 11: a root with a 1024-bit RSA key is rejected giving the key size and the security-level-2 floor")
    func rsa1024CAKey() throws {
        let fixture = try CaseFixture("11-rsa1024-ca-key")
        let store = try TestStore()

        // (1) reject with the key size and the floor; nothing stored.
        let snapshot = try store.snapshot()
        let add = try store.add([fixture.path("root-rsa1024.pem")], env: "prod")
        #expect(add.status != 0, "\(add)")
        expectPhrases(add.stderr, [
            "Example Legacy Root CA 1024",
            "RSA key of 1024 bits is below the 2048-bit minimum (OpenSSL security level 2: CA certificate key too weak)",
            "nothing was added to 'prod'",
        ])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")
        #expect(try store.certificateFiles("prod").isEmpty)

        // (2) verify --env prod leaf.pem --host service.test: `truststore verify` is not implemented yet.
        // (3) check --env prod: `truststore check` is not implemented yet.
    }

    // MARK: 13 — pathlen:0 root

    @Test("case 13: a pathlen:0 root is accepted; an intermediate below it is rejected as never usable")
    func pathlenZeroRoot() throws {
        let fixture = try CaseFixture("13-pathlen-zero-root")
        let store = try TestStore()
        let root = try fixture.fingerprint("root-pathlen0")

        // (1) accept.
        let before = try store.commitCount()
        let add1 = try store.add([fixture.path("root-pathlen0.pem")], env: "prod")
        #expect(add1.status == 0, "\(add1)")
        #expect(add1.stdout.contains("prod: added 1 certificate"), "\(add1)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [root])

        // (2) reject: "Test Intermediate CA can never be used: its issuer Example Root CA has pathLenConstraint 0".
        let snapshot = try store.snapshot()
        let add2 = try store.add([fixture.path("intermediate.pem")], env: "prod")
        #expect(add2.status != 0, "\(add2)")
        expectPhrases(add2.stderr, [
            "Test Intermediate CA", "can never be used", "its issuer", "Example Root CA", "pathLenConstraint 0",
            "nothing was added to 'prod'",
        ])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")
        #expect(try store.storedFingerprints("prod") == [root])

        // (3) verify --env prod leaf.pem --untrusted intermediate.pem: `truststore verify` is not implemented yet.
    }

    // MARK: 14 — roots without basicConstraints

    @Test("case 14: an X.509 v1 root is accepted with a strict-mode warning; a v3 root without basicConstraints is rejected as not a CA")
    func rootWithoutBasicConstraints() throws {
        let fixture = try CaseFixture("14-root-without-basicconstraints")
        let store = try TestStore()
        let v1Root = try fixture.fingerprint("root-x509v1")
        try store.declare("legacy")

        // (1) accept with warning: "X.509 v1 certificate (no extensions): accepted by OpenSSL only in non-strict
        // mode; rejected by Python ≥3.13 (VERIFY_X509_STRICT) and `openssl verify -x509_strict`".
        let before = try store.commitCount()
        let add1 = try store.add([fixture.path("root-x509v1.pem")], env: "legacy")
        #expect(add1.status == 0, "\(add1)")
        #expect(add1.stdout.contains("legacy: added 1 certificate"), "\(add1)")
        let warning = warnings(add1).first { $0.contains("X.509 v1") }
        #expect(warning != nil, "\(add1)")
        expectPhrases(warning ?? "", [
            "Example Legacy v1 Root CA", "X.509 v1 certificate (no extensions)",
            "accepted by OpenSSL only in non-strict mode", "Python", "3.13", "VERIFY_X509_STRICT",
            "openssl verify -x509_strict",
        ])
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("legacy") == [v1Root])

        // (2) verify --env legacy leaf-under-v1-root.pem --host service.test: `truststore verify` is not implemented yet.

        // (3) reject: "not a CA certificate: v3 certificate without basicConstraints CA:TRUE (OpenSSL: invalid CA
        // certificate)"; nothing stored.
        let snapshot = try store.snapshot()
        let add3 = try store.add([fixture.path("root-v3-no-basicconstraints.pem")], env: "prod")
        #expect(add3.status != 0, "\(add3)")
        expectPhrases(add3.stderr, [
            "Example Root CA Without BasicConstraints",
            "not a CA certificate: v3 certificate without basicConstraints CA:TRUE (OpenSSL: invalid CA certificate)",
            "nothing was added to 'prod'",
        ])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")
        #expect(try store.certificateFiles("prod").isEmpty)
    }

    // MARK: 17 — negative serial

    @Test("case 17: a bundle with a negative-serial root is accepted with a warning, the other root is not lost, the export is byte-identical")
    func negativeSerial() throws {
        let fixture = try CaseFixture("17-negative-serial")
        let store = try TestStore()
        let negative = try fixture.fingerprint("root-negative-serial")
        let normal = try fixture.fingerprint("root-normal")

        // (1) accept with a warning naming the root and saying the serial is negative (RFC 5280; Go >= 1.23).
        let before = try store.commitCount()
        let add = try store.add([fixture.path("bundle.pem")], env: "prod")
        #expect(add.status == 0, "\(add)")
        #expect(add.stdout.contains("prod: added 2 certificates"), "\(add)")
        let warning = warnings(add).first { $0.contains("negative") }
        #expect(warning != nil, "\(add)")
        expectPhrases(warning ?? "", ["Example Negative Serial Root CA", "negative", "RFC 5280", "Go", "1.23"])
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [negative, normal])

        // (2) check --env prod: `truststore check` is not implemented yet.
        // (3) verify --env prod leaf.pem --host service.test: `truststore verify` is not implemented yet.

        // (4) both certificates, DER byte-identical to the inputs (same SHA-256 as certs.txt).
        let export = try store.run(["export", "prod", "--at", testTime])
        try expectCleanBundle(export, equals: [negative, normal])
        #expect(try fingerprint(ofFile: fixture.path("root-negative-serial.pem")) == negative)
        #expect(try fingerprint(ofFile: fixture.path("root-normal.pem")) == normal)
    }

    // MARK: 19 — empty or certificate-less file

    @Test("case 19: empty, whitespace-only and HTML files are rejected with 'no certificate found'; an empty environment is never exported")
    func emptyOrCertlessFile() throws {
        let fixture = try CaseFixture("19-empty-or-certless-file")
        let store = try TestStore()
        let snapshot = try store.snapshot()

        // (1) reject: "no certificate found in empty.pem (file is empty, 0 bytes)".
        let add1 = try store.add([fixture.path("empty.pem")], env: "prod")
        #expect(add1.status != 0, "\(add1)")
        expectPhrases(add1.stderr, ["no certificate found", "empty.pem", "empty", "0 bytes", "nothing was added to 'prod'"])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (2) reject: "no certificate found".
        let add2 = try store.add([fixture.path("whitespace-only.pem")], env: "prod")
        #expect(add2.status != 0, "\(add2)")
        expectPhrases(add2.stderr, ["no certificate found", "whitespace-only.pem", "nothing was added to 'prod'"])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (3) reject: "no certificate found" (naming the content as HTML is a bonus, not asserted).
        let add3 = try store.add([fixture.path("html-instead-of-cert.pem")], env: "prod")
        #expect(add3.status != 0, "\(add3)")
        expectPhrases(add3.stderr, ["no certificate found", "html-instead-of-cert.pem", "nothing was added to 'prod'"])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (4) export of the empty environment: exit != 0 and nothing on stdout, never an empty bundle.
        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(export.status != 0, "\(export)")
        #expect(export.stdoutBytes.isEmpty, "an empty environment must not produce a bundle: \(export)")
        #expect(export.stderr.contains("error:"), "\(export)")
        #expect(try store.snapshot() == snapshot)
    }

    // MARK: 20 — private key in the file

    @Test("case 20: inputs holding a PRIVATE KEY block are rejected with nothing imported and the key never reaches the repository")
    func privateKeyInFile() throws {
        let fixture = try CaseFixture("20-private-key-in-file")
        let store = try TestStore()
        let root = try fixture.fingerprint("root")
        let snapshot = try store.snapshot()

        // (1) reject: the input contains a private key (block 1, `PRIVATE KEY`), private keys are never imported;
        // no certificate from the file imported, nothing written to the repository.
        let add1 = try store.add([fixture.path("haproxy-style-combined.pem")], env: "prod")
        #expect(add1.status != 0, "\(add1)")
        expectPhrases(add1.stderr, [
            "haproxy-style-combined.pem", "contains a private key", "PRIVATE KEY", "never imported",
            "nothing was added to 'prod'",
        ])
        #expect(add1.stderr.contains("block 1"), "the message must name the block holding the key (block 1): \(add1)")
        #expect(!add1.stdout.contains("added"), "\(add1)")
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (2) reject: the same (the root's own key is block 2 of that file).
        let add2 = try store.add([fixture.path("root-with-its-key.pem")], env: "prod")
        #expect(add2.status != 0, "\(add2)")
        expectPhrases(add2.stderr, [
            "root-with-its-key.pem", "contains a private key", "PRIVATE KEY", "never imported",
            "nothing was added to 'prod'",
        ])
        #expect(add2.stderr.contains("block 2"), "the message must name the block holding the key (block 2): \(add2)")
        #expect(!add2.stdout.contains("added"), "\(add2)")
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")

        // (3) accept.
        let before = try store.commitCount()
        let add3 = try store.add([fixture.path("root.pem")], env: "prod")
        #expect(add3.status == 0, "\(add3)")
        #expect(add3.stdout.contains("prod: added 1 certificate"), "\(add3)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [root])

        // No private key anywhere in the repository's history.
        let history = try store.git(["log", "-p", "--all"])
        #expect(history.status == 0, "\(history)")
        #expect(!history.stdout.contains("PRIVATE KEY"), "a private key reached the repository")

        // (4) pre-commit hook rejecting staged private keys: out of scope here.
    }

    // MARK: 24 — PKCS#7 bundle

    @Test("case 24: DER and PEM PKCS#7 chains are accepted once (root as anchor, intermediate as intermediate); a p7b with a leaf is rejected atomically")
    func pkcs7Bundle() throws {
        let fixture = try CaseFixture("24-pkcs7-bundle")
        let store = try TestStore()
        let root = try fixture.fingerprint("root")
        let intermediate = try fixture.fingerprint("intermediate")

        // (1) accept: 2 certificates, Example Root CA as the anchor, Test Intermediate CA as an intermediate.
        let before = try store.commitCount()
        let add1 = try store.add([fixture.path("chain.p7b")], env: "prod")
        #expect(add1.status == 0, "\(add1)")
        #expect(add1.stdout.contains("prod: added 2 certificates"), "\(add1)")
        let lines = add1.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("added root ") && $0.contains("CN=Example Root CA,O=Example Org") },
                "\(add1)")
        #expect(lines.contains { $0.hasPrefix("added intermediate ") && $0.contains("CN=Test Intermediate CA,O=Example Org") },
                "\(add1)")
        try store.expectSound()
        #expect(try store.commitCount() == before + 1)
        #expect(try store.storedFingerprints("prod") == [root, intermediate])
        let trailers = try store.trailers()
        #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(root) root ") }, "\(trailers)")
        #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(intermediate) intermediate ") }, "\(trailers)")

        // (2) accept: the same 2 certificates recognised as already present; no duplicates, no commit.
        let snapshot = try store.snapshot()
        let add2 = try store.add([fixture.path("chain-pem.p7b")], env: "prod")
        #expect(add2.status == 0, "\(add2)")
        #expect(add2.stdout.contains("nothing to add"), "\(add2)")
        #expect(add2.stderr.components(separatedBy: "already in 'prod'").count - 1 == 2, "\(add2)")
        try store.expectSound()
        #expect(try store.snapshot() == snapshot, "an all-duplicates add must not change the store")
        #expect(try store.certificateFiles("prod").count == 2)

        // (3) reject: names the end-entity certificate CN=service.test (CA:FALSE); nothing stored in staging.
        let add3 = try store.add([fixture.path("chain-with-leaf.p7b")], env: "staging")
        #expect(add3.status != 0, "\(add3)")
        expectPhrases(add3.stderr, ["CN=service.test", "CA:FALSE", "nothing was added to 'staging'"])
        #expect(try store.snapshot() == snapshot, "a rejected add must leave the store unchanged")
        #expect(try store.certificateFiles("staging").isEmpty)

        // (4) verify --env prod leaf.pem --host service.test: `truststore verify` is not implemented yet.
    }
}

// MARK: - Helpers

/// One folder of `Tests/Fixtures/cases/` and the fingerprints of its `certs.txt`.
private struct CaseFixture {
    let folder: String
    /// role → SHA-256 (lowercase hex, no colons), from `certs.txt`.
    let fingerprints: [String: String]

    init(_ folder: String) throws {
        self.folder = folder
        fingerprints = try caseFingerprints(folder)
    }

    func path(_ file: String) -> String { Paths.cases(folder + "/" + file) }

    func fingerprint(_ role: String) throws -> String {
        guard let fp = fingerprints[role] else { throw TestFailure("no role '\(role)' in \(folder)/certs.txt") }
        return fp
    }
}

extension TestStore {
    /// `truststore add FILES --env ENV --at AT`.
    fileprivate func add(_ files: [String], env: String, at time: String = testTime) throws -> RunResult {
        try run(["add"] + files + ["--env", env, "--at", time])
    }

    /// Declares environment `name` with `truststore env add` (one commit) and checks it is listed.
    fileprivate func declare(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try commitCount()
        let result = try run(["env", "add", name])
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(try commitCount() == before + 1, sourceLocation: sourceLocation)
        let list = try run(["env", "list"])
        try #require(list.stdout.split(separator: "\n").contains { $0.hasPrefix(name + " ") },
                     "environment '\(name)' not declared: \(list)", sourceLocation: sourceLocation)
    }

    /// The SHA-256 fingerprints of the certificate files committed under `stores/<env>/`.
    fileprivate func storedFingerprints(_ env: String) throws -> Set<String> {
        Set(try certificateFiles(env).map { try fingerprint(ofFile: root + "/" + $0) })
    }
}

/// The `warning:` lines of a run's stderr.
private func warnings(_ result: RunResult) -> [String] {
    result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning:") }
}

/// Expects `text` to contain every phrase.
private func expectPhrases(_ text: String, _ phrases: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    for phrase in phrases {
        #expect(text.contains(phrase), "missing \"\(phrase)\" in:\n\(text)", sourceLocation: sourceLocation)
    }
}

/// An export that succeeded and is a clean PEM bundle of exactly `expected`: no CR, no BOM bytes, only plain
/// CERTIFICATE blocks (no TRUSTED CERTIFICATE), each fingerprint once.
private func expectCleanBundle(_ export: RunResult, equals expected: Set<String>,
                               sourceLocation: SourceLocation = #_sourceLocation) throws
{
    #expect(export.status == 0, "\(export)", sourceLocation: sourceLocation)
    let bytes = export.stdoutBytes
    #expect(!bytes.contains(0x0D), "export contains a CR byte", sourceLocation: sourceLocation)
    #expect(bytes.range(of: Data([0xEF, 0xBB, 0xBF])) == nil, "export contains a UTF-8 BOM", sourceLocation: sourceLocation)
    #expect(bytes.range(of: Data([0xFF, 0xFE])) == nil, "export contains FF FE", sourceLocation: sourceLocation)
    #expect(!export.stdout.contains("TRUSTED"), "export contains TRUSTED blocks", sourceLocation: sourceLocation)
    let armour = export.stdout.split(separator: "\n").filter { $0.hasPrefix("-----") }
    #expect(armour.allSatisfy { $0 == "-----BEGIN CERTIFICATE-----" || $0 == "-----END CERTIFICATE-----" },
            "export holds blocks other than CERTIFICATE: \(armour)", sourceLocation: sourceLocation)
    let fps = try fingerprints(ofBundle: export.stdout)
    #expect(fps.count == expected.count, "export holds \(fps.count) certificates, expected \(expected.count)",
            sourceLocation: sourceLocation)
    #expect(Set(fps) == expected, "\(export)", sourceLocation: sourceLocation)
}
