import Foundation
import Testing
import TestSupport

/// "now" of `Tests/Fixtures/corpus/README.md`: every corpus `add` validates at this time, never the wall clock.
private let corpusTime = "2026-11-29T00:00:00Z"

/// One row of `truststore list --format json`.
private struct ListedCertificate: Decodable {
    var sha256: String
    var subject: String
    var kind: String
    var path: String
}

extension TestStore {
    /// `truststore add FILES --env ENV --at 2026-11-29T00:00:00Z EXTRA`.
    @discardableResult
    fileprivate func addCorpus(_ files: [String], env: String = "prod", _ extra: [String] = []) throws -> RunResult {
        try run(["add"] + files + ["--env", env, "--at", corpusTime] + extra)
    }

    /// The certificates of `env` as `truststore list --env ENV --format json` reports them.
    fileprivate func listed(_ env: String = "prod") throws -> [ListedCertificate] {
        let result = try run(["list", "--env", env, "--format", "json"])
        guard result.status == 0 else { throw TestFailure("list failed: \(result)") }
        return try JSONDecoder().decode([ListedCertificate].self, from: Data(result.stdout.utf8))
    }

    /// The SHA-256 fingerprints committed to `env`.
    fileprivate func fingerprintSet(_ env: String = "prod") throws -> Set<String> {
        Set(try listed(env).map(\.sha256))
    }

    /// Every place a private key could have reached the repository: `git log -p --all`, `git grep` over every
    /// reachable commit, and every object in the object database (including unreachable blobs).
    fileprivate func repositoryMentions(_ needle: String) throws -> [String] {
        var hits: [String] = []
        if try git(["log", "-p", "--all"]).stdout.contains(needle) { hits.append("git log -p --all") }
        let revisions = try git(["rev-list", "--all"]).stdout.split(separator: "\n").map(String.init)
        if !revisions.isEmpty {
            let grep = try git(["grep", "-n", needle] + revisions)
            if grep.status == 0 { hits.append("git grep: \(grep.stdout)") }
        }
        let objects = try git(["cat-file", "--batch-all-objects", "--batch"])
        if objects.stdoutBytes.range(of: Data(needle.utf8)) != nil { hits.append("git cat-file --batch-all-objects") }
        return hits
    }
}

/// `error: cannot add 'FILE'…` lines of a run.
private func errorLines(_ result: RunResult, file: String) -> [String] {
    result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error: cannot add '\(file)'") }
}

/// `warning: 'FILE'…` lines of a run.
private func warningLines(_ result: RunResult, file: String) -> [String] {
    result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning: '\(file)'") }
}

/// A rejection: exit 1, an error line naming `file` (and `certificate` when given) for each phrase
/// (case-insensitive), the "store is unchanged" summary, and a store identical to `before`.
private func expectRejected(
    _ result: RunResult, store: TestStore, before: String, file: String, certificate: String? = nil,
    phrases: [String], sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
    let lines = errorLines(result, file: file)
    #expect(!lines.isEmpty, "no error line names '\(file)': \(result)", sourceLocation: sourceLocation)
    for phrase in phrases {
        let found = lines.contains { line in
            line.lowercased().contains(phrase.lowercased()) && (certificate.map { line.contains($0) } ?? true)
        }
        let naming = certificate.map { " naming '\($0)'" } ?? ""
        #expect(found, "no error line for '\(file)'\(naming) says '\(phrase)': \(result)", sourceLocation: sourceLocation)
    }
    #expect(result.stderr.contains("the store is unchanged"), "\(result)", sourceLocation: sourceLocation)
    #expect(!result.stdout.contains("added "), "\(result)", sourceLocation: sourceLocation)
    #expect(try store.snapshot() == before, "a rejected add changed the store", sourceLocation: sourceLocation)
    try store.expectSound(sourceLocation: sourceLocation)
}

/// An accepted add: exit 0, the summary line counting `added` new certificates, no error line, a sound store.
private func expectAccepted(
    _ result: RunResult, store: TestStore, env: String = "prod", added: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    #expect(result.stdout.contains("\(env): added \(added) certificate\(added == 1 ? "" : "s")"), "\(result)",
        sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("error:"), "\(result)", sourceLocation: sourceLocation)
    try store.expectSound(sourceLocation: sourceLocation)
}

/// The fingerprints of the certificates in a PKCS #7 file, as `openssl pkcs7 -print_certs` reads them.
private func pkcs7Fingerprints(_ path: String, inform: String) throws -> [String] {
    let r = try Run.program(
        Run.which("openssl") ?? "/usr/bin/openssl", ["pkcs7", "-inform", inform, "-in", path, "-print_certs"], cwd: "/",
        environment: ProcessInfo.processInfo.environment)
    guard r.status == 0 else { throw TestFailure("openssl pkcs7 failed: \(r)") }
    return try fingerprints(ofBundle: r.stdout)
}

/// The fingerprints of the PEM certificate blocks of a text file (text and comments around them ignored).
private func bundleFingerprints(_ path: String) throws -> [String] {
    try fingerprints(ofBundle: String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
}

/// The canonical fingerprint of ISRG Root X1 (from the PEM in the corpus).
private func isrgX1() throws -> String { try fingerprint(ofFile: Paths.corpus("roots/isrg-root-x1.pem")) }

/// A corpus file, named relative to `corpus/real/`, with how `openssl x509` reads it (nil: it cannot).
struct CorpusFile: Sendable, CustomTestStringConvertible {
    var relative: String
    var inform: String?
    var testDescription: String { relative }
    var path: String { Paths.corpus(relative) }
}

/// A corpus file that must be rejected as a whole input, with the key phrases of the reason.
struct RejectedInput: Sendable, CustomTestStringConvertible {
    var relative: String
    var phrases: [String]
    var testDescription: String { relative }
    var path: String { Paths.corpus(relative) }
}

@Suite("corpus real/: every file gets the verdict of Tests/Fixtures/corpus/README.md at 2026-11-29")
struct CorpusTests {
    // MARK: coverage

    /// Every file under `corpus/real/` that this suite gives a verdict for.
    static let covered: Set<String> = [
        "roots/isrg-root-x1.pem", "roots/isrg-root-x1.der", "roots/isrg-root-x1.cer",
        "roots/isrg-root-x1-der-content.crt", "roots/isrg-root-x2-base64.cer", "roots/digicert-global-root-g2-crlf.pem",
        "roots/certifi-excerpt-with-comments.pem", "roots/isrg-root-x1-with-text-dump.pem",
        "roots/isrg-root-x1-trusted-certificate.pem", "roots/isrg-root-x1-x509-header.pem",
        "roots/isrg-root-x1-utf8-bom.pem", "roots/isrg-root-x1-utf16le-bom.pem",
        "roots/digicert-global-root-ca-sha1-selfsigned.pem", "roots/expired-root-entrust-2006.pem",
        "roots/legacy-verisign-class3-v1-md2-rsa1024.pem",
        "bundles/three-roots.pem", "bundles/three-roots-pem.p7b", "bundles/three-roots-der.p7b",
        "bundles/amazon-roots-der.p7b", "bundles/isrg-root-x1-pkcs7.pem", "bundles/roots-with-duplicate.pem",
        "bundles/roots-and-intermediates.pem", "bundles/roots-plus-leaf.pem",
        "intermediates/letsencrypt-r11.pem", "intermediates/gts-root-r1-cross-signed-by-globalsign-root-ca.pem",
        "intermediates/expired-starfield-secure-ca.pem", "intermediates/weak-rsa2047-sha1-ac-camerfirma.pem",
        "intermediates/bad-signature-uniper-group-ca-2-2015.pem",
        "intermediates/issuer-of-uniper-d-trust-root-ca-3-2013.pem",
        "leaf/non-ca-cloudflare-origin-certificate.pem",
        "mixed/root-plus-private-key.pem", "mixed/leaf-plus-encrypted-rsa-key.pem",
        "wrong-type/csr-rsa-sha256.pem", "wrong-type/crl-der.crl", "wrong-type/pkcs12-password-is-password.p12",
        "wrong-type/pkcs7-enveloped-no-certs.pem", "wrong-type/malformed-invalid-utf8-cn.pem", "wrong-type/empty.pem",
        "wrong-type/truncated-isrg-root-x1.pem",
        "server-chains/docs.python.org/root.pem", "server-chains/stackoverflow.com/root.pem",
        "server-chains/microsoft.com/root.pem",
    ]

    /// Inputs of `truststore verify`, which comes later: only each host's `root.pem` is in scope for `add` now.
    static let deferredToVerify: Set<String> = [
        "server-chains/docs.python.org/leaf.pem", "server-chains/docs.python.org/chain.pem",
        "server-chains/docs.python.org/case.json",
        "server-chains/stackoverflow.com/leaf.pem", "server-chains/stackoverflow.com/chain.pem",
        "server-chains/stackoverflow.com/case.json",
        "server-chains/microsoft.com/leaf.pem", "server-chains/microsoft.com/chain.pem",
        "server-chains/microsoft.com/case.json",
    ]

    @Test("every file under corpus/real/ has a verdict in this suite or is listed as a verify input")
    func everyCorpusFileIsCovered() throws {
        let root = Paths.corpus("")
        let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { relative in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + relative, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
        let unknown = Set(files).subtracting(Self.covered).subtracting(Self.deferredToVerify)
        #expect(unknown.isEmpty, "corpus files without a test: \(unknown.sorted())")
        let missing = Self.covered.union(Self.deferredToVerify).subtracting(files)
        #expect(missing.isEmpty, "files this suite names but the corpus lacks: \(missing.sorted())")
    }

    // MARK: real/roots/

    @Test(
        "ISRG Root X1 in every common form (PEM, DER, .cer, DER in a .crt, text dump, X509 CERTIFICATE label, UTF-8 BOM, PEM PKCS #7) is accepted as one root with the fingerprint of the PEM",
        arguments: [
            CorpusFile(relative: "roots/isrg-root-x1.pem", inform: "PEM"),
            CorpusFile(relative: "roots/isrg-root-x1.der", inform: "DER"),
            CorpusFile(relative: "roots/isrg-root-x1.cer", inform: "DER"),
            CorpusFile(relative: "roots/isrg-root-x1-der-content.crt", inform: "DER"),
            CorpusFile(relative: "roots/isrg-root-x1-with-text-dump.pem", inform: "PEM"),
            CorpusFile(relative: "roots/isrg-root-x1-x509-header.pem", inform: "PEM"),
            CorpusFile(relative: "roots/isrg-root-x1-utf8-bom.pem", inform: "PEM"),
            CorpusFile(relative: "bundles/isrg-root-x1-pkcs7.pem", inform: nil),
        ])
    func isrgRootX1Forms(_ file: CorpusFile) throws {
        let expected = try isrgX1()
        if let inform = file.inform {
            #expect(try fingerprint(ofFile: file.path, inform: inform) == expected, "openssl reads another certificate")
        } else {
            #expect(try pkcs7Fingerprints(file.path, inform: "PEM") == [expected])
        }
        let store = try TestStore()
        let add = try store.addCorpus([file.path])
        try expectAccepted(add, store: store, added: 1)
        let listed = try store.listed()
        #expect(listed.map(\.sha256) == [expected])
        #expect(listed.map(\.kind) == ["root"])
        #expect(try store.certificateFiles("prod").count == 1)
    }

    @Test("ISRG Root X2 (EC P-384) as Base-64 PEM inside a .cer is accepted")
    func isrgRootX2Cer() throws {
        let file = Paths.corpus("roots/isrg-root-x2-base64.cer")
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 1)
        #expect(try store.fingerprintSet() == [try fingerprint(ofFile: file)])
        #expect(try store.listed().map(\.kind) == ["root"])
    }

    @Test("DigiCert Global Root G2 with CRLF line endings is accepted and exported with LF line endings")
    func crlfRoot() throws {
        let file = Paths.corpus("roots/digicert-global-root-g2-crlf.pem")
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 1)
        let expected = try fingerprint(ofFile: file)
        #expect(try store.fingerprintSet() == [expected])
        let export = try store.run(["export", "prod", "--at", corpusTime])
        #expect(export.status == 0, "\(export)")
        #expect(try fingerprints(ofBundle: export.stdout) == [expected])
        #expect(!export.stdoutBytes.contains(0x0D), "the exported bundle keeps CR bytes")
        let stored = try String(contentsOfFile: store.root + "/" + (try store.certificateFiles("prod")[0]), encoding: .utf8)
        #expect(!stored.contains("\r"), "the stored file keeps CR bytes")
    }

    @Test("the certifi excerpt with '# Issuer/Subject/Label' comments is accepted as its 3 roots, comments ignored")
    func certifiExcerpt() throws {
        let file = Paths.corpus("roots/certifi-excerpt-with-comments.pem")
        let expected = try bundleFingerprints(file)
        #expect(expected.count == 3)
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 3)
        #expect(try store.fingerprintSet() == Set(expected))
        #expect(try store.certificateFiles("prod").count == 3)
        #expect(try store.listed().contains { $0.subject.contains("NetLock Arany") })
    }

    @Test("a TRUSTED CERTIFICATE is accepted with a warning that says whether its OpenSSL aux trust is kept or dropped")
    func trustedCertificate() throws {
        let file = Paths.corpus("roots/isrg-root-x1-trusted-certificate.pem")
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 1)
        #expect(try store.fingerprintSet() == [try isrgX1()])
        #expect(try fingerprint(ofFile: file) == (try isrgX1()))
        let warnings = warningLines(add, file: file)
        #expect(warnings.contains { $0.contains("auxiliary trust") && ($0.contains("kept") || $0.contains("dropped")) },
            "no warning about the auxiliary trust settings: \(add)")
        let export = try store.run(["export", "prod", "--at", corpusTime])
        #expect(export.status == 0, "\(export)")
        #expect(!export.stdout.contains("TRUSTED CERTIFICATE"), "the export must carry plain CERTIFICATE blocks")
        #expect(try fingerprints(ofBundle: export.stdout) == [try isrgX1()])
    }

    @Test("ISRG Root X1 saved as UTF-16LE with a BOM is rejected with an error that names the UTF-16 encoding")
    func utf16Root() throws {
        let file = Paths.corpus("roots/isrg-root-x1-utf16le-bom.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, phrases: ["UTF-16"])
        #expect(!add.stderr.contains("no certificate found"), "UTF-16 must be named, not 'no certificate found'")
    }

    @Test("DigiCert Global Root CA, whose self-signature is SHA-1, is accepted: a root's self-signature is not relied upon")
    func sha1SelfSignedRoot() throws {
        let file = Paths.corpus("roots/digicert-global-root-ca-sha1-selfsigned.pem")
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 1)
        #expect(try store.fingerprintSet() == [try fingerprint(ofFile: file)])
        #expect(try store.listed().map(\.kind) == ["root"])
        #expect(!add.stderr.contains("too weak"), "a weak self-signature must not be reported as an error: \(add)")
    }

    @Test("Entrust Root CA (2006), expired on 2026-11-27, is rejected as expired quoting its notAfter")
    func expiredEntrustRoot() throws {
        let file = Paths.corpus("roots/expired-root-entrust-2006.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "Entrust Root Certification Authority",
            phrases: ["expired", "2026-11-27"])
    }

    @Test("VeriSign Class 3 PCA (v1, RSA-1024, MD2) is rejected because its key is below the 2048-bit minimum")
    func legacyVeriSignRoot() throws {
        let file = Paths.corpus("roots/legacy-verisign-class3-v1-md2-rsa1024.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file,
            certificate: "Class 3 Public Primary Certification Authority",
            phrases: ["below the 2048-bit minimum", "too weak"])
    }

    // MARK: real/bundles/

    @Test(
        "the three-roots bundle is accepted as the same 3 roots from PEM, PEM PKCS #7 and DER PKCS #7",
        arguments: [
            CorpusFile(relative: "bundles/three-roots.pem", inform: "PEM"),
            CorpusFile(relative: "bundles/three-roots-pem.p7b", inform: nil),
            CorpusFile(relative: "bundles/three-roots-der.p7b", inform: nil),
        ])
    func threeRoots(_ file: CorpusFile) throws {
        let expected = try bundleFingerprints(Paths.corpus("bundles/three-roots.pem"))
        #expect(expected.count == 3)
        let store = try TestStore()
        let add = try store.addCorpus([file.path])
        try expectAccepted(add, store: store, added: 3)
        #expect(try store.fingerprintSet() == Set(expected))
        #expect(try store.listed().allSatisfy { $0.kind == "root" })
        #expect(try store.certificateFiles("prod").count == 3)
    }

    @Test("the real DER PKCS #7 of Amazon Root CA 2 and 3 is accepted as 2 roots")
    func amazonRoots() throws {
        let file = Paths.corpus("bundles/amazon-roots-der.p7b")
        let expected = try pkcs7Fingerprints(file, inform: "DER")
        #expect(expected.count == 2)
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 2)
        #expect(try store.fingerprintSet() == Set(expected))
        #expect(Set(try store.listed().map(\.subject)) == ["CN=Amazon Root CA 2,O=Amazon,C=US", "CN=Amazon Root CA 3,O=Amazon,C=US"])
    }

    @Test("a bundle holding ISRG Root X1 twice is accepted as 2 unique roots with a warning about the duplicate, and exported once")
    func rootsWithDuplicate() throws {
        let file = Paths.corpus("bundles/roots-with-duplicate.pem")
        let all = try bundleFingerprints(file)
        #expect(all.count == 3 && all[0] == all[2])
        let store = try TestStore()
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 2)
        #expect(try store.fingerprintSet() == Set(all))
        #expect(try store.certificateFiles("prod").count == 2)
        // README verdict "warn": the duplicate (certificate 3) must be reported as a warning.
        #expect(warningLines(add, file: file).contains { $0.contains("certificate 3") },
            "the duplicate is not reported with a 'warning:' line: \(add)")
        let export = try store.run(["export", "prod", "--at", corpusTime])
        #expect(export.status == 0, "\(export)")
        let exported = try fingerprints(ofBundle: export.stdout)
        #expect(exported.count == 2)
        #expect(exported.filter { $0 == all[0] }.count == 1, "the duplicated root must be exported once")
    }

    @Test("roots and intermediates: the GTS R1 cross-sign does not chain without GlobalSign Root CA, so the whole file is refused")
    func rootsAndIntermediatesRefused() throws {
        let file = Paths.corpus("bundles/roots-and-intermediates.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "CN=GTS Root R1",
            phrases: ["does not chain to a root"])
        #expect(errorLines(add, file: file).allSatisfy { $0.contains("GTS Root R1") },
            "only the GTS cross-sign may be rejected: \(add)")
    }

    // GlobalSign Root CA (the issuer of the GTS R1 cross-sign) is in no fixture of Tests/Fixtures, and tests must not
    // read the system bundle, so the acceptance side ("accept the cross-cert when GlobalSign Root CA is in the
    // environment") is not tested here; only the rejection side is.
    @Test("roots and intermediates with --skip-invalid: ISRG X1, R11 and DigiCert G2 are accepted, the GTS cross-sign is skipped")
    func rootsAndIntermediatesSkipInvalid() throws {
        let file = Paths.corpus("bundles/roots-and-intermediates.pem")
        let all = try bundleFingerprints(file)
        #expect(all.count == 4)
        let gtsCross = try fingerprint(ofFile: Paths.corpus("intermediates/gts-root-r1-cross-signed-by-globalsign-root-ca.pem"))
        let r11 = try fingerprint(ofFile: Paths.corpus("intermediates/letsencrypt-r11.pem"))
        #expect(all.contains(gtsCross) && all.contains(r11))
        let store = try TestStore()
        let add = try store.addCorpus([file], ["--skip-invalid"])
        try expectAccepted(add, store: store, added: 3)
        #expect(add.stdout.contains("skipped 1 invalid"), "\(add)")
        #expect(add.stderr.contains("GTS Root R1") && add.stderr.contains("does not chain to a root"), "\(add)")
        let listed = try store.listed()
        #expect(Set(listed.map(\.sha256)) == Set(all).subtracting([gtsCross]))
        #expect(listed.first { $0.sha256 == r11 }?.kind == "intermediate")
    }

    @Test("roots and intermediates: R11 chains to ISRG X1 inside the same file whatever the order")
    func rootsAndIntermediatesReversed() throws {
        let file = Paths.corpus("bundles/roots-and-intermediates.pem")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var blocks: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-----BEGIN") { current = "" }
            current += line + "\n"
            if line.hasPrefix("-----END") { blocks.append(current) }
        }
        #expect(blocks.count == 4)
        let temp = try TemporaryDirectory("corpus")
        let reversed = temp.file("roots-and-intermediates-reversed.pem")
        try blocks.reversed().joined().write(toFile: reversed, atomically: true, encoding: .utf8)
        let all = try bundleFingerprints(file)
        #expect(try bundleFingerprints(reversed) == all.reversed())
        let r11 = try fingerprint(ofFile: Paths.corpus("intermediates/letsencrypt-r11.pem"))
        let gtsCross = try fingerprint(ofFile: Paths.corpus("intermediates/gts-root-r1-cross-signed-by-globalsign-root-ca.pem"))

        let store = try TestStore()
        let add = try store.addCorpus([reversed], ["--skip-invalid"])
        try expectAccepted(add, store: store, added: 3)
        #expect(!add.stderr.contains("CN=R11"), "R11 must chain to X1 later in the same file: \(add)")
        #expect(try store.fingerprintSet() == Set(all).subtracting([gtsCross]))
        #expect(try store.fingerprintSet().contains(r11))
    }

    @Test("ISRG X1 plus the CloudFlare Origin leaf: the leaf is rejected by name and nothing is added (all-or-nothing)")
    func rootsPlusLeafRefused() throws {
        let file = Paths.corpus("bundles/roots-plus-leaf.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "CloudFlare Origin Certificate",
            phrases: ["not a CA certificate"])
        #expect(add.stderr.contains("--skip-invalid"), "the refusal must state the rule for partial files: \(add)")
    }

    @Test("ISRG X1 plus the CloudFlare Origin leaf with --skip-invalid: the root is added and the leaf skipped by name")
    func rootsPlusLeafSkipInvalid() throws {
        let file = Paths.corpus("bundles/roots-plus-leaf.pem")
        let store = try TestStore()
        let add = try store.addCorpus([file], ["--skip-invalid"])
        try expectAccepted(add, store: store, added: 1)
        #expect(add.stdout.contains("skipped 1 invalid"), "\(add)")
        #expect(add.stderr.contains("CloudFlare Origin Certificate") && add.stderr.contains("not a CA certificate"), "\(add)")
        #expect(try store.fingerprintSet() == [try isrgX1()])
    }

    // MARK: real/intermediates/

    @Test("Let's Encrypt R11 is rejected with 'does not chain' when ISRG Root X1 is not in the environment")
    func r11WithoutRoot() throws {
        let file = Paths.corpus("intermediates/letsencrypt-r11.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "CN=R11",
            phrases: ["does not chain to a root in 'prod'", "ISRG Root X1"])

        // ISRG X1 in another environment does not help: the root must be in the same environment.
        let staging = try store.addCorpus([Paths.corpus("roots/isrg-root-x1.pem")], env: "staging")
        try expectAccepted(staging, store: store, env: "staging", added: 1)
        let beforeProd = try store.snapshot()
        let again = try store.addCorpus([file])
        try expectRejected(again, store: store, before: beforeProd, file: file, certificate: "CN=R11",
            phrases: ["does not chain to a root in 'prod'"])
    }

    @Test("Let's Encrypt R11 is accepted as an intermediate once ISRG Root X1 is in the environment")
    func r11WithRoot() throws {
        let file = Paths.corpus("intermediates/letsencrypt-r11.pem")
        let store = try TestStore()
        let root = try store.addCorpus([Paths.corpus("roots/isrg-root-x1.pem")])
        try expectAccepted(root, store: store, added: 1)
        let add = try store.addCorpus([file])
        try expectAccepted(add, store: store, added: 1)
        let r11 = try fingerprint(ofFile: file)
        #expect(try store.fingerprintSet() == [try isrgX1(), r11])
        #expect(try store.listed().first { $0.sha256 == r11 }?.kind == "intermediate")
        #expect(try store.certificateFiles("prod").count == 2)
    }

    @Test("Let's Encrypt R11 given before ISRG Root X1 in one invocation is accepted: the input completes the path")
    func r11AndRootTogether() throws {
        let file = Paths.corpus("intermediates/letsencrypt-r11.pem")
        let store = try TestStore()
        let add = try store.addCorpus([file, Paths.corpus("roots/isrg-root-x1.pem")])
        try expectAccepted(add, store: store, added: 2)
        #expect(try store.fingerprintSet() == [try isrgX1(), try fingerprint(ofFile: file)])
    }

    // GlobalSign Root CA is in no fixture of Tests/Fixtures (and tests must not read /etc/ssl/certs), so the
    // acceptance side ("accept when GlobalSign Root CA is present") is not tested; only the rejection side is.
    @Test("the GTS Root R1 cross-sign by GlobalSign Root CA is rejected with 'does not chain' when GlobalSign Root CA is absent")
    func gtsCrossSignWithoutGlobalSign() throws {
        let file = Paths.corpus("intermediates/gts-root-r1-cross-signed-by-globalsign-root-ca.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "CN=GTS Root R1",
            phrases: ["does not chain to a root", "GlobalSign Root CA"])
    }

    @Test("the GTS Root R1 cross-sign is not a duplicate of the self-signed GTS Root R1: same subject and key, other fingerprint")
    func gtsCrossSignIsNotADuplicate() throws {
        let file = Paths.corpus("intermediates/gts-root-r1-cross-signed-by-globalsign-root-ca.pem")
        let store = try TestStore()
        let roots = try store.addCorpus([Paths.corpus("bundles/three-roots.pem")])
        try expectAccepted(roots, store: store, added: 3)
        let selfSigned = try store.listed().first { $0.subject.contains("CN=GTS Root R1") }
        let cross = try fingerprint(ofFile: file)
        #expect(selfSigned != nil)
        #expect(selfSigned?.sha256 != cross)

        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        // Without GlobalSign Root CA it is still refused for its chain, never skipped as "already in".
        try expectRejected(add, store: store, before: before, file: file, certificate: "CN=GTS Root R1",
            phrases: ["does not chain to a root"])
        #expect(!add.stderr.contains("already in"), "the cross-sign was treated as a duplicate: \(add)")
        #expect(!add.stdout.contains("nothing to add"), "\(add)")
    }

    @Test("Starfield Secure Certification Authority, expired on 2026-11-16, is rejected as expired")
    func expiredStarfield() throws {
        let file = Paths.corpus("intermediates/expired-starfield-secure-ca.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file,
            certificate: "Starfield Secure Certification Authority", phrases: ["expired", "2026-11-16"])
    }

    @Test("AC Camerfirma (RSA-2047, SHA-1 signature) is rejected for both its key size and its signature strength")
    func weakCamerfirma() throws {
        let file = Paths.corpus("intermediates/weak-rsa2047-sha1-ac-camerfirma.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "CN=AC Camerfirma",
            phrases: ["below the 2048-bit minimum", "signature algorithm sha1WithRSAEncryption is too weak"])
    }

    @Test("with D-TRUST Root CA 3 2013 in the environment, the root is accepted and Uniper Group CA 2 2015 is rejected: signature does not verify")
    func uniperBadSignature() throws {
        let rootFile = Paths.corpus("intermediates/issuer-of-uniper-d-trust-root-ca-3-2013.pem")
        let file = Paths.corpus("intermediates/bad-signature-uniper-group-ca-2-2015.pem")
        let store = try TestStore()
        let root = try store.addCorpus([rootFile])
        try expectAccepted(root, store: store, added: 1)
        #expect(try store.fingerprintSet() == [try fingerprint(ofFile: rootFile)])
        #expect(try store.listed().map(\.kind) == ["root"])

        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "Uniper Group CA 2 2015",
            phrases: ["signature does not verify"])
    }

    @Test("D-TRUST Root CA 3 2013 and Uniper Group CA 2 2015 together with --skip-invalid: the root is added, the intermediate skipped for its signature")
    func uniperTogetherSkipInvalid() throws {
        let rootFile = Paths.corpus("intermediates/issuer-of-uniper-d-trust-root-ca-3-2013.pem")
        let file = Paths.corpus("intermediates/bad-signature-uniper-group-ca-2-2015.pem")
        let store = try TestStore()
        let add = try store.addCorpus([file, rootFile], ["--skip-invalid"])
        try expectAccepted(add, store: store, added: 1)
        #expect(add.stderr.contains("Uniper Group CA 2 2015") && add.stderr.contains("signature does not verify"), "\(add)")
        #expect(try store.fingerprintSet() == [try fingerprint(ofFile: rootFile)])
    }

    // MARK: real/leaf/, real/mixed/

    @Test("the CloudFlare Origin end-entity certificate is rejected: not a CA certificate")
    func nonCALeaf() throws {
        let file = Paths.corpus("leaf/non-ca-cloudflare-origin-certificate.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, certificate: "CloudFlare Origin Certificate",
            phrases: ["not a CA certificate"])
    }

    @Test("a root plus an unencrypted private key is rejected for the private key, even with --skip-invalid, and the key never reaches the repository")
    func rootPlusPrivateKey() throws {
        let file = Paths.corpus("mixed/root-plus-private-key.pem")
        let store = try TestStore()
        let seed = try store.addCorpus([Paths.corpus("roots/isrg-root-x2-base64.cer")])
        try expectAccepted(seed, store: store, added: 1)

        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, phrases: ["file contains a private key"])
        #expect(try store.repositoryMentions("PRIVATE KEY").isEmpty)

        // A valid file beside it and --skip-invalid change nothing: a private key stops the whole invocation.
        let skip = try store.addCorpus([Paths.corpus("roots/digicert-global-root-g2-crlf.pem"), file], ["--skip-invalid"])
        try expectRejected(skip, store: store, before: before, file: file, phrases: ["private key"])
        #expect(try store.repositoryMentions("PRIVATE KEY").isEmpty, "the private key reached the repository")
        let export = try store.run(["export", "prod", "--at", corpusTime])
        #expect(export.status == 0, "\(export)")
        #expect(!export.stdout.contains("PRIVATE KEY"))
    }

    @Test("a leaf plus an encrypted RSA private key is rejected for the key without asking for a passphrase", .timeLimit(.minutes(1)))
    func leafPlusEncryptedKey() throws {
        let file = Paths.corpus("mixed/leaf-plus-encrypted-rsa-key.pem")
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([file])
        try expectRejected(add, store: store, before: before, file: file, phrases: ["private key"])
        #expect(!add.stderr.lowercased().contains("pass phrase") && !add.stderr.lowercased().contains("passphrase:"),
            "\(add)")
        #expect(try store.repositoryMentions("PRIVATE KEY").isEmpty)
    }

    // MARK: real/wrong-type/

    @Test(
        "each wrong-type input is rejected as a whole with its reason, without prompting, and leaves the store unchanged",
        .timeLimit(.minutes(1)),
        arguments: [
            RejectedInput(relative: "wrong-type/csr-rsa-sha256.pem", phrases: ["certificate signing request", "not a certificate"]),
            RejectedInput(relative: "wrong-type/crl-der.crl", phrases: ["CRL", "not a certificate"]),
            RejectedInput(relative: "wrong-type/pkcs12-password-is-password.p12",
                phrases: ["PKCS #12", "not supported", "extract the CA certificates first"]),
            RejectedInput(relative: "wrong-type/pkcs7-enveloped-no-certs.pem", phrases: ["no certificate found"]),
            RejectedInput(relative: "wrong-type/malformed-invalid-utf8-cn.pem", phrases: ["not a valid certificate"]),
            RejectedInput(relative: "wrong-type/empty.pem", phrases: ["no certificate found"]),
            RejectedInput(relative: "wrong-type/truncated-isrg-root-x1.pem", phrases: ["not a valid certificate"]),
        ])
    func wrongType(_ input: RejectedInput) throws {
        let store = try TestStore()
        let before = try store.snapshot()
        let add = try store.addCorpus([input.path])
        try expectRejected(add, store: store, before: before, file: input.path, phrases: input.phrases)
    }

    // MARK: real/server-chains/ (only `add root.pem` now; leaf.pem, chain.pem and case.json are verify inputs)

    @Test(
        "each server chain's root.pem is accepted into prod as one root",
        arguments: [
            CorpusFile(relative: "server-chains/docs.python.org/root.pem", inform: "PEM"),
            CorpusFile(relative: "server-chains/stackoverflow.com/root.pem", inform: "PEM"),
            CorpusFile(relative: "server-chains/microsoft.com/root.pem", inform: "PEM"),
        ])
    func serverChainRoot(_ file: CorpusFile) throws {
        let store = try TestStore()
        let add = try store.addCorpus([file.path])
        try expectAccepted(add, store: store, added: 1)
        #expect(try store.fingerprintSet() == [try fingerprint(ofFile: file.path)])
        #expect(try store.listed().map(\.kind) == ["root"])
        #expect(try store.certificateFiles("prod").count == 1)
    }
}
