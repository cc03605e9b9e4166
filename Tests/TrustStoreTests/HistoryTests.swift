import Foundation
import Testing
import TestSupport

/// The history commands: `log`, `diff`, `show REV`, `blame`, `export --rev`/`--as-of` and `release`, over
/// histories made with truststore and with plain git (a commit without trailers, a `--no-ff` merge of two
/// branches that each added a certificate to prod, a `git revert` of an add). Plain-git commits get fixed
/// dates through `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE`, so their log, show and blame lines are asserted
/// literally; truststore stamps the current time, so its commits' dates are read back from git (`%at`) and
/// compared exactly with what the tool prints. Every truststore command that commits is followed by
/// `expectSound()`.
@Suite("history: log, diff, show REV, blame, export --rev/--as-of, release")
struct HistoryTests {
    // MARK: - log

    @Test("log groups every trust change by commit, newest first: truststore adds with reason and source, a plain-git commit without trailers, a git revert, and no group for a --no-ff merge that brings in only what its branch already reported")
    func logOfMixedHistory() throws {
        let h = try MixedHistory()
        let log = try h.store.run(["log"])
        #expect(log.status == 0, "\(log)")
        #expect(log.stderr.isEmpty, "\(log)")
        let expected = h.group(h.revert) + [""] + h.group(h.c4) + [""] + h.group(h.c3) + [""]
            + h.group(h.c2) + [""] + h.group(h.c1)
        #expect(textLines(log.stdout) == expected, "\(log)")

        // The literal form of the plain-git groups, to pin the format itself and not only the helper.
        let out = textLines(log.stdout)
        #expect(out.first == "2025-05-01T00:00:00Z  \(h.revert.prefix(12))  Bob <bob@example.test>")
        #expect(out.dropFirst().first == "    reason: (none recorded), committed without truststore trailers")
        #expect(out.dropFirst(2).first
            == "    remove prod     intermediate \(h.intermediate.fp16)  CN=Test Intermediate CA,O=truststore tests  (expires 2040-01-01)")
        #expect(out.contains(
            "    add    prod     root         \(h.otherRoot.fp16)  CN=Other Root CA,O=truststore tests  (expires 2044-01-01)"))
        #expect(out.contains("    reason: first prod root") && out.contains("    source: ticket-101"))
        // No group for the init commit: it changes no environment's certificates.
        #expect(!log.stdout.contains(String(try h.store.rev("\(h.c1)^").prefix(12))), "\(log)")
    }

    @Test("log filters: --since/--until by author date (a bare --until date covers the whole day, both ends inclusive), CERT as fingerprint prefix or file, --env, and usage errors")
    func logFilters() throws {
        let h = try MixedHistory()
        let store = h.store

        let year = try store.run(["log", "--since", "2025-01-01", "--until", "2025-12-31"])
        #expect(year.status == 0, "\(year)")
        #expect(textLines(year.stdout) == h.group(h.revert) + [""] + h.group(h.c2), "\(year)")

        let day = try store.run(["log", "--until", "2025-03-01"])
        #expect(day.status == 0, "\(day)")
        #expect(textLines(day.stdout) == h.group(h.c2), "a bare --until date includes 10:00 that day: \(day)")

        let inclusive = try store.run(["log", "--since", "2025-03-01T10:00:01Z", "--until", "2025-05-01T00:00:00Z"])
        #expect(inclusive.status == 0, "\(inclusive)")
        #expect(textLines(inclusive.stdout) == h.group(h.revert), "\(inclusive)")

        let exactSince = try store.run(["log", "--since", "2025-03-01T10:00:00Z", "--until", "2025-03-01T10:00:00Z"])
        #expect(textLines(exactSince.stdout) == h.group(h.c2), "\(exactSince)")

        // One certificate, by fingerprint prefix: its add on the branch and its revert (the merge adds nothing new).
        let byPrefix = try store.run(["log", String(h.intermediate.sha256.prefix(10))])
        #expect(byPrefix.status == 0, "\(byPrefix)")
        #expect(textLines(byPrefix.stdout) == h.group(h.revert) + [""] + h.group(h.c3), "\(byPrefix)")

        // One certificate, by file.
        let byFile = try store.run(["log", h.otherRoot.file])
        #expect(byFile.status == 0, "\(byFile)")
        #expect(textLines(byFile.stdout) == h.group(h.c2), "\(byFile)")

        let byEnv = try store.run(["log", "--env", "prod"])
        #expect(byEnv.stdout == (try store.run(["log"])).stdout, "\(byEnv)")

        let staging = try store.run(["log", "--env", "staging"])
        #expect(staging.status == 0, "\(staging)")
        #expect(staging.stdout.isEmpty, "\(staging)")
        #expect(staging.stderr.contains("no trust changes"), "\(staging)")

        let unknownEnv = try store.run(["log", "--env", "prdo"])
        #expect(unknownEnv.status == 64, "\(unknownEnv)")
        #expect(unknownEnv.stderr.contains("unknown environment 'prdo'"), "\(unknownEnv)")
        let badDate = try store.run(["log", "--since", "last tuesday"])
        #expect(badDate.status == 64, "\(badDate)")
        #expect(badDate.stdout.isEmpty, "\(badDate)")
    }

    @Test("log --format json: one object per change, newest first, with commit, author, action, environment, fingerprint, reason (absent for plain git) and hasTrailers")
    func logJSON() throws {
        let h = try MixedHistory()
        let result = try h.store.run(["log", "--format", "json"])
        #expect(result.status == 0, "\(result)")
        let array = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]],
                                 "\(result)")
        #expect(array.map { $0["commit"] as? String } == [h.revert, h.c4, h.c3, h.c2, h.c1])
        #expect(array.map { $0["action"] as? String } == ["remove", "add", "add", "add", "add"])
        #expect(array.map { $0["sha256"] as? String } == [
            h.intermediate.sha256, h.rsaRoot.sha256, h.intermediate.sha256, h.otherRoot.sha256, h.root.sha256,
        ])
        #expect(array.map { $0["environment"] as? String } == Array(repeating: "prod", count: 5))
        #expect(array.map { $0["hasTrailers"] as? Bool } == [false, true, true, false, true])
        #expect(array[0]["reason"] == nil && array[3]["reason"] == nil)
        #expect(array[4]["reason"] as? String == "first prod root")
        #expect(array[4]["sources"] as? [String] == ["ticket-101"])
        #expect(array[3]["author"] as? String == "Bob" && array[3]["authorEmail"] as? String == "bob@example.test")
        #expect(array[3]["date"] as? String == "2025-03-01T10:00:00Z")
        #expect(array[0]["summary"] as? String == "Revert \"prod: add intermediate 'Test Intermediate CA'\"")
    }

    @Test("log and blame --env accept an environment that only history knows (declared, populated, then removed)")
    func historyOfRemovedEnvironment() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        try store.mustRun(["env", "add", "qa"])
        try store.mustRun(["add", root.file, "--env", "qa", "--reason", "qa root", "--source", "ticket-7", "--at", testTime])
        let added = try store.rev("HEAD")
        try store.mustRun(["env", "remove", "qa", "--force", "--reason", "qa is retired"])
        let removed = try store.rev("HEAD")

        let log = try store.run(["log", "--env", "qa"])
        #expect(log.status == 0, "the history of an environment removed since is still history: \(log)")
        #expect(textLines(log.stdout) == [
            try store.header(removed), "    reason: qa is retired", logLine("remove", "qa", root), "",
            try store.header(added), "    reason: qa root", "    source: ticket-7", logLine("add", "qa", root),
        ], "\(log)")

        let blame = try store.run(["blame", root.file, "--env", "qa"])
        #expect(blame.status == 0, "\(blame)")
        #expect(textLines(blame.stdout).first == "qa: no longer trusted  \(root.fp16)  \(root.subject)", "\(blame)")
    }

    // MARK: - diff

    @Test("diff REV1 REV2 lists certificates added and removed per environment; one revision compares with the work tree; --exit-code exits 1 on differences")
    func diffBetweenRevisions() throws {
        let h = try MixedHistory()
        let store = h.store
        let head = try store.rev("HEAD")

        let forward = try store.run(["diff", h.c1, "HEAD"])
        #expect(forward.status == 0, "\(forward)")
        #expect(forward.stderr.isEmpty, "\(forward)")
        // stores/prod/other-root.pem sorts before stores/prod/test-rsa-root-ca_….pem; the intermediate was added
        // and reverted in between, so it is no difference.
        #expect(textLines(forward.stdout) == [
            "diff \(h.c1.prefix(12))..\(head.prefix(12))",
            "prod:",
            "  + root         \(h.otherRoot.fp16)  expires 2044-01-01  EC 256 (prime256v1)  CN=Other Root CA,O=truststore tests",
            "  + root         \(h.rsaRoot.fp16)  expires 2044-01-01  RSA 2048             CN=Test RSA Root CA,O=truststore tests",
            "2 added, 0 removed",
        ], "\(forward)")

        let backward = try store.run(["diff", "HEAD", h.c1])
        #expect(backward.status == 0, "\(backward)")
        #expect(textLines(backward.stdout) == [
            "diff \(head.prefix(12))..\(h.c1.prefix(12))",
            "prod:",
            diffLine("-", h.otherRoot),
            diffLine("-", h.rsaRoot),
            "0 added, 2 removed",
        ], "\(backward)")

        // What the merge brought in against its first parent, and what the revert took out.
        let merge = try store.run(["diff", h.c4, h.merge])
        #expect(textLines(merge.stdout) == [
            "diff \(h.c4.prefix(12))..\(h.merge.prefix(12))", "prod:", diffLine("+", h.intermediate), "1 added, 0 removed",
        ], "\(merge)")
        let revert = try store.run(["diff", h.merge, h.revert])
        #expect(textLines(revert.stdout) == [
            "diff \(h.merge.prefix(12))..\(h.revert.prefix(12))", "prod:", diffLine("-", h.intermediate),
            "0 added, 1 removed",
        ], "\(revert)")

        // Branch names as revisions.
        let branches = try store.run(["diff", "feature", "main"])
        #expect(textLines(branches.stdout) == [
            "diff \(h.c3.prefix(12))..\(head.prefix(12))", "prod:", diffLine("+", h.rsaRoot), diffLine("-", h.intermediate),
            "1 added, 1 removed",
        ], "\(branches)")

        // --exit-code: 1 on differences (nothing on stderr, like git diff --exit-code), 0 without.
        let exit1 = try store.run(["diff", h.c1, "HEAD", "--exit-code"])
        #expect(exit1.status == 1, "\(exit1)")
        #expect(exit1.stdout == forward.stdout, "\(exit1)")
        #expect(exit1.stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(exit1)")
        let same = try store.run(["diff", "HEAD", "HEAD", "--exit-code"])
        #expect(same.status == 0, "\(same)")
        #expect(textLines(same.stdout) == ["diff \(head.prefix(12))..\(head.prefix(12))", "no trust changes"], "\(same)")

        // --env limits the comparison.
        let staging = try store.run(["diff", h.c1, "HEAD", "--env", "staging", "--exit-code"])
        #expect(staging.status == 0, "\(staging)")
        #expect(textLines(staging.stdout) == ["diff \(h.c1.prefix(12))..\(head.prefix(12))", "no trust changes"],
                "\(staging)")

        // One revision: that revision against the (clean) work tree.
        let oneRev = try store.run(["diff", h.c1, "--at", testTime])
        #expect(oneRev.status == 0, "\(oneRev)")
        #expect(textLines(oneRev.stdout) == ["diff \(h.c1.prefix(12))..work tree"] + textLines(forward.stdout).dropFirst(),
                "\(oneRev)")

        // JSON.
        let json = try jsonObject(try store.run(["diff", h.c1, "HEAD", "--format", "json"]).stdout)
        #expect(json["from"] as? String == h.c1)
        #expect(json["to"] as? String == head)
        let differences = try #require(json["differences"] as? [[String: Any]])
        #expect(differences.map { $0["sha256"] as? String } == [h.otherRoot.sha256, h.rsaRoot.sha256])
        #expect(differences.map { $0["action"] as? String } == ["added", "added"])
        #expect(differences.map { $0["path"] as? String }.first == "stores/prod/other-root.pem")

        // Usage errors.
        #expect(try store.run(["diff", "a", "b", "c"]).status == 64)
        #expect(try store.run(["diff", "no-such-branch"]).status == 64)
        #expect(try store.run(["diff", "--env", "prdo"]).status == 64)
        try store.expectSound()
    }

    @Test("diff with no revision shows hand edits of the work tree (a PEM copied into stores/prod, one deleted), validates each addition as add would, and exits 1 when one fails (not-a-ca, a broken chain)")
    func diffOfWorkTree() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        let otherRoot = try PKICert("other-root", expires: "2044-01-01")
        let chainA = try PKICert("chain-a", expires: "2040-01-01")
        let chainB = try PKICert("chain-b", expires: "2040-01-01")
        let notACA = try PKICert("not-a-ca", expires: "2036-01-01")
        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "prod root", "--at", testTime])
        try store.commitFilesWithPlainGit([otherRoot.file], env: "prod", message: "other root", date: "2025-03-01T00:00:00Z")
        try store.expectSound()
        let head = try store.rev("HEAD")

        let clean = try store.run(["diff", "--exit-code"])
        #expect(clean.status == 0, "\(clean)")
        #expect(textLines(clean.stdout) == ["diff \(head.prefix(12))..work tree", "no trust changes"], "\(clean)")

        // Hand edits: one PEM copied in, one deleted.
        try FileManager.default.copyItem(atPath: chainA.file, toPath: store.root + "/stores/prod/chain-a.pem")
        try FileManager.default.removeItem(atPath: store.root + "/stores/prod/other-root.pem")
        let edits = try store.run(["diff", "--at", testTime])
        #expect(edits.status == 0, "\(edits)")
        #expect(edits.stderr.isEmpty, "\(edits)")
        let editLines = [
            "diff \(head.prefix(12))..work tree",
            "prod:",
            "  + intermediate \(chainA.fp16)  expires 2040-01-01  EC 256 (prime256v1)  CN=Chain A CA,O=truststore tests",
            "  - root         \(otherRoot.fp16)  expires 2044-01-01  EC 256 (prime256v1)  CN=Other Root CA,O=truststore tests",
            "1 added, 1 removed",
        ]
        #expect(textLines(edits.stdout) == editLines, "\(edits)")
        let withExit = try store.run(["diff", "--at", testTime, "--exit-code"])
        #expect(withExit.status == 1, "\(withExit)")
        #expect(withExit.stdout == edits.stdout, "\(withExit)")
        let oneRev = try store.run(["diff", "HEAD", "--at", testTime])
        #expect(oneRev.status == 0 && oneRev.stdout == edits.stdout, "\(oneRev)")
        let dev = try store.run(["diff", "--env", "dev", "--exit-code"])
        #expect(dev.status == 0, "\(dev)")
        #expect(textLines(dev.stdout) == ["diff \(head.prefix(12))..work tree", "no trust changes"], "\(dev)")

        // Chain B completes its path through Chain A, which is only in the work tree: valid.
        try FileManager.default.copyItem(atPath: chainB.file, toPath: store.root + "/stores/prod/chain-b.pem")
        let chained = try store.run(["diff", "--at", testTime])
        #expect(chained.status == 0, "\(chained)")
        #expect(textLines(chained.stdout) == [
            editLines[0], editLines[1], editLines[2], diffLine("+", chainB), editLines[3], "2 added, 1 removed",
        ], "\(chained)")

        // Without Chain A, Chain B no longer chains to a root of prod.
        try FileManager.default.removeItem(atPath: store.root + "/stores/prod/chain-a.pem")
        let broken = try store.run(["diff", "--at", testTime])
        #expect(broken.status == 1, "\(broken)")
        let brokenLines = textLines(broken.stdout)
        #expect(brokenLines.prefix(4) == [editLines[0], editLines[1], diffLine("+", chainB),
                                          "      error: does not chain to a root in 'prod': issuer 'CN=Chain A CA,O=truststore tests' is not in the environment (OpenSSL error 20: unable to get local issuer certificate)"],
                "\(broken)")
        #expect(broken.stderr.contains("fails validation"), "\(broken)")
        try FileManager.default.removeItem(atPath: store.root + "/stores/prod/chain-b.pem")

        // An end-entity certificate copied in by hand: the finding of add, exit 1.
        try FileManager.default.copyItem(atPath: chainA.file, toPath: store.root + "/stores/prod/chain-a.pem")
        try FileManager.default.copyItem(atPath: notACA.file, toPath: store.root + "/stores/prod/not-a-ca.pem")
        let invalid = try store.run(["diff", "--at", testTime])
        #expect(invalid.status == 1, "\(invalid)")
        #expect(textLines(invalid.stdout) == [
            editLines[0], editLines[1], editLines[2],
            "  + intermediate \(notACA.fp16)  expires 2036-01-01  EC 256 (prime256v1)  CN=not-a-ca.test,O=truststore tests",
            "      error: not a CA certificate: basicConstraints CA:FALSE (end-entity certificate); a trust store holds CA certificates only",
            editLines[3], "2 added, 1 removed",
        ], "\(invalid)")
        #expect(invalid.stderr.hasPrefix("error: a certificate added in the work tree fails validation"), "\(invalid)")
        // The same rule as add.
        let add = try store.run(["add", notACA.file, "--env", "prod", "--at", testTime])
        #expect(add.status == 1 && add.stderr.contains("not a CA certificate: basicConstraints CA:FALSE"), "\(add)")
        let json = try jsonObject(try store.run(["diff", "--at", testTime, "--format", "json"]).stdout)
        #expect(json["to"] as? String == "work tree")
        let differences = try #require(json["differences"] as? [[String: Any]])
        let findings = differences.first { $0["sha256"] as? String == notACA.sha256 }?["findings"] as? [[String: Any]]
        #expect(findings?.map { $0["severity"] as? String } == ["error"], "\(differences)")
        #expect(findings?.map { $0["rule"] as? String } == ["ca-constraints"], "\(differences)")

        // Commit the valid hand edit with plain git: diff HEAD~1 HEAD shows the same lines, log shows the commit.
        try FileManager.default.removeItem(atPath: store.root + "/stores/prod/not-a-ca.pem")
        try #require(try store.git(["add", "-A", "stores/"]).status == 0)
        try store.plainCommit("hand edit: Chain A in, Other Root out", date: "2025-04-01T00:00:00Z")
        try store.expectSound()
        let committed = try store.run(["diff", "HEAD~1", "HEAD"])
        #expect(textLines(committed.stdout) == ["diff \(head.prefix(12))..\(try store.rev("HEAD").prefix(12))"]
            + editLines.dropFirst(), "\(committed)")
        let log = try store.run(["log", "--since", "2025-04-01", "--until", "2025-04-01"])
        #expect(textLines(log.stdout) == [
            "2025-04-01T00:00:00Z  \(try store.rev("HEAD").prefix(12))  Bob <bob@example.test>",
            "    reason: (none recorded), committed without truststore trailers",
            logLine("add", "prod", chainA), logLine("remove", "prod", otherRoot),
        ], "\(log)")
        let after = try store.run(["diff", "--exit-code"])
        #expect(after.status == 0 && textLines(after.stdout).last == "no trust changes", "\(after)")
    }

    // MARK: - show

    @Test("show REV of a truststore commit, a plain-git commit, a merge and a revert: commit, author, date, summary, Reason/Source and one verdict per added certificate")
    func showRevisions() throws {
        let h = try MixedHistory()
        let store = h.store

        let c1 = try store.run(["show", h.c1])
        #expect(c1.status == 0, "\(c1)")
        #expect(textLines(c1.stdout) == [
            "commit \(h.c1)",
            "Author: Test Author <test.author@example.test>",
            "Date:   \(try store.authorDate(h.c1))",
            "",
            "    prod: add root 'Test Root CA'",
            "",
            "Reason:    first prod root",
            "Source:    ticket-101",
            "Changes (validated at 2025-06-01T00:00:00Z):",
            "  add    prod     root         \(h.root.fp16)  expires 2044-01-01  CN=Test Root CA,O=truststore tests",
            "      valid: passes every rule of 'add'",
        ], "\(c1)")

        let c2 = try store.run(["show", h.c2])
        #expect(textLines(c2.stdout) == [
            "commit \(h.c2)",
            "Author: Bob <bob@example.test>",
            "Date:   2025-03-01T10:00:00Z",
            "",
            "    hand-added Other Root CA",
            "",
            "Reason:    (none recorded), committed without truststore trailers",
            "Changes (validated at 2025-03-01T10:00:00Z):",
            "  add    prod     root         \(h.otherRoot.fp16)  expires 2044-01-01  CN=Other Root CA,O=truststore tests",
            "      valid: passes every rule of 'add'",
        ], "\(c2)")

        let merge = try store.run(["show", h.merge])
        #expect(textLines(merge.stdout) == [
            "commit \(h.merge) (merge of 2 parents)",
            "Author: Bob <bob@example.test>",
            "Date:   2025-04-01T00:00:00Z",
            "",
            "    Merge branch 'feature'",
            "",
            "Reason:    (none recorded), committed without truststore trailers",
            "Changes:   none to any environment's certificates",
        ], "\(merge)")

        let revert = try store.run(["show", h.revert])
        #expect(textLines(revert.stdout) == [
            "commit \(h.revert)",
            "Author: Bob <bob@example.test>",
            "Date:   2025-05-01T00:00:00Z",
            "",
            "    Revert \"prod: add intermediate 'Test Intermediate CA'\"",
            "",
            "Reason:    (none recorded), committed without truststore trailers",
            "Changes (validated at 2025-05-01T00:00:00Z):",
            "  remove prod     intermediate \(h.intermediate.fp16)  expires 2040-01-01  CN=Test Intermediate CA,O=truststore tests",
        ], "\(revert)")

        let c3 = try store.run(["show", h.c3])
        #expect(textLines(c3.stdout) == [
            "commit \(h.c3)",
            "Author: Test Author <test.author@example.test>",
            "Date:   \(try store.authorDate(h.c3))",
            "",
            "    prod: add intermediate 'Test Intermediate CA'",
            "",
            "Reason:    payments API sends a leaf-only chain",
            "Source:    https://pki.example.test/feature",
            "Changes (validated at 2025-06-01T00:00:00Z):",
            "  add    prod     intermediate \(h.intermediate.fp16)  expires 2040-01-01  CN=Test Intermediate CA,O=truststore tests",
            "      valid: passes every rule of 'add'",
        ], "\(c3)")

        // Branches, tags (lightweight and annotated), HEAD expressions and abbreviated ids name the same commits.
        #expect(try store.run(["show", "feature"]).stdout == c3.stdout)
        #expect(try store.run(["show", "HEAD"]).stdout == revert.stdout)
        #expect(try store.run(["show", "HEAD~1"]).stdout == merge.stdout)
        #expect(try store.git(["tag", "merged", h.merge]).status == 0)
        #expect(try store.run(["show", "merged"]).stdout == merge.stdout)
        #expect(try store.plainGit(["tag", "-a", "-m", "annotated", "annotated-c2", h.c2], date: "2025-03-02T00:00:00Z")
            .status == 0)
        #expect(try store.run(["show", "annotated-c2"]).stdout == c2.stdout)
        #expect(try store.run(["show", String(h.c2.prefix(12))]).stdout == c2.stdout)

        // A commit that changes no certificate (init).
        let initCommit = try store.rev("\(h.c1)^")
        let initShow = try store.run(["show", initCommit])
        #expect(initShow.status == 0, "\(initShow)")
        #expect(textLines(initShow.stdout).suffix(2) == [
            "Reason:    (none recorded)", "Changes:   none to any environment's certificates",
        ], "\(initShow)")

        // JSON.
        let json = try jsonObject(try store.run(["show", h.merge, "--format", "json"]).stdout)
        #expect(json["commit"] as? String == h.merge)
        #expect(json["parents"] as? [String] == [h.c4, h.c3])
        #expect(json["validatedAt"] as? String == "2025-04-01T00:00:00Z")
        let changes = try #require(json["changes"] as? [[String: Any]])
        #expect(changes.isEmpty, "the merge brings in only what its branch commit already reported")
        try store.expectSound()
    }

    @Test("show REV gives the findings of add for certificates a plain-git commit slipped in (expired, not a CA, unchained), and exits 0")
    func showVerdictsOfPlainGitCommit() throws {
        let store = try TestStore()
        let expired = try PKICert("expired-root", expires: "2025-01-01")
        let notACA = try PKICert("not-a-ca", expires: "2036-01-01")
        let otherIntermediate = try PKICert("other-intermediate", expires: "2040-01-01")
        let root = try PKICert("root", expires: "2044-01-01")
        try store.commitFilesWithPlainGit([expired.file, notACA.file, otherIntermediate.file, root.file], env: "prod",
                                          message: "bulk import", date: "2025-06-01T00:00:00Z")
        try store.expectSound()
        let head = try store.rev("HEAD")
        let show = try store.run(["show", "HEAD"])
        #expect(show.status == 0, "\(show)")
        let lines = textLines(show.stdout)
        #expect(lines.prefix(8) == [
            "commit \(head)", "Author: Bob <bob@example.test>", "Date:   2025-06-01T00:00:00Z", "", "    bulk import", "",
            "Reason:    (none recorded), committed without truststore trailers",
            "Changes (validated at 2025-06-01T00:00:00Z):",
        ], "\(show)")
        // expired-root.pem, not-a-ca.pem, other-intermediate.pem, root.pem: path order.
        let verdicts = Array(lines.dropFirst(8))
        try #require(verdicts.count == 8, "\(show)")
        #expect(verdicts[0] == "  add    prod     root         \(expired.fp16)  expires 2025-01-01  CN=Expired Root CA,O=truststore tests")
        #expect(verdicts[1].hasPrefix("      error: expired on 2025-01-01T00:00:00Z"), "\(verdicts[1])")
        #expect(verdicts[2] == "  add    prod     intermediate \(notACA.fp16)  expires 2036-01-01  CN=not-a-ca.test,O=truststore tests")
        #expect(verdicts[3].hasPrefix("      error: not a CA certificate"), "\(verdicts[3])")
        #expect(verdicts[4] == "  add    prod     intermediate \(otherIntermediate.fp16)  expires 2040-01-01  CN=Other Intermediate CA,O=truststore tests")
        #expect(verdicts[5].hasPrefix("      error: does not chain to a root in 'prod'")
            && verdicts[5].contains("CN=Other Root CA,O=truststore tests"), "\(verdicts[5])")
        #expect(verdicts[6] == "  add    prod     root         \(root.fp16)  expires 2044-01-01  CN=Test Root CA,O=truststore tests")
        #expect(verdicts[7] == "      valid: passes every rule of 'add'")
    }

    @Test("show CERT still shows a certificate; a name that is both a revision and a certificate is refused (exit 64)")
    func showCertificateOrRevision() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "prod root", "--source", "ticket-1", "--at", testTime])
        let c1 = try store.rev("HEAD")

        let cert = try store.run(["show", String(root.fp16)])
        #expect(cert.status == 0, "\(cert)")
        let lines = textLines(cert.stdout)
        #expect(lines.first == "Subject:            CN=Test Root CA,O=truststore tests", "\(cert)")
        #expect(lines.contains("SHA-256:            \(root.sha256)"), "\(cert)")
        #expect(lines.contains(
            "  add prod on \(try store.authorDate(c1)) by Test Author <test.author@example.test> in commit \(c1.prefix(12))"),
                "\(cert)")
        #expect(try store.run(["show", root.file]).stdout == cert.stdout)

        // A branch named like the certificate's fingerprint prefix: ambiguous.
        #expect(try store.git(["branch", String(root.fp16)]).status == 0)
        let before = try store.snapshot()
        let ambiguous = try store.run(["show", String(root.fp16)])
        #expect(ambiguous.status == 64, "\(ambiguous)")
        #expect(ambiguous.stdout.isEmpty, "\(ambiguous)")
        #expect(ambiguous.stderr.contains("'\(root.fp16)' names both a commit and a certificate"), "\(ambiguous)")
        #expect(try store.snapshot() == before)
        // More digits name only the certificate; the full commit id only the commit.
        #expect(textLines(try store.run(["show", root.sha256]).stdout).first == lines.first)
        #expect(textLines(try store.run(["show", c1]).stdout).first == "commit \(c1)")
        try store.expectSound()
    }

    // MARK: - blame

    @Test("blame over the mixed history: a truststore add with reason and source, a plain-git add without trailers")
    func blameMixedHistory() throws {
        let h = try MixedHistory()
        let store = h.store
        let root = try store.run(["blame", String(h.root.fp16)])
        #expect(root.status == 0, "\(root)")
        #expect(textLines(root.stdout) == [
            "prod: trusted  \(h.root.fp16)  CN=Test Root CA,O=truststore tests",
            "  added \(try store.authorDate(h.c1)) by Test Author <test.author@example.test> in commit \(h.c1.prefix(12)): prod: add root 'Test Root CA'",
            "    reason: first prod root",
            "    source: ticket-101",
        ], "\(root)")

        let other = try store.run(["blame", h.otherRoot.file])
        #expect(other.status == 0, "\(other)")
        #expect(textLines(other.stdout) == [
            "prod: trusted  \(h.otherRoot.fp16)  CN=Other Root CA,O=truststore tests",
            "  added 2025-03-01T10:00:00Z by Bob <bob@example.test> in commit \(h.c2.prefix(12)): hand-added Other Root CA",
            "    reason: (none recorded), committed without truststore trailers",
        ], "\(other)")

        let rsa = try store.run(["blame", String(h.rsaRoot.sha256.prefix(8)), "--env", "prod"])
        #expect(textLines(rsa.stdout) == [
            "prod: trusted  \(h.rsaRoot.fp16)  CN=Test RSA Root CA,O=truststore tests",
            "  added \(try store.authorDate(h.c4)) by Test Author <test.author@example.test> in commit \(h.c4.prefix(12)): prod: add root 'Test RSA Root CA'",
            "    reason: RSA clients",
            "    source: ticket-102",
        ], "\(rsa)")
    }

    @Test("blame of a certificate added on a branch, merged with --no-ff and reverted names the commit that added it on the branch (with its reason and source) and the revert, not the merge")
    func blameThroughMergeAndRevert() throws {
        let h = try MixedHistory()
        let blame = try h.store.run(["blame", h.intermediate.file])
        #expect(blame.status == 0, "\(blame)")
        #expect(textLines(blame.stdout) == [
            "prod: no longer trusted  \(h.intermediate.fp16)  CN=Test Intermediate CA,O=truststore tests",
            "  added \(try h.store.authorDate(h.c3)) by Test Author <test.author@example.test> in commit \(h.c3.prefix(12)): prod: add intermediate 'Test Intermediate CA'",
            "    reason: payments API sends a leaf-only chain",
            "    source: https://pki.example.test/feature",
            "  removed 2025-05-01T00:00:00Z by Bob <bob@example.test> in commit \(h.revert.prefix(12)): Revert \"prod: add intermediate 'Test Intermediate CA'\"",
            "    reason: (none recorded), committed without truststore trailers",
        ], "\(blame)")
        #expect(!blame.stdout.contains("added 2 times"), "it was added once, on the branch: \(blame)")
    }

    @Test("blame per environment: trusted in prod, removed from staging (with the removal's reason), re-added (counted), --env, JSON, and a certificate never added (exit 1)")
    func blameEnvironments() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "prod root", "--source", "ticket-1", "--at", testTime])
        let a1 = try store.rev("HEAD")
        try store.mustRun(["add", root.file, "--env", "staging", "--reason", "staging root", "--source", "ticket-2", "--at", testTime])
        let a2 = try store.rev("HEAD")
        try store.mustRun(["remove", String(root.fp16), "--env", "staging", "--reason", "staging moves to the RSA root", "--at", testTime])
        let r3 = try store.rev("HEAD")

        let prodLines = [
            "prod: trusted  \(root.fp16)  CN=Test Root CA,O=truststore tests",
            "  added \(try store.authorDate(a1)) by Test Author <test.author@example.test> in commit \(a1.prefix(12)): prod: add root 'Test Root CA'",
            "    reason: prod root",
            "    source: ticket-1",
        ]
        let stagingLines = [
            "staging: no longer trusted  \(root.fp16)  CN=Test Root CA,O=truststore tests",
            "  added \(try store.authorDate(a2)) by Test Author <test.author@example.test> in commit \(a2.prefix(12)): staging: add root 'Test Root CA'",
            "    reason: staging root",
            "    source: ticket-2",
            "  removed \(try store.authorDate(r3)) by Test Author <test.author@example.test> in commit \(r3.prefix(12)): staging: remove root 'Test Root CA'",
            "    reason: staging moves to the RSA root",
        ]
        let all = try store.run(["blame", String(root.fp16)])
        #expect(all.status == 0, "\(all)")
        #expect(textLines(all.stdout) == prodLines + stagingLines, "\(all)")
        #expect(try store.run(["blame", root.file]).stdout == all.stdout)
        let staging = try store.run(["blame", String(root.fp16), "--env", "staging"])
        #expect(textLines(staging.stdout) == stagingLines, "\(staging)")

        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(try store.run(["blame", root.sha256, "--format", "json"]).stdout.utf8)) as? [[String: Any]])
        #expect(json.map { $0["environment"] as? String } == ["prod", "staging"])
        #expect(json.map { $0["trusted"] as? Bool } == [true, false])
        #expect((json[1]["removed"] as? [String: Any])?["commit"] as? String == r3)
        #expect((json[1]["added"] as? [String: Any])?["commit"] as? String == a2)
        #expect(json.map { $0["timesAdded"] as? Int } == [1, 1])

        // Added again: trusted, the latest add, and the count.
        try store.mustRun(["add", root.file, "--env", "staging", "--reason", "back in staging", "--at", testTime])
        let a4 = try store.rev("HEAD")
        let again = try store.run(["blame", String(root.fp16), "--env", "staging"])
        #expect(textLines(again.stdout) == [
            "staging: trusted  \(root.fp16)  CN=Test Root CA,O=truststore tests",
            "  added \(try store.authorDate(a4)) by Test Author <test.author@example.test> in commit \(a4.prefix(12)): staging: add root 'Test Root CA'",
            "    reason: back in staging",
            "    source: file:\(root.file)",
            "  (added 2 times in all; see 'truststore log \(root.fp16)')",
        ], "\(again)")

        let never = try store.run(["blame", try TestPKI.pem("other-root")])
        #expect(never.status == 1, "\(never)")
        #expect(never.stdout.isEmpty, "\(never)")
        #expect(never.stderr.contains("no trust change of a certificate matching"), "\(never)")
        #expect(try store.run(["blame", String(root.fp16), "--env", "prdo"]).status == 64)
        #expect(try store.run(["blame", String(root.fp16), "--env", "dev"]).status == 1)
    }

    // MARK: - export --rev / --as-of

    @Test("export --rev X is byte-identical to what export printed when X was HEAD (by id, tag, branch, HEAD~N); --as-of picks the last commit at or before the time")
    func exportAsOfRevisions() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        let intermediate = try PKICert("intermediate", expires: "2040-01-01")
        let otherRoot = try PKICert("other-root", expires: "2044-01-01")
        var exports: [(commit: String, bytes: Data)] = []

        func capture() throws {
            let result = try store.run(["export", "prod"])
            try #require(result.status == 0, "\(result)")
            exports.append((try store.rev("HEAD"), result.stdoutBytes))
        }

        let initCommit = try store.rev("HEAD")
        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "one", "--at", testTime])
        try capture()
        Thread.sleep(forTimeInterval: 1.1)
        try store.mustRun(["add", intermediate.file, "--env", "prod", "--reason", "two", "--at", testTime])
        try capture()
        Thread.sleep(forTimeInterval: 1.1)
        try store.mustRun(["add", otherRoot.file, "--env", "prod", "--reason", "three", "--at", testTime])
        try capture()
        Thread.sleep(forTimeInterval: 1.1)
        try store.mustRun(["remove", String(intermediate.fp16), "--env", "prod", "--reason", "four", "--at", testTime])
        try capture()
        Thread.sleep(forTimeInterval: 1.1)
        try store.mustRun(["env", "add", "qa"])
        try capture()

        // Every state's bundle is distinct except the last two (env add changes no certificate of prod).
        #expect(Set(exports.prefix(4).map(\.bytes)).count == 4)
        #expect(exports[3].bytes == exports[4].bytes)
        #expect(try fingerprints(ofBundle: String(decoding: exports[1].bytes, as: UTF8.self)).sorted()
            == [root.sha256, intermediate.sha256].sorted())

        for (n, state) in exports.enumerated() {
            let byID = try store.run(["export", "prod", "--rev", state.commit])
            #expect(byID.status == 0, "\(byID)")
            #expect(byID.stdoutBytes == state.bytes, "export --rev of state \(n + 1) differs from the export made then")
            let byAbbrev = try store.run(["export", "prod", "--rev", String(state.commit.prefix(10))])
            #expect(byAbbrev.stdoutBytes == state.bytes, "state \(n + 1) by abbreviated id")
            let relative = try store.run(["export", "prod", "--rev", "HEAD~\(exports.count - 1 - n)"])
            #expect(relative.stdoutBytes == state.bytes, "state \(n + 1) as HEAD~\(exports.count - 1 - n)")
        }
        #expect(try store.git(["tag", "state-2", exports[1].commit]).status == 0)
        #expect(try store.run(["export", "prod", "--rev", "state-2"]).stdoutBytes == exports[1].bytes)
        #expect(try store.plainGit(["tag", "-a", "-m", "state three", "state-3", exports[2].commit],
                                   date: "2025-01-01T00:00:00Z").status == 0)
        #expect(try store.run(["export", "prod", "--rev", "state-3"]).stdoutBytes == exports[2].bytes)
        #expect(try store.git(["branch", "old-main", exports[0].commit]).status == 0)
        #expect(try store.run(["export", "prod", "--rev", "old-main"]).stdoutBytes == exports[0].bytes)

        // --as-of: exactly at a commit's time picks it; one second before the next commit still picks it.
        for n in 0..<exports.count {
            let time = try store.commitTime(exports[n].commit)
            let at = try store.run(["export", "prod", "--as-of", rfc3339(time)])
            #expect(at.status == 0, "\(at)")
            #expect(at.stdoutBytes == exports[n].bytes, "--as-of the time of state \(n + 1)")
            if n + 1 < exports.count {
                let justBefore = try store.run(["export", "prod", "--as-of", rfc3339(try store.commitTime(exports[n + 1].commit) - 1)])
                #expect(justBefore.stdoutBytes == exports[n].bytes, "--as-of one second before state \(n + 2)")
            }
        }
        let future = try store.run(["export", "prod", "--as-of", "2030-01-01T00:00:00Z"])
        #expect(future.status == 0 && future.stdoutBytes == exports[4].bytes, "\(future)")
        let tooEarly = try store.run(["export", "prod", "--as-of", "2020-01-01T00:00:00Z"])
        #expect(tooEarly.status == 1, "\(tooEarly)")
        #expect(tooEarly.stdout.isEmpty, "\(tooEarly)")
        #expect(tooEarly.stderr.contains("no commit at or before 2020-01-01T00:00:00Z"), "\(tooEarly)")

        // The init commit holds no certificate of prod: an error, never an empty bundle.
        let empty = try store.run(["export", "prod", "--rev", initCommit])
        #expect(empty.status == 1, "\(empty)")
        #expect(empty.stdout.isEmpty, "\(empty)")

        // -o writes the same bytes.
        let file = store.temp.file("state-2.pem")
        let written = try store.run(["export", "prod", "--rev", exports[1].commit, "-o", file])
        #expect(written.status == 0, "\(written)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == exports[1].bytes)

        // An environment removed since can still be exported as it was.
        try store.mustRun(["add", root.file, "--env", "qa", "--reason", "qa", "--at", testTime])
        let qa = try store.run(["export", "qa"])
        try #require(qa.status == 0, "\(qa)")
        let qaCommit = try store.rev("HEAD")
        try store.mustRun(["env", "remove", "qa", "--force", "--reason", "qa is retired"])
        let qaThen = try store.run(["export", "qa", "--rev", qaCommit])
        #expect(qaThen.status == 0, "\(qaThen)")
        #expect(qaThen.stdoutBytes == qa.stdoutBytes)

        // Usage errors.
        #expect(try store.run(["export", "prod", "--rev", "HEAD", "--as-of", "2030-01-01"]).status == 64)
        #expect(try store.run(["export", "prod", "--rev", "no-such-rev"]).status == 64)
        #expect(try store.run(["export", "prod", "--as-of", "soon"]).status == 64)
        try store.expectSound()
    }

    @Test("export --rev and --as-of validate at the commit's time (or the as-of time) by default: a root expired today is exported as it was then; --at overrides")
    func exportTimeDefaultsToCommitTime() throws {
        let store = try TestStore()
        let expired = try PKICert("expired-root", expires: "2025-01-01")
        let root = try PKICert("root", expires: "2044-01-01")
        let otherRoot = try PKICert("other-root", expires: "2044-01-01")
        try store.commitFilesWithPlainGit([expired.file, root.file], env: "prod", message: "roots of mid-2024",
                                          date: "2024-06-01T00:00:00Z")
        try store.expectSound()
        let old = try store.rev("HEAD")
        try store.mustRun(["add", otherRoot.file, "--env", "prod", "--reason", "later", "--at", testTime])

        let then = try store.run(["export", "prod", "--rev", old])
        #expect(then.status == 0, "\(then)")
        #expect(try fingerprints(ofBundle: then.stdout).sorted() == [expired.sha256, root.sha256].sorted(), "\(then)")
        #expect(!then.stderr.contains("left out"), "\(then)")

        let asOf = try store.run(["export", "prod", "--as-of", "2024-06-02T00:00:00Z"])
        #expect(asOf.status == 0, "\(asOf)")
        #expect(asOf.stdoutBytes == then.stdoutBytes, "\(asOf)")

        let now = try store.run(["export", "prod", "--rev", old, "--at", testTime])
        #expect(now.status == 0, "\(now)")
        #expect(try fingerprints(ofBundle: now.stdout) == [root.sha256], "\(now)")
        #expect(now.stderr.contains("left out 'CN=Expired Root CA,O=truststore tests' (\(expired.fp16))"), "\(now)")

        let head = try store.run(["export", "prod"])
        #expect(try fingerprints(ofBundle: head.stdout).sorted() == [root.sha256, otherRoot.sha256].sorted(), "\(head)")
        #expect(head.stderr.contains("left out 'CN=Expired Root CA,O=truststore tests'"), "\(head)")
    }

    @Test("export --rev of every commit of a history with plain-git commits, a merge and a revert is byte-identical to what export printed then; --as-of follows the first-parent line")
    func exportMixedHistory() throws {
        let h = try MixedHistory()
        let store = h.store
        let commits = [h.c1, h.c2, h.c3, h.c4, h.merge, h.revert]
        #expect(Set(h.exports.keys) == Set(commits))
        for (n, commit) in commits.enumerated() {
            let then = try #require(h.exports[commit])
            let again = try store.run(["export", "prod", "--rev", commit])
            #expect(again.status == 0, "\(again)")
            #expect(again.stdoutBytes == then, "export --rev of commit \(n + 1) differs from the export made then")
        }
        // The merge brought the intermediate in; the revert took it out again: back to c4's bundle.
        #expect(h.exports[h.merge] != h.exports[h.c4])
        #expect(h.exports[h.revert] == h.exports[h.c4])
        #expect(try fingerprints(ofBundle: String(decoding: h.exports[h.merge] ?? Data(), as: UTF8.self)).sorted()
            == [h.root.sha256, h.otherRoot.sha256, h.intermediate.sha256, h.rsaRoot.sha256].sorted())
        #expect(try store.run(["export", "prod", "--rev", "feature"]).stdoutBytes == h.exports[h.c3])

        // Walking HEAD's first parents: revert (2025-05-01), merge (2025-04-01), c4 and c1 (today), c2 (2025-03-01).
        let atRevert = try store.run(["export", "prod", "--as-of", "2025-05-01T00:00:00Z"])
        #expect(atRevert.status == 0 && atRevert.stdoutBytes == h.exports[h.revert], "\(atRevert)")
        let afterMerge = try store.run(["export", "prod", "--as-of", "2025-04-15T00:00:00Z"])
        #expect(afterMerge.status == 0 && afterMerge.stdoutBytes == h.exports[h.merge], "\(afterMerge)")
        let afterC2 = try store.run(["export", "prod", "--as-of", "2025-03-15"])
        #expect(afterC2.status == 0 && afterC2.stdoutBytes == h.exports[h.c2], "\(afterC2)")
        let beforeAll = try store.run(["export", "prod", "--as-of", "2025-03-01T09:59:59Z"])
        #expect(beforeAll.status == 1 && beforeAll.stdout.isEmpty, "\(beforeAll)")
    }

    // MARK: - release

    @Test("release: a distrust recorded in truststore.toml alone is major, lifting it minor; each is listed in the notes")
    func releaseCountsConfigurationTrust() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        let otherRoot = try PKICert("other-root", expires: "2044-01-01")
        try store.mustRun(["add", root.file, otherRoot.file, "--env", "prod", "--reason", "roots", "--at", testTime])
        #expect(try store.run(["release"]).status == 0)
        try store.mustRun(["distrust", String(otherRoot.fp16), "--env", "prod", "--reason", "partner left"])
        let v2 = try store.run(["release"])
        #expect(v2.status == 0, "\(v2)")
        #expect(textLines(v2.stdout).first == "Release v2.0.0 (major: 1 trust reduction in truststore.toml)", "\(v2)")
        #expect(v2.stdout.contains("  (no certificate changes)\n  distrust prod sha256 \(otherRoot.fp16)"), "\(v2)")
        #expect(v2.stdout.contains("(reason: partner left)"), "\(v2)")
        try store.mustRun(["undistrust", String(otherRoot.fp16), "--env", "prod", "--reason", "partner is back"])
        let v21 = try store.run(["release"])
        #expect(textLines(v21.stdout).first == "Release v2.1.0 (minor: 1 trust extension in truststore.toml)", "\(v21)")
        #expect(v21.stdout.contains("  undistrust prod sha256 \(otherRoot.fp16)"), "\(v21)")
        try store.expectSound()
    }

    @Test("release: v1.0.0 first, minor after adds, major after a removal, patch after env add, refused on a released HEAD; release --list; notes in the annotated tag")
    func releaseSequence() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        let intermediate = try PKICert("intermediate", expires: "2040-01-01")
        let chainA = try PKICert("chain-a", expires: "2040-01-01")
        let otherRoot = try PKICert("other-root", expires: "2044-01-01")
        let rsaRoot = try PKICert("rsa-root", expires: "2044-01-01")

        let none = try store.run(["release", "--list"])
        #expect(none.status == 0 && none.stdout.isEmpty, "\(none)")
        #expect(none.stderr.contains("no releases yet"), "\(none)")

        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "first root", "--at", testTime])
        let c1 = try store.rev("HEAD")
        let v1 = try store.run(["release"])
        #expect(v1.status == 0, "\(v1)")
        let v1Notes = [
            "Release v1.0.0 (first release)",
            "",
            "Changes since the beginning:",
            "  add prod root \(root.fp16) CN=Test Root CA,O=truststore tests (commit \(c1.prefix(12)), reason: first root)",
        ]
        #expect(textLines(v1.stdout) == v1Notes, "\(v1)")
        #expect(v1.stderr.contains("tagged v1.0.0 on \(c1.prefix(12))"), "\(v1)")
        try store.expectSound()

        let again = try store.run(["release"])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("HEAD is already released as v1.0.0"), "\(again)")
        #expect(try store.git(["tag", "-l"]).stdout == "v1.0.0\n")

        try store.mustRun(["add", intermediate.file, "--env", "prod", "--reason", "payments", "--at", testTime])
        let c2 = try store.rev("HEAD")
        try store.mustRun(["add", chainA.file, "--env", "prod", "--reason", "chain a", "--at", testTime])
        let c3 = try store.rev("HEAD")
        let v11 = try store.run(["release", "--message", "Two new intermediates"])
        #expect(v11.status == 0, "\(v11)")
        let v11Notes = [
            "Release v1.1.0 (minor: 2 certificates added)",
            "",
            "Two new intermediates",
            "",
            "Changes since v1.0.0:",
            "  add prod intermediate \(intermediate.fp16) CN=Test Intermediate CA,O=truststore tests (commit \(c2.prefix(12)), reason: payments)",
            "  add prod intermediate \(chainA.fp16) CN=Chain A CA,O=truststore tests (commit \(c3.prefix(12)), reason: chain a)",
        ]
        #expect(textLines(v11.stdout) == v11Notes, "\(v11)")

        try store.mustRun(["remove", String(chainA.fp16), "--env", "prod", "--reason", "retired", "--at", testTime])
        let c4 = try store.rev("HEAD")
        try store.mustRun(["add", otherRoot.file, "--env", "prod", "--reason", "partner root", "--at", testTime])
        let c5 = try store.rev("HEAD")
        let v2 = try store.run(["release"])
        #expect(v2.status == 0, "\(v2)")
        let v2Notes = [
            "Release v2.0.0 (major: 1 certificate removed)",
            "",
            "Changes since v1.1.0:",
            "  remove prod intermediate \(chainA.fp16) CN=Chain A CA,O=truststore tests (commit \(c4.prefix(12)), reason: retired)",
            "  add prod root \(otherRoot.fp16) CN=Other Root CA,O=truststore tests (commit \(c5.prefix(12)), reason: partner root)",
        ]
        #expect(textLines(v2.stdout) == v2Notes, "\(v2)")

        try store.mustRun(["env", "add", "qa", "--description", "QA"])
        let c6 = try store.rev("HEAD")
        let v201 = try store.run(["release", "--author", "Rel Eng <releng@example.test>"])
        #expect(v201.status == 0, "\(v201)")
        let v201Notes = [
            "Release v2.0.1 (patch: no certificate added or removed)",
            "",
            "Changes since v2.0.0:",
            "  (no certificate changes)",
        ]
        #expect(textLines(v201.stdout) == v201Notes, "\(v201)")

        // A plain-git commit without trailers: minor, "no reason recorded".
        try store.commitFilesWithPlainGit([rsaRoot.file], env: "prod", message: "rsa root by hand", date: "2025-08-01T00:00:00Z")
        try store.expectSound()
        let c7 = try store.rev("HEAD")
        let v21 = try store.run(["release"])
        #expect(textLines(v21.stdout) == [
            "Release v2.1.0 (minor: 1 certificate added)",
            "",
            "Changes since v2.0.1:",
            "  add prod root \(rsaRoot.fp16) CN=Test RSA Root CA,O=truststore tests (commit \(c7.prefix(12)), no reason recorded)",
        ], "\(v21)")

        // release --list: newest version first.
        let list = try store.run(["release", "--list"])
        #expect(list.status == 0, "\(list)")
        #expect(textLines(list.stdout) == [
            "v2.1.0     \(try store.taggerDate("v2.1.0"))  \(c7.prefix(12))  Release v2.1.0 (minor: 1 certificate added)",
            "v2.0.1     \(try store.taggerDate("v2.0.1"))  \(c6.prefix(12))  Release v2.0.1 (patch: no certificate added or removed)",
            "v2.0.0     \(try store.taggerDate("v2.0.0"))  \(c5.prefix(12))  Release v2.0.0 (major: 1 certificate removed)",
            "v1.1.0     \(try store.taggerDate("v1.1.0"))  \(c3.prefix(12))  Release v1.1.0 (minor: 2 certificates added)",
            "v1.0.0     \(try store.taggerDate("v1.0.0"))  \(c1.prefix(12))  Release v1.0.0 (first release)",
        ], "\(list)")

        // The tags, as git sees them: annotated, on the right commits, the notes as their messages.
        #expect(try store.git(["for-each-ref", "--format=%(refname:short) %(objecttype) %(*objectname)", "refs/tags"])
            .stdout == """
            v1.0.0 tag \(c1)
            v1.1.0 tag \(c3)
            v2.0.0 tag \(c5)
            v2.0.1 tag \(c6)
            v2.1.0 tag \(c7)

            """)
        // git tag -n99: the first line after the name, the rest indented (git pads blank lines, hence the trim).
        let tagN = try store.git(["tag", "-l", "-n99", "v1.1.0"])
        #expect(textLines(tagN.stdout).map { $0.trimmingCharacters(in: .whitespaces) }
            == ["v1.1.0          Release v1.1.0 (minor: 2 certificates added)"]
            + v11Notes.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }, "\(tagN)")
        #expect(textLines(tagN.stdout).first == "v1.1.0          Release v1.1.0 (minor: 2 certificates added)", "\(tagN)")
        #expect(textLines(tagN.stdout).last == "      add prod intermediate \(chainA.fp16) CN=Chain A CA,O=truststore tests (commit \(c3.prefix(12)), reason: chain a)",
                "\(tagN)")
        let raw = try store.git(["cat-file", "-p", "v2.0.1"])
        let rawLines = textLines(raw.stdout)
        #expect(rawLines.prefix(3) == ["object \(c6)", "type commit", "tag v2.0.1"], "\(raw)")
        #expect(rawLines.dropFirst(3).first?.hasPrefix("tagger Rel Eng <releng@example.test> ") == true, "\(raw)")
        #expect(Array(rawLines.dropFirst(5)) == v201Notes, "\(raw)")
        let rawV1 = try store.git(["cat-file", "-p", "v1.0.0"])
        #expect(textLines(rawV1.stdout).dropFirst(3).first?.hasPrefix("tagger Test Author <test.author@example.test> ") == true,
                "\(rawV1)")
        #expect(Array(textLines(rawV1.stdout).dropFirst(5)) == v1Notes, "\(rawV1)")
        try store.expectSound()
    }

    @Test("release after a --no-ff merge of two branches that each added a certificate: minor, each added certificate listed once")
    func releaseAfterMerge() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        let intermediate = try PKICert("intermediate", expires: "2040-01-01")
        let rsaRoot = try PKICert("rsa-root", expires: "2044-01-01")
        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "root", "--at", testTime])
        try #require(try store.run(["release"]).status == 0)
        try #require(try store.git(["checkout", "-q", "-b", "feature"]).status == 0)
        try store.mustRun(["add", intermediate.file, "--env", "prod", "--reason", "feature", "--at", testTime])
        try #require(try store.git(["checkout", "-q", "main"]).status == 0)
        try store.mustRun(["add", rsaRoot.file, "--env", "prod", "--reason", "main", "--at", testTime])
        try #require(try store.plainGit(["merge", "-q", "--no-ff", "feature", "-m", "Merge branch 'feature'"],
                                        date: "2025-09-01T00:00:00Z").status == 0)
        try store.expectSound()
        let release = try store.run(["release"])
        #expect(release.status == 0, "\(release)")
        let lines = textLines(release.stdout)
        #expect(lines.first == "Release v1.1.0 (minor: 2 certificates added)", "\(release)")
        let changeLines = lines.filter { $0.hasPrefix("  add ") || $0.hasPrefix("  remove ") }
        #expect(changeLines.filter { $0.contains(String(intermediate.fp16)) }.count == 1,
                "the intermediate was added once (on the branch): \(release)")
        #expect(changeLines.filter { $0.contains(String(rsaRoot.fp16)) }.count == 1, "\(release)")
        #expect(changeLines.count == 2, "\(release)")
    }

    @Test("renaming a certificate file with plain git is no trust change: diff shows none, log shows no add/remove, blame keeps the original add, release is a patch")
    func renameIsNoTrustChange() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "prod root", "--source", "ticket-1", "--at", testTime])
        let a1 = try store.rev("HEAD")
        try #require(try store.run(["release"]).status == 0)
        let file = try #require(try store.certificateFiles("prod").first)
        try #require(try store.git(["mv", file, "stores/prod/test-root.pem"]).status == 0)
        try store.plainCommit("rename the root's file", date: "2025-07-01T00:00:00Z")
        try store.expectSound()

        let diff = try store.run(["diff", "HEAD~1", "HEAD", "--exit-code"])
        #expect(diff.status == 0 && textLines(diff.stdout).last == "no trust changes", "\(diff)")

        let log = try store.run(["log"])
        let trustLines = textLines(log.stdout).filter { $0.hasPrefix("    add ") || $0.hasPrefix("    remove ") }
        #expect(trustLines == [logLine("add", "prod", root)], "a rename adds and removes nothing: \(log)")

        let blame = try store.run(["blame", String(root.fp16)])
        #expect(textLines(blame.stdout) == [
            "prod: trusted  \(root.fp16)  CN=Test Root CA,O=truststore tests",
            "  added \(try store.authorDate(a1)) by Test Author <test.author@example.test> in commit \(a1.prefix(12)): prod: add root 'Test Root CA'",
            "    reason: prod root",
            "    source: ticket-1",
        ], "\(blame)")

        let release = try store.run(["release"])
        #expect(release.status == 0, "\(release)")
        #expect(textLines(release.stdout).first == "Release v1.0.1 (patch: no certificate added or removed)", "\(release)")
    }
}

// MARK: - The mixed history

/// A store whose history holds, oldest first (`main` unless said):
///
/// - c1: `truststore add root --env prod` (reason "first prod root", source "ticket-101");
/// - c2: a plain-git commit by Bob on 2025-03-01T10:00:00Z adding `stores/prod/other-root.pem`, no trailers;
/// - c3 (branch `feature`): `truststore add intermediate --env prod` (reason and source);
/// - c4: `truststore add rsa-root --env prod` (reason "RSA clients", source "ticket-102"), a second later than c3;
/// - merge: `git merge --no-ff feature` by Bob on 2025-04-01T00:00:00Z;
/// - revert: `git revert c3` by Bob on 2025-05-01T00:00:00Z (takes the intermediate out again).
private struct MixedHistory {
    let store: TestStore
    let root: PKICert
    let otherRoot: PKICert
    let intermediate: PKICert
    let rsaRoot: PKICert
    let c1, c2, c3, c4, merge, revert: String
    /// The bytes `export prod` printed right after each commit above was made (while it was HEAD).
    let exports: [String: Data]

    init() throws {
        let store = try TestStore()
        let root = try PKICert("root", expires: "2044-01-01")
        let otherRoot = try PKICert("other-root", expires: "2044-01-01")
        let intermediate = try PKICert("intermediate", expires: "2040-01-01")
        let rsaRoot = try PKICert("rsa-root", expires: "2044-01-01")
        var exports: [String: Data] = [:]
        func capture() throws {
            let result = try store.run(["export", "prod"])
            try #require(result.status == 0, "\(result)")
            exports[try store.rev("HEAD")] = result.stdoutBytes
        }

        try store.mustRun(["add", root.file, "--env", "prod", "--reason", "first prod root", "--source", "ticket-101",
                           "--at", testTime])
        let c1 = try store.rev("HEAD")
        try capture()

        try store.commitFilesWithPlainGit([otherRoot.file], env: "prod", message: "hand-added Other Root CA",
                                          date: "2025-03-01T10:00:00Z")
        try store.expectSound()
        let c2 = try store.rev("HEAD")
        try capture()

        try #require(try store.git(["checkout", "-q", "-b", "feature"]).status == 0)
        try store.mustRun(["add", intermediate.file, "--env", "prod", "--reason", "payments API sends a leaf-only chain",
                           "--source", "https://pki.example.test/feature", "--at", testTime])
        let c3 = try store.rev("HEAD")
        try capture()

        try #require(try store.git(["checkout", "-q", "main"]).status == 0)
        // Commits of parallel branches are ordered by time: make c4 strictly newer than c3.
        Thread.sleep(forTimeInterval: 1.1)
        try store.mustRun(["add", rsaRoot.file, "--env", "prod", "--reason", "RSA clients", "--source", "ticket-102",
                           "--at", testTime])
        let c4 = try store.rev("HEAD")
        try capture()

        let mergeResult = try store.plainGit(["merge", "-q", "--no-ff", "feature", "-m", "Merge branch 'feature'"],
                                             date: "2025-04-01T00:00:00Z")
        try #require(mergeResult.status == 0, "\(mergeResult)")
        try store.expectSound()
        let merge = try store.rev("HEAD")
        try capture()
        try #require(try store.rev("HEAD^1") == c4 && store.rev("HEAD^2") == c3)

        let revertResult = try store.plainGit(["revert", "--no-edit", c3], date: "2025-05-01T00:00:00Z")
        try #require(revertResult.status == 0, "\(revertResult)")
        try store.expectSound()
        let revert = try store.rev("HEAD")
        try capture()

        (self.store, self.root, self.otherRoot, self.intermediate, self.rsaRoot) = (store, root, otherRoot, intermediate, rsaRoot)
        (self.c1, self.c2, self.c3, self.c4, self.merge, self.revert) = (c1, c2, c3, c4, merge, revert)
        self.exports = exports
    }

    /// The `log` group of one of the commits above.
    func group(_ commit: String) -> [String] {
        let noTrailers = "    reason: (none recorded), committed without truststore trailers"
        switch commit {
        case revert:
            return ["2025-05-01T00:00:00Z  \(revert.prefix(12))  Bob <bob@example.test>", noTrailers,
                    logLine("remove", "prod", intermediate)]
        case merge:
            return ["2025-04-01T00:00:00Z  \(merge.prefix(12))  Bob <bob@example.test>", noTrailers,
                    logLine("add", "prod", intermediate)]
        case c4:
            return [(try? store.header(c4)) ?? "?", "    reason: RSA clients", "    source: ticket-102",
                    logLine("add", "prod", rsaRoot)]
        case c3:
            return [(try? store.header(c3)) ?? "?", "    reason: payments API sends a leaf-only chain",
                    "    source: https://pki.example.test/feature", logLine("add", "prod", intermediate)]
        case c2:
            return ["2025-03-01T10:00:00Z  \(c2.prefix(12))  Bob <bob@example.test>", noTrailers,
                    logLine("add", "prod", otherRoot)]
        case c1:
            return [(try? store.header(c1)) ?? "?", "    reason: first prod root", "    source: ticket-101",
                    logLine("add", "prod", root)]
        default:
            return ["unknown commit \(commit)"]
        }
    }
}

// MARK: - Helpers

/// A certificate of the test PKI with what the history commands print about it.
private struct PKICert {
    let file: String
    /// Lowercase hex SHA-256, from `openssl x509 -fingerprint -sha256`.
    let sha256: String
    /// RFC 2253 subject, from `openssl x509 -subject -nameopt RFC2253`.
    let subject: String
    /// "root" when self-issued, else "intermediate" (the tool's two kinds).
    let kind: String
    /// notAfter as a date (from testpki.py's fixed windows).
    let expires: String
    /// "EC 256 (prime256v1)" or "RSA 2048": the key column of `diff`.
    let key: String

    var fp16: Substring { sha256.prefix(16) }

    init(_ name: String, expires: String) throws {
        file = try TestPKI.pem(name)
        sha256 = try fingerprint(ofFile: file)
        subject = try distinguishedName(ofFile: file)
        kind = try distinguishedName(ofFile: file, "issuer") == subject ? "root" : "intermediate"
        self.expires = expires
        key = name.hasPrefix("rsa-") ? "RSA 2048" : "EC 256 (prime256v1)"
    }
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// A change line of `log`: `    ACTION ENV    KIND FP16  SUBJECT  (expires DATE)`.
private func logLine(_ action: String, _ env: String, _ cert: PKICert) -> String {
    "    \(pad(action, 6)) \(pad(env, 8)) \(pad(cert.kind, 12)) \(cert.fp16)  \(cert.subject)  (expires \(cert.expires))"
}

/// A certificate line of `diff`: `  + KIND FP16  expires DATE  KEY  SUBJECT`.
private func diffLine(_ sign: String, _ cert: PKICert) -> String {
    "  \(sign) \(pad(cert.kind, 12)) \(cert.fp16)  expires \(cert.expires)  \(pad(cert.key, 20)) \(cert.subject)"
}

/// The lines of a command's output (a final newline ends the last line; empty lines are kept).
private func textLines(_ text: String) -> [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// Seconds since the epoch as RFC 3339 UTC (`2025-03-01T10:00:00Z`), the way the tool prints dates.
private func rfc3339(_ seconds: Int64) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
}

extension TestStore {
    /// Runs truststore and requires success; then the store must be sound (every use here commits).
    fileprivate func mustRun(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments)
        try #require(result.status == 0, "truststore \(arguments.joined(separator: " ")): \(result)",
                     sourceLocation: sourceLocation)
        try expectSound(sourceLocation: sourceLocation)
    }

    /// `git ARGS` as Bob <bob@example.test>, with author and committer date `date`.
    @discardableResult
    fileprivate func plainGit(_ arguments: [String], date: String) throws -> RunResult {
        try Run.program(
            Run.which("git") ?? "/usr/bin/git",
            ["-c", "user.name=Bob", "-c", "user.email=bob@example.test"] + arguments, cwd: root,
            environment: environment.merging(["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date]) { $1 })
    }

    /// Commits what is staged with plain git, as Bob, at `date`.
    fileprivate func plainCommit(_ message: String, date: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let commit = try plainGit(["commit", "-q", "-m", message], date: date)
        try #require(commit.status == 0, "git commit failed: \(commit)", sourceLocation: sourceLocation)
    }

    /// Copies `files` into `stores/<env>/` under their own names and commits them with plain git, as Bob, at `date`.
    fileprivate func commitFilesWithPlainGit(_ files: [String], env: String, message: String, date: String,
                                             sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            try FileManager.default.copyItem(atPath: file, toPath: "\(root)/stores/\(env)/\(name)")
            let add = try git(["add", "stores/\(env)/\(name)"])
            try #require(add.status == 0, "git add failed: \(add)", sourceLocation: sourceLocation)
        }
        try plainCommit(message, date: date, sourceLocation: sourceLocation)
    }

    /// The full id of a revision.
    fileprivate func rev(_ revision: String) throws -> String {
        let result = try git(["rev-parse", "--verify", "\(revision)^{commit}"])
        try #require(result.status == 0, "git rev-parse \(revision): \(result)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The author date of a commit, RFC 3339 UTC.
    fileprivate func authorDate(_ revision: String) throws -> String {
        rfc3339(Int64(try git(["show", "-s", "--format=%at", revision]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }

    /// The committer time of a commit, seconds since the epoch.
    fileprivate func commitTime(_ revision: String) throws -> Int64 {
        Int64(try git(["show", "-s", "--format=%ct", revision]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The tagger date of an annotated tag, RFC 3339 UTC.
    fileprivate func taggerDate(_ tag: String) throws -> String {
        rfc3339(Int64(try git(["for-each-ref", "--format=%(taggerdate:unix)", "refs/tags/\(tag)"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0)
    }

    /// The first line of a commit's `log` group: `DATE  COMMIT12  Author <email>` (author from git).
    fileprivate func header(_ commit: String) throws -> String {
        let who = try git(["show", "-s", "--format=%an <%ae>", commit]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(try authorDate(commit))  \(commit.prefix(12))  \(who)"
    }
}
