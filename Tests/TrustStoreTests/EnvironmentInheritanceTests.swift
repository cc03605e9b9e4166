import Foundation
import Testing
import TestSupport

/// Environments that extend others (`extends` in truststore.toml), `promote` and `env diff`, run end to end on
/// the built binary against real git repositories and the test PKI, read back with git, openssl and the JSON output.
@Suite("environments: inheritance, promote, env diff")
struct EnvironmentInheritanceTests {
    /// prod holds the test root and intermediate; dev extends prod and adds the unrelated Other Root CA.
    private func devExtendsProd() throws -> TestStore {
        let store = try TestStore(environments: ["prod", "staging"])
        let declare = try store.run(["env", "add", "dev", "--extends", "prod", "--description", "developer machines"])
        try #require(declare.status == 0, "\(declare)")
        #expect(declare.stdout.contains("declared environment 'dev', extending 'prod'"), "\(declare)")
        try store.addForEnvTests([try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "prod")
        try store.addForEnvTests([try TestPKI.pem("other-root")], env: "dev")
        return store
    }

    @Test("show CERT names the environments that trust it by inheritance, and those whose distrust leaves it out")
    func showNamesInheritanceAndDistrust() throws {
        let store = try devExtendsProd()
        let root = try fingerprint(ofFile: try TestPKI.pem("root"))
        let show = try store.run(["show", String(root.prefix(16))])
        #expect(show.status == 0, "\(show)")
        let lines = show.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  prod ") && $0.contains("stores/prod/") }, "\(show)")
        #expect(lines.contains("  dev        inherited from prod"), "\(show)")
        #expect(!lines.contains { $0.hasPrefix("  staging") }, "\(show)")
        let jsonText = try store.run(["show", String(root.prefix(16)), "--format", "json"]).stdout
        let parsed = try JSONSerialization.jsonObject(with: Data(jsonText.utf8)) as? [[String: Any]]
        let inherited = parsed?.first?["inheritedIn"] as? [String: String]
        #expect(inherited == ["dev": "prod"], "\(jsonText)")

        let distrust = try store.run(["distrust", String(root.prefix(16)), "--env", "dev", "--reason", "not on laptops"])
        #expect(distrust.status == 0, "\(distrust)")
        let after = try store.run(["show", String(root.prefix(16))])
        #expect(after.stdout.contains("Distrusted in:\n  dev        distrusted in 'dev' by sha256 \(root.prefix(16)): not on laptops"),
                "\(after)")
        #expect(!after.stdout.contains("inherited from prod"), "\(after)")
    }

    @Test("dev extends prod: its export holds prod's certificates and its own, and openssl verifies a leaf with it")
    func exportResolvesInheritance() throws {
        let store = try devExtendsProd()
        let toml = try store.git(["show", "HEAD:truststore.toml"]).stdout
        #expect(toml.contains("extends = [ 'prod' ]"), "\(toml)")

        let dev = try store.run(["export", "dev", "--at", testTime])
        #expect(dev.status == 0, "\(dev)")
        let root = try fingerprint(ofFile: try TestPKI.pem("root"))
        let intermediate = try fingerprint(ofFile: try TestPKI.pem("intermediate"))
        let other = try fingerprint(ofFile: try TestPKI.pem("other-root"))
        #expect(Set(try fingerprints(ofBundle: dev.stdout)) == [root, intermediate, other], "\(dev)")
        let prod = try store.run(["export", "prod", "--at", testTime])
        #expect(Set(try fingerprints(ofBundle: prod.stdout)) == [root, intermediate], "prod gains nothing from dev: \(prod)")

        // The real consumer: openssl takes dev's bundle as its trust store.
        let bundle = store.temp.file("dev.pem")
        try dev.stdout.write(toFile: bundle, atomically: true, encoding: .utf8)
        let check = try Run.program(
            Run.which("openssl") ?? "/usr/bin/openssl",
            ["verify", "-attime", "1748736000", "-CAfile", bundle, try TestPKI.pem("leaf")], cwd: store.root,
            environment: ProcessInfo.processInfo.environment)
        #expect(check.status == 0 && check.stdout.contains(": OK"), "\(check)")
    }

    @Test("verify, check and add in dev use the trust dev inherits; staging, which extends nothing, does not")
    func verifyCheckAddResolveInheritance() throws {
        let store = try devExtendsProd()
        let verify = try store.run(["verify", "--env", "dev", try TestPKI.pem("leaf"), "--at", testTime])
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.hasPrefix("OK: path validated against 'dev'"), "\(verify)")
        let staging = try store.run(["verify", "--env", "staging", try TestPKI.pem("leaf-direct"), "--at", testTime])
        #expect(staging.status != 0, "staging trusts nothing: \(staging)")

        // An intermediate added to dev chains to the root dev inherits; in staging it has no root.
        let chainA = try store.run(["add", try TestPKI.pem("chain-a"), "--env", "dev", "--at", testTime])
        #expect(chainA.status == 0, "\(chainA)")
        let refused = try store.run(["add", try TestPKI.pem("chain-a"), "--env", "staging", "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("does not chain to a root in 'staging'"), "\(refused)")
        // A certificate dev inherits is already there.
        let again = try store.run(["add", try TestPKI.pem("root"), "--env", "dev", "--at", testTime])
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("already in 'dev' (inherited from 'prod')"), "\(again)")
        #expect(again.stdout.contains("nothing to add"), "\(again)")

        let check = try store.run(["check", "--env", "dev", "--at", testTime, "--format", "json"])
        #expect(check.status == 0, "\(check)")
        let report = try jsonObject(check.stdout)
        #expect((report["certificates"] as? [String: Int])?["dev"] == 4, "root, intermediate, other root, chain A: \(report)")

        // An expired root committed to prod with plain git is an error of dev too, named as inherited.
        try store.commitWithPlainGit(try TestPKI.pem("expired-root"), env: "prod")
        let expired = try store.run(["check", "--env", "dev", "--at", testTime])
        #expect(expired.status == 1, "\(expired)")
        #expect(expired.stdout.contains("Expired Root CA") && expired.stdout.contains("(inherited from 'prod')"),
                "\(expired)")
        try store.expectSound()
    }

    @Test("list shows where each certificate comes from, in text and JSON")
    func listShowsOrigin() throws {
        let store = try devExtendsProd()
        let text = try store.run(["list", "--env", "dev"])
        #expect(text.status == 0, "\(text)")
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(text)")
        #expect(lines.filter { $0.contains("(inherited from prod)") }.count == 2, "\(text)")
        #expect(lines.contains { $0.contains("CN=Other Root CA") && !$0.contains("inherited") }, "\(text)")
        #expect(lines.allSatisfy { $0.hasPrefix("dev ") }, "\(text)")

        let json = try store.run(["list", "--env", "dev", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let inherited = rows.filter { $0["inheritedFrom"] as? String == "prod" }.compactMap { $0["subject"] as? String }
        #expect(Set(inherited) == ["CN=Test Root CA,O=truststore tests", "CN=Test Intermediate CA,O=truststore tests"],
                "\(json)")
        #expect(rows.allSatisfy { $0["environment"] as? String == "dev" }, "\(json)")

        let envs = try store.run(["env", "list"])
        #expect(envs.stdout.contains("(extends prod) developer machines"), "\(envs)")
    }

    @Test("a cycle is refused by env extend, naming it; a cycle committed by hand makes commands fail naming it")
    func cycles() throws {
        let store = try devExtendsProd()
        let before = try store.snapshot()
        let cycle = try store.run(["env", "extend", "prod", "dev"])
        #expect(cycle.status == 64, "\(cycle)")
        #expect(cycle.stderr.contains("error: cannot make 'prod' extend 'dev': environment inheritance has a cycle: "
            + "prod -> dev -> prod"), "\(cycle)")
        #expect(cycle.stdout.isEmpty, "\(cycle)")
        #expect(try store.snapshot() == before, "a refused extend changes nothing")

        let selfCycle = try store.run(["env", "extend", "staging", "staging"])
        #expect(selfCycle.status == 64 && selfCycle.stderr.contains("staging -> staging"), "\(selfCycle)")

        let unknown = try store.run(["env", "add", "qa", "--extends", "prdo"])
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("unknown environment 'prdo'") && unknown.stderr.contains("did you mean 'prod'"),
                "\(unknown)")
        #expect(try store.snapshot() == before)

        // Hand edit through plain git: prod extends dev too.
        let path = store.root + "/truststore.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "[environments.prod]\n", with: "[environments.prod]\nextends = ['dev']\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        try store.git(["-c", "user.name=x", "-c", "user.email=y", "commit", "-q", "-am", "hand-made cycle"])
        for command in [["export", "dev", "--at", testTime], ["list"],
                        ["verify", "--env", "dev", try TestPKI.pem("leaf"), "--at", testTime]]
        {
            let r = try store.run(command)
            #expect(r.status == 2, "\(command): \(r)")
            #expect(r.stderr.contains("environment inheritance has a cycle: dev -> prod -> dev"), "\(command): \(r)")
            #expect(r.stdout.isEmpty, "\(command): \(r)")
        }
    }

    @Test("env extend adds a parent in one commit; env remove refuses an environment another extends")
    func extendAndRemove() throws {
        let store = try TestStore(environments: ["prod", "staging"])
        try store.addForEnvTests([try TestPKI.pem("other-root")], env: "prod")
        let count = try store.commitCount()
        let extend = try store.run(["env", "extend", "staging", "prod", "--reason", "staging mirrors prod"])
        #expect(extend.status == 0, "\(extend)")
        #expect(try store.commitCount() == count + 1)
        let trailers = try store.trailers()
        #expect(trailers.contains("Truststore-Action: env-extend") && trailers.contains("Truststore-Extends: prod"),
                "\(trailers)")
        let export = try store.run(["export", "staging", "--at", testTime])
        #expect(try fingerprints(ofBundle: export.stdout) == [try fingerprint(ofFile: try TestPKI.pem("other-root"))],
                "\(export)")

        let before = try store.snapshot()
        let remove = try store.run(["env", "remove", "prod", "--force", "--reason", "retired"])
        #expect(remove.status == 1, "\(remove)")
        #expect(remove.stderr.contains("environment 'staging' extends 'prod'; refusing to remove it"), "\(remove)")
        #expect(try store.snapshot() == before)
        try store.expectSound()
    }

    @Test("remove, show REV and diff of the work tree see what dev inherits")
    func otherCommandsResolveInheritance() throws {
        let store = try devExtendsProd()
        // An inherited certificate is not dev's to remove: the error says where it comes from.
        let before = try store.snapshot()
        let remove = try store.run(["remove", try TestPKI.pem("root"), "--env", "dev", "--reason", "r", "--at", testTime])
        #expect(remove.status == 1, "\(remove)")
        #expect(remove.stderr.contains("error: 'CN=Test Root CA,O=truststore tests' is not stored in 'dev': it is "
            + "inherited from 'prod'"), "\(remove)")
        #expect(remove.stderr.contains("hint: remove it from 'prod', or distrust it in 'dev'"), "\(remove)")
        #expect(try store.snapshot() == before)

        // show REV judges an intermediate added to dev against the root dev inherits.
        try store.addForEnvTests([try TestPKI.pem("chain-a")], env: "dev")
        let show = try store.run(["show", "HEAD"])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains("valid: passes every rule of 'add'"), "\(show)")
        #expect(!show.stdout.contains("does not chain"), "\(show)")

        // Removing dev's intermediate is fine; the root it chains to stays in prod.
        let removeOwn = try store.run(["remove", try TestPKI.pem("chain-a"), "--env", "dev", "--reason", "r",
                                       "--at", testTime])
        #expect(removeOwn.status == 0, "\(removeOwn)")

        // A hand-copied intermediate in stores/dev/ is validated against the inherited root too.
        try FileManager.default.copyItem(atPath: try TestPKI.pem("chain-a"), toPath: store.root + "/stores/dev/chain-a.pem")
        let diff = try store.run(["diff", "--at", testTime])
        #expect(diff.status == 0, "\(diff)")
        #expect(diff.stdout.contains("Chain A CA"), "\(diff)")
    }

    @Test("promote: one commit to the target whose trailers name both environments; log, show and blame render it")
    func promote() throws {
        let store = try TestStore(environments: ["prod", "staging"])
        try store.addForEnvTests([try TestPKI.pem("other-root")], env: "staging")
        let fp = try fingerprint(ofFile: try TestPKI.pem("other-root"))
        let count = try store.commitCount()
        let promote = try store.run(["promote", String(fp.prefix(12)), "--from", "staging", "--to", "prod",
                                     "--reason", "verified in staging for two weeks", "--at", testTime])
        #expect(promote.status == 0, "\(promote)")
        #expect(promote.stdout.contains("prod: promoted 1 certificate from 'staging'"), "\(promote)")
        #expect(try store.commitCount() == count + 1, "exactly one commit")
        let trailers = try store.trailers()
        for expected in ["Truststore-Action: promote", "Truststore-Environment: prod", "Truststore-From: staging",
                         "Truststore-Reason: verified in staging for two weeks",
                         "Truststore-Certificate: \(fp) root CN=Other Root CA,O=truststore tests"]
        {
            #expect(trailers.contains(expected), "\(expected) missing: \(trailers)")
        }
        let stat = try store.git(["show", "--stat", "--format=%s", "HEAD"]).stdout
        #expect(stat.contains("prod: promote root 'Other Root CA' from staging"), "\(stat)")
        #expect(stat.contains("stores/prod/other-root-ca_"), "\(stat)")
        #expect(!stat.contains("stores/staging/"), "staging keeps its copy untouched: \(stat)")
        let export = try store.run(["export", "prod", "--at", testTime])
        #expect(try fingerprints(ofBundle: export.stdout) == [fp], "\(export)")

        let log = try store.run(["log", "--env", "prod", "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        #expect(entries.first?["reason"] as? String == "verified in staging for two weeks", "\(log)")
        #expect((entries.first?["sources"] as? [String])?.first?.hasPrefix("env:staging") == true, "\(log)")
        let show = try store.run(["show", "HEAD"])
        #expect(show.stdout.contains("From:      staging") && show.stdout.contains("add    prod"), "\(show)")
        let blame = try store.run(["blame", String(fp.prefix(12))])
        #expect(blame.stdout.contains("prod: promote root 'Other Root CA' from staging"), "\(blame)")

        // Refused when already trusted there: exit 1, nothing changes.
        let before = try store.snapshot()
        let again = try store.run(["promote", fp, "--from", "staging", "--to", "prod", "--at", testTime])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("cannot promote to 'prod': already trusted there"), "\(again)")
        #expect(try store.snapshot() == before)
        try store.expectSound()
    }

    @Test("promote validates in the target as add does: an intermediate without a root there is refused")
    func promoteValidatesInTarget() throws {
        let store = try TestStore(environments: ["prod", "staging"])
        try store.addForEnvTests([try TestPKI.pem("root"), try TestPKI.pem("intermediate")], env: "staging")
        let before = try store.snapshot()
        let refused = try store.run(["promote", try TestPKI.pem("intermediate"), "--from", "staging", "--to", "prod",
                                     "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("does not chain to a root in 'prod'"), "\(refused)")
        #expect(refused.stdout.isEmpty, "\(refused)")
        #expect(try store.snapshot() == before)

        let missing = try store.run(["promote", "abcdef0123", "--from", "staging", "--to", "prod", "--at", testTime])
        #expect(missing.status == 1 && missing.stderr.contains("no certificate matching 'abcdef0123' in 'staging'"),
                "\(missing)")
        let same = try store.run(["promote", try TestPKI.pem("root"), "--from", "prod", "--to", "prod"])
        #expect(same.status == 64, "\(same)")

        // Root and intermediate together: the intermediate chains to the root promoted with it.
        let both = try store.run(["promote", try TestPKI.pem("root"), "--from", "staging", "--to", "prod", "--at", testTime])
        #expect(both.status == 0, "\(both)")
        let then = try store.run(["promote", try TestPKI.pem("intermediate"), "--from", "staging", "--to", "prod",
                                  "--at", testTime])
        #expect(then.status == 0, "\(then)")
        try store.expectSound()
    }

    @Test("env diff shows what each environment trusts that the other does not, both ways, text and JSON")
    func environmentDiff() throws {
        let store = try devExtendsProd()
        try store.addForEnvTests([try TestPKI.pem("rsa-root")], env: "staging")
        let other = try fingerprint(ofFile: try TestPKI.pem("other-root"))

        let diff = try store.run(["env", "diff", "dev", "prod"])
        #expect(diff.status == 0, "\(diff)")
        let lines = diff.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "--- dev" && lines.dropFirst().first == "+++ prod", "\(diff)")
        let changes = lines.dropFirst(2)
        #expect(changes.count == 1 && changes.first?.hasPrefix("- root         \(other.prefix(16))") == true, "\(diff)")
        #expect(diff.stderr.contains("1 only in 'dev', 0 only in 'prod', 2 in both"), "\(diff)")
        let exitCode = try store.run(["env", "diff", "dev", "prod", "--exit-code"])
        #expect(exitCode.status == 1 && exitCode.stdout == diff.stdout, "\(exitCode)")
        let same = try store.run(["env", "diff", "prod", "prod", "--exit-code"])
        #expect(same.status == 0, "\(same)")

        let reverse = try store.run(["env", "diff", "staging", "dev", "--format", "json"])
        #expect(reverse.status == 0, "\(reverse)")
        let json = try jsonObject(reverse.stdout)
        let onlyA = (json["onlyInA"] as? [[String: Any]])?.compactMap { $0["subject"] as? String }
        let onlyB = (json["onlyInB"] as? [[String: Any]]) ?? []
        #expect(onlyA == ["CN=Test RSA Root CA,O=truststore tests"], "\(json)")
        #expect(onlyB.count == 3, "\(json)")
        #expect(onlyB.filter { $0["inheritedFrom"] as? String == "prod" }.count == 2, "\(json)")
        #expect(json["common"] as? Int == 0, "\(json)")
        let unknown = try store.run(["env", "diff", "dev", "prdo"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown environment 'prdo'"), "\(unknown)")
    }
}

extension TestStore {
    /// `truststore add FILES --env ENV --at testTime --reason …`, which must succeed.
    func addForEnvTests(_ files: [String], env: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(["add"] + files + ["--env", env, "--at", testTime, "--reason", "test setup"])
        try #require(result.status == 0, "add failed: \(result)", sourceLocation: sourceLocation)
    }
}
