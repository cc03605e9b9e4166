import Foundation
import Testing
import TestSupport

/// `truststore distrust`: entries by fingerprint, issuer and serial, or SPKI, inherited by extending environments;
/// their effect on export, verify, add and check; and `--after` (distrust-after), run end to end on the built binary
/// with the test PKI and read back with git and openssl.
@Suite("distrust: entries, their effects, distrust-after")
struct DistrustTests {
    /// prod holds the test root, its intermediate and Other Root CA; dev extends prod.
    private func store() throws -> TestStore {
        let store = try TestStore(environments: ["prod", "staging"])
        let declare = try store.run(["env", "add", "dev", "--extends", "prod"])
        try #require(declare.status == 0, "\(declare)")
        try store.addForEnvTests(
            [try TestPKI.pem("root"), try TestPKI.pem("intermediate"), try TestPKI.pem("other-root")], env: "prod")
        return store
    }

    private func fp(_ name: String) throws -> String { try fingerprint(ofFile: try TestPKI.pem(name)) }

    @Test("distrust by fingerprint: one reviewable commit; the certificate leaves prod's export and dev's, where it is inherited")
    func byFingerprint() throws {
        let store = try store()
        let other = try fp("other-root")
        let count = try store.commitCount()
        let distrust = try store.run(["distrust", String(other.prefix(10)), "--env", "prod", "--reason", "CA shut down"])
        #expect(distrust.status == 0, "\(distrust)")
        #expect(distrust.stdout.contains("distrusted by sha256 \(other.prefix(16))  CN=Other Root CA"), "\(distrust)")
        #expect(distrust.stderr.contains("note: 'prod' no longer trusts 'CN=Other Root CA,O=truststore tests'"),
                "\(distrust)")
        #expect(try store.commitCount() == count + 1, "exactly one commit")
        let patch = try store.git(["show", "--format=%s", "HEAD"]).stdout
        #expect(patch.contains("prod: distrust 'CN=Other Root CA,O=truststore tests'"), "\(patch)")
        #expect(patch.contains("+[[environments.prod.distrust]]") && patch.contains("+sha256 = '\(other)'")
            && patch.contains("+reason = 'CA shut down'"), "reviewable in git show: \(patch)")
        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Action: distrust") && trailers.contains("Truststore-Distrust: sha256 \(other)")
            && trailers.contains("Truststore-Reason: CA shut down"), "\(trailers)")

        for env in ["prod", "dev"] {
            let export = try store.run(["export", env, "--at", testTime])
            #expect(export.status == 0, "\(export)")
            #expect(Set(try fingerprints(ofBundle: export.stdout)) == [try fp("root"), try fp("intermediate")],
                    "\(env): \(export)")
            let inherited = env == "dev" ? "inherited from 'prod', " : ""
            #expect(export.stderr.contains("warning: left out 'CN=Other Root CA,O=truststore tests' (\(other.prefix(16))): "
                + "\(inherited)distrusted in 'prod' by sha256 \(other.prefix(16)): CA shut down"), "\(env): \(export)")
        }
        let staging = try store.run(["add", try TestPKI.pem("other-root"), "--env", "staging", "--at", testTime])
        #expect(staging.status == 0, "staging neither records nor inherits the entry: \(staging)")

        let list = try store.run(["list", "--env", "dev"])
        #expect(list.stdout.split(separator: "\n").contains {
            $0.contains("CN=Other Root CA") && $0.contains("DISTRUSTED, distrusted in 'prod' by sha256")
        }, "\(list)")
        let check = try store.run(["check", "--env", "prod", "--at", testTime])
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("WARNING distrusted") && check.stdout.contains("left out of exports"), "\(check)")
        // A distrusted certificate that comes only with an appended system bundle is left out and named too.
        let rsa = try fp("rsa-root")
        let distrustRSA = try store.run(["distrust", try TestPKI.pem("rsa-root"), "--env", "prod", "--reason", "not ours"])
        #expect(distrustRSA.status == 0, "\(distrustRSA)")
        let systemBundle = store.temp.file("system.pem")
        try (try String(contentsOfFile: try TestPKI.pem("rsa-root"), encoding: .utf8)
            + String(contentsOfFile: try TestPKI.pem("pathlen0-root"), encoding: .utf8))
            .write(toFile: systemBundle, atomically: true, encoding: .utf8)
        let merged = try store.run(["export", "prod", "--system-bundle", systemBundle, "--at", testTime])
        #expect(merged.status == 0, "\(merged)")
        let exported = try fingerprints(ofBundle: merged.stdout)
        #expect(exported.contains(try fp("pathlen0-root")) && !exported.contains(rsa), "\(merged)")
        #expect(merged.stderr.contains("(\(rsa.prefix(16))): in the system bundle \(systemBundle), but distrusted in "
            + "'prod' by sha256 \(rsa.prefix(16)): not ours"), "\(merged)")
        try store.expectSound()
    }

    @Test("a distrust recorded in dev leaves out what dev inherits, and prod keeps trusting it")
    func distrustInChild() throws {
        let store = try store()
        let distrust = try store.run(["distrust", try TestPKI.pem("other-root"), "--env", "dev", "--reason", "not for dev"])
        #expect(distrust.status == 0, "\(distrust)")
        let dev = try store.run(["export", "dev", "--at", testTime])
        #expect(!(try fingerprints(ofBundle: dev.stdout)).contains(try fp("other-root")), "\(dev)")
        let prod = try store.run(["export", "prod", "--at", testTime])
        #expect(try fingerprints(ofBundle: prod.stdout).contains(try fp("other-root")), "\(prod)")
    }

    @Test("distrust by SPKI covers a re-issued and a cross-signed certificate with the same key")
    func bySPKI() throws {
        let store = try store()
        // The entry is made from the re-issued root, which the store does not even hold.
        let distrust = try store.run(["distrust", try TestPKI.pem("root-reissued"), "--by", "spki", "--env", "prod",
                                      "--reason", "key compromised"])
        #expect(distrust.status == 0, "\(distrust)")
        let spki = try #require(try store.git(["show", "HEAD:truststore.toml"]).stdout.split(separator: "\n")
            .first { $0.hasPrefix("spki_sha256 = ") }, "no spki_sha256 entry")

        // The stored root (another fingerprint, same key) is left out of the export.
        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(Set(try fingerprints(ofBundle: export.stdout)) == [try fp("intermediate"), try fp("other-root")],
                "\(export)")
        #expect(export.stderr.contains("left out 'CN=Test Root CA,O=truststore tests'"), "\(export)")
        #expect(export.stderr.contains("distrusted in 'prod' by spki sha256 \(spki.dropFirst(15).prefix(16))"), "\(spki) \(export)")

        // Adding the re-issued root or the cross-signed one (an intermediate under Other Root CA) conflicts.
        let before = try store.snapshot()
        for name in ["root-reissued", "root-cross"] {
            let add = try store.run(["add", try TestPKI.pem(name), "--env", "prod", "--at", testTime])
            #expect(add.status == 1, "\(name): \(add)")
            #expect(add.stderr.contains("conflicting trust: distrusted in 'prod' by spki sha256"), "\(name): \(add)")
            #expect(try store.snapshot() == before, "\(name): the store is unchanged")
        }

        // A path through the cross-signed certificate, sent by the peer, is rejected naming the entry.
        let verify = try store.run(["verify", "--env", "prod", try TestPKI.pem("leaf"), "--untrusted",
                                    try TestPKI.pem("root-cross"), "--at", testTime])
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stderr.contains("error: 'CN=Test Root CA,O=truststore tests' at depth 2 is distrusted in 'prod' "
            + "by spki sha256"), "\(verify)")
        #expect(verify.stderr.contains(": key compromised"), "\(verify)")
        try store.expectSound()
    }

    @Test("distrust by issuer and serial: verify rejects any path through the intermediate, naming the entry")
    func byIssuerSerial() throws {
        let store = try store()
        let ok = try store.run(["verify", "--env", "dev", try TestPKI.pem("leaf"), "--at", testTime])
        #expect(ok.status == 0, "\(ok)")
        let distrust = try store.run(["distrust", try TestPKI.pem("intermediate"), "--by", "issuer-serial", "--env",
                                      "prod", "--reason", "mis-issued"])
        #expect(distrust.status == 0, "\(distrust)")
        let toml = try store.git(["show", "HEAD:truststore.toml"]).stdout
        #expect(toml.contains("issuer = 'CN=Test Root CA,O=truststore tests'") && toml.contains("serial = '"), "\(toml)")

        for env in ["prod", "dev"] {
            let verify = try store.run(["verify", "--env", env, try TestPKI.pem("leaf"), "--at", testTime])
            #expect(verify.status == 1, "\(env): \(verify)")
            #expect(verify.stderr.contains("error: 'CN=Test Intermediate CA,O=truststore tests' at depth 1 is distrusted "
                + "in 'prod' by issuer 'CN=Test Root CA,O=truststore tests' serial "), "\(env): \(verify)")
            #expect(verify.stderr.contains(": mis-issued"), "\(env): \(verify)")
            #expect(!verify.stdout.contains("OK:"), "\(env): \(verify)")
        }
        // Also when the peer sends the intermediate itself.
        let sent = try store.run(["verify", "--env", "prod", try TestPKI.pem("leaf"), "--untrusted",
                                  try TestPKI.pem("intermediate"), "--at", testTime, "--format", "json"])
        #expect(sent.status == 1, "\(sent)")
        let json = try jsonObject(sent.stdout)
        #expect(json["valid"] as? Bool == false, "\(json)")
        #expect((json["distrustedBy"] as? String)?.hasPrefix("distrusted in 'prod' by issuer ") == true, "\(json)")
        // Another intermediate of the same root is not affected.
        let other = try store.run(["add", try TestPKI.pem("chain-a"), "--env", "prod", "--at", testTime])
        #expect(other.status == 0, "\(other)")
    }

    @Test("adding a distrusted certificate is refused with 'conflicting trust'; the store is unchanged")
    func addConflicts() throws {
        let store = try TestStore(environments: ["prod"])
        let distrust = try store.run(["distrust", try TestPKI.pem("rsa-root"), "--env", "prod", "--reason", "not ours"])
        #expect(distrust.status == 0, "\(distrust)")
        let before = try store.snapshot()
        let head = try store.head()
        let add = try store.run(["add", try TestPKI.pem("rsa-root"), "--env", "prod", "--at", testTime])
        #expect(add.status == 1, "\(add)")
        #expect(add.stderr.contains("conflicting trust: distrusted in 'prod' by sha256 "
            + "\(try fp("rsa-root").prefix(16)): not ours"), "\(add)")
        #expect(add.stdout.isEmpty, "\(add)")
        #expect(try store.head() == head)
        #expect(try store.snapshot() == before)
        try store.expectSound()
    }

    @Test("distrust refuses a duplicate entry, an unknown certificate and an empty reason, changing nothing")
    func distrustRefusals() throws {
        let store = try store()
        let first = try store.run(["distrust", try TestPKI.pem("other-root"), "--env", "prod", "--reason", "r"])
        #expect(first.status == 0, "\(first)")
        let before = try store.snapshot()
        let again = try store.run(["distrust", try TestPKI.pem("other-root"), "--env", "prod", "--reason", "r"])
        #expect(again.status == 1 && again.stderr.contains("'prod' already has the distrust entry sha256"), "\(again)")
        let unknown = try store.run(["distrust", "abcdef0123", "--env", "prod", "--reason", "r"])
        #expect(unknown.status == 1 && unknown.stderr.contains("no certificate matching 'abcdef0123' in the store"),
                "\(unknown)")
        let empty = try store.run(["distrust", try TestPKI.pem("root"), "--env", "prod", "--reason", " "])
        #expect(empty.status == 64, "\(empty)")
        let badTime = try store.run(["distrust", try TestPKI.pem("root"), "--env", "prod", "--reason", "r", "--after", "soon"])
        #expect(badTime.status == 64 && badTime.stderr.contains("invalid time 'soon' for --after"), "\(badTime)")
        let badEnv = try store.run(["distrust", try TestPKI.pem("root"), "--env", "prdo", "--reason", "r"])
        #expect(badEnv.status == 64, "\(badEnv)")
        #expect(try store.snapshot() == before)

        // A full fingerprint the store does not hold is recorded as given.
        let full = String(repeating: "ab", count: 32)
        let blind = try store.run(["distrust", full, "--env", "prod", "--reason", "published as compromised"])
        #expect(blind.status == 0 && blind.stdout.contains("distrusted by sha256 abababababababab"), "\(blind)")
    }

    @Test("--after: a leaf issued before the date verifies, one issued after is rejected; the export keeps the root and warns")
    func distrustAfter() throws {
        let store = try store()
        let distrust = try store.run(["distrust", try TestPKI.pem("root"), "--env", "prod", "--after",
                                      "2025-02-01T00:00:00Z", "--reason", "distrust after, as Mozilla does"])
        #expect(distrust.status == 0, "\(distrust)")
        #expect(distrust.stdout.contains("distrusted for certificates issued after 2025-02-01T00:00:00Z by sha256"),
                "\(distrust)")
        #expect(try store.trailers().contains("Truststore-Distrust-After: 2025-02-01T00:00:00Z"))
        #expect(try store.git(["show", "HEAD:truststore.toml"]).stdout.contains("after = '2025-02-01T00:00:00Z'"))

        // leaf: notBefore 2025-01-01, before the date.
        let before = try store.run(["verify", "--env", "dev", try TestPKI.pem("leaf"), "--at", testTime])
        #expect(before.status == 0 && before.stdout.hasPrefix("OK: path validated"), "\(before)")
        // leaf-late: notBefore 2025-03-01, after it.
        let after = try store.run(["verify", "--env", "dev", try TestPKI.pem("leaf-late"), "--at", testTime])
        #expect(after.status == 1, "\(after)")
        #expect(after.stderr.contains("error: 'CN=Test Root CA,O=truststore tests' at depth 2 is distrusted in 'prod' for "
            + "certificates issued after 2025-02-01T00:00:00Z by sha256 \(try fp("root").prefix(16)): distrust after, as "
            + "Mozilla does; the end-entity certificate 'CN=late.test,O=truststore tests' was issued after that, on "
            + "2025-03-01T00:00:00Z (notBefore)"), "\(after)")

        // The root stays trusted: in the bundle, with a warning naming the constraint a PEM bundle loses.
        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(export.status == 0, "\(export)")
        #expect(try fingerprints(ofBundle: export.stdout).contains(try fp("root")), "\(export)")
        #expect(export.stderr.contains("warning: 'CN=Test Root CA,O=truststore tests' is distrusted for certificates "
            + "issued after 2025-02-01T00:00:00Z in 'prod'; a PEM bundle cannot carry this constraint"), "\(export)")
        // Which is why: openssl given the bundle accepts the late leaf.
        let bundle = store.temp.file("prod.pem")
        try export.stdout.write(toFile: bundle, atomically: true, encoding: .utf8)
        let openssl = try Run.program(
            Run.which("openssl") ?? "/usr/bin/openssl",
            ["verify", "-attime", "1748736000", "-CAfile", bundle, try TestPKI.pem("leaf-late")], cwd: store.root,
            environment: ProcessInfo.processInfo.environment)
        #expect(openssl.status == 0, "\(openssl)")
        // add is not affected: the root is still trusted.
        let add = try store.run(["add", try TestPKI.pem("chain-a"), "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        let list = try store.run(["list", "--env", "prod"])
        #expect(list.stdout.contains("(distrusted for certificates issued after 2025-02-01T00:00:00Z in 'prod')"), "\(list)")
    }

    @Test("undistrust removes the entry in one commit and the certificate is trusted again; an inherited entry is named")
    func undistrust() throws {
        let store = try store()
        let distrust = try store.run(["distrust", try TestPKI.pem("root-cross"), "--by", "spki", "--env", "prod",
                                      "--reason", "key compromised"])
        #expect(distrust.status == 0, "\(distrust)")
        let refused = try store.run(["verify", "--env", "dev", try TestPKI.pem("leaf"), "--at", testTime])
        #expect(refused.status == 1, "\(refused)")

        let before = try store.snapshot()
        let inDev = try store.run(["undistrust", try TestPKI.pem("root"), "--env", "dev", "--reason", "r"])
        #expect(inDev.status == 1, "\(inDev)")
        #expect(inDev.stderr.contains("error: no distrust entry of 'dev' matches"), "\(inDev)")
        #expect(inDev.stderr.contains("is recorded in 'prod'"), "\(inDev)")
        #expect(try store.snapshot() == before)

        let count = try store.commitCount()
        let lift = try store.run(["undistrust", try TestPKI.pem("root"), "--env", "prod", "--reason", "key was not leaked"])
        #expect(lift.status == 0, "\(lift)")
        #expect(lift.stdout.contains("prod: removed 1 distrust entry"), "\(lift)")
        #expect(try store.commitCount() == count + 1)
        #expect(try store.trailers().contains("Truststore-Action: undistrust"))
        #expect(!(try store.git(["show", "HEAD:truststore.toml"]).stdout.contains("distrust")))
        let verify = try store.run(["verify", "--env", "dev", try TestPKI.pem("leaf"), "--at", testTime])
        #expect(verify.status == 0, "\(verify)")
        try store.expectSound()
    }

    @Test("the export cache stays exact: a distrust commit changes the next export, and the export of the commit before it is unchanged")
    func exportCacheFollowsDistrust() throws {
        let store = try store()
        let first = try store.run(["export", "dev", "--at", testTime])
        #expect(try fingerprints(ofBundle: first.stdout).count == 3, "\(first)")
        let distrust = try store.run(["distrust", try TestPKI.pem("other-root"), "--env", "prod", "--reason", "r"])
        #expect(distrust.status == 0, "\(distrust)")
        let second = try store.run(["export", "dev", "--at", testTime])
        #expect(try fingerprints(ofBundle: second.stdout).count == 2, "\(second)")
        // The export of the commit before the distrust still holds it (--rev), from the same cache.
        let old = try store.run(["export", "dev", "--rev", "HEAD~1", "--at", testTime])
        #expect(old.stdout == first.stdout, "\(old)")
    }
}
