import Foundation
import Testing
import TestSupport

/// Hooks: events and their interface, vetoes, time limits, approval, stock hooks, and git's own commits.
@Suite("hooks: events, interface, veto, time limit, approval, stock hooks, githooks")
struct HookTests {
    static let at = ["--at", "2025-06-01T00:00:00Z"]

    /// Writes an executable (or not) hook script into the store's work tree.
    private func writeHook(_ store: TestStore, _ path: String, _ body: String, executable: Bool = true) throws {
        let file = store.root + "/" + path
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try ("#!/bin/sh\n" + body + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: file)
    }

    /// Writes a hook, approves it, and commits it with plain git (so the work tree stays clean).
    private func installHook(_ store: TestStore, _ path: String, _ body: String,
                             sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        try writeHook(store, path, body)
        let trust = try store.run(["hooks", "trust", path])
        try #require(trust.status == 0, "\(trust)", sourceLocation: sourceLocation)
        try commitAll(store, "add hook \(path)")
    }

    private func commitAll(_ store: TestStore, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(try store.git(["add", "-A"]).status == 0, sourceLocation: sourceLocation)
        let commit = try store.git(["-c", "user.name=x", "-c", "user.email=y", "commit", "-q", "--no-verify", "-m", message])
        try #require(commit.status == 0, "\(commit)", sourceLocation: sourceLocation)
    }

    /// Sets `key = value` (TOML) in the `[hooks.NAME]` table, or at the top of `[hooks]` when `hook` is nil,
    /// and commits the configuration with plain git.
    private func configure(_ store: TestStore, hook: String?, _ key: String, _ value: String) throws {
        let path = store.root + "/truststore.toml"
        var lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        let header = hook.map { "[hooks.\($0)]" } ?? "[hooks]"
        let start: Int
        if let found = lines.firstIndex(of: header) {
            start = found
        } else {
            lines += ["", header]
            start = lines.count - 1
        }
        var end = start + 1
        while end < lines.count && !lines[end].hasPrefix("[") { end += 1 }
        if let existing = (start + 1..<end).first(where: { lines[$0].hasPrefix(key + " =") }) {
            lines[existing] = "\(key) = \(value)"
        } else {
            lines.insert("\(key) = \(value)", at: start + 1)
        }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try commitAll(store, "configure hooks: \(hook ?? "") \(key)")
    }

    // MARK: Events and interface

    @Test("a pre-commit hook gets the documented environment, one stdin line per certificate with a PEM file, and the change as JSON")
    func preCommitInterface() throws {
        let store = try TestStore(stockHooks: true)
        let record = store.temp.file("record")
        try installHook(store, "hooks/pre-commit.d/record", """
            {
              echo "cwd=$(pwd)"
              echo "store=$TRUSTSTORE_STORE event=$TRUSTSTORE_EVENT action=$TRUSTSTORE_ACTION env=$TRUSTSTORE_ENV"
              echo "reason=$TRUSTSTORE_REASON"
              echo "author=$TRUSTSTORE_AUTHOR"
              echo "reviewed=$TRUSTSTORE_REVIEWED_BY"
              echo "time=$TRUSTSTORE_TIME name=$TRUSTSTORE_HOOK_NAME colour=$TRUSTSTORE_HOOK_COLOUR"
              while read -r action env sha path; do
                echo "line=$action $env $sha"
                echo "pemsha=$(openssl x509 -in "$path" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr A-F a-f)"
              done
              cp "$TRUSTSTORE_CHANGE_JSON" '\(record).json'
            } > '\(record)'
            """)
        try configure(store, hook: "record", "colour", "\"blue\"")
        let root = try TestPKI.pem("root")
        let intermediate = try TestPKI.pem("intermediate")
        let result = try store.run(["add", root, intermediate, "--env", "prod", "--reason", "payments API",
                                    "--reviewed-by", "Rita Reviewer <rita@example.test>"] + Self.at)
        #expect(result.status == 0, "\(result)")
        let text = try String(contentsOfFile: record, encoding: .utf8)
        let rootSHA = try fingerprint(ofFile: root)
        let intSHA = try fingerprint(ofFile: intermediate)
        let realRoot = URL(fileURLWithPath: store.root).resolvingSymlinksInPath().path
        #expect(text.contains("cwd=\(realRoot)\n"), "\(text)")
        #expect(text.contains("store=\(store.root) event=pre-commit action=add env=prod\n"), "\(text)")
        #expect(text.contains("reason=payments API\n"))
        #expect(text.contains("author=Test Author <test.author@example.test>\n"))
        #expect(text.contains("reviewed=Rita Reviewer <rita@example.test>\n"))
        #expect(text.contains("time=1748736000 name=record colour=blue\n"), "\(text)")
        #expect(text.contains("line=add prod \(rootSHA)\npemsha=\(rootSHA)\n"), "\(text)")
        #expect(text.contains("line=add prod \(intSHA)\npemsha=\(intSHA)\n"), "\(text)")
        let json = try jsonObject(try String(contentsOfFile: record + ".json", encoding: .utf8))
        #expect(json["event"] as? String == "pre-commit")
        #expect(json["action"] as? String == "add")
        #expect(json["environment"] as? String == "prod")
        #expect(json["reason"] as? String == "payments API")
        #expect(json["reviewed_by"] as? [String] == ["Rita Reviewer <rita@example.test>"])
        let certs = try #require(json["certificates"] as? [[String: Any]])
        #expect(Set(certs.compactMap { $0["sha256"] as? String }) == [rootSHA, intSHA])
        #expect(Set(certs.compactMap { $0["kind"] as? String }) == ["root", "intermediate"])
        #expect(certs.allSatisfy { ($0["stored_path"] as? String)?.hasPrefix("stores/prod/") == true })
        // The same certificate fields as an entry of export --format json.
        let rootEntry = try #require(certs.first { $0["sha256"] as? String == rootSHA })
        let key = try #require(rootEntry["key"] as? [String: Any])
        #expect(key["algorithm"] as? String == "EC")
        #expect(key["bits"] as? Int == 256)
        #expect(rootEntry["not_after"] as? String == "2044-01-01T00:00:00Z")
        #expect((rootEntry["path"] as? String)?.hasSuffix(".pem") == true)
        // The Reviewed-by trailer is in the commit, for reviewers.
        #expect(try store.trailers().contains("Reviewed-by: Rita Reviewer <rita@example.test>"))
        try store.expectSound()
    }

    @Test("a remove shows as 'remove' lines; a post-commit hook runs after the commit exists and its failure is only a warning")
    func postCommitAndRemove() throws {
        let store = try TestStore(stockHooks: true)
        let root = try TestPKI.pem("root")
        try #require(try store.run(["add", root, "--env", "prod", "--reason", "r"] + Self.at).status == 0)
        let record = store.temp.file("post")
        try installHook(store, "hooks/post-commit", """
            { echo "head=$(git rev-parse HEAD) action=$TRUSTSTORE_ACTION"; cat; } > '\(record)'
            echo "post-commit says hello"
            exit 3
            """)
        let result = try store.run(["remove", try fingerprint(ofFile: root), "--env", "prod", "--reason", "retired"])
        #expect(result.status == 0, "\(result)")
        let head = try store.head()
        let text = try String(contentsOfFile: record, encoding: .utf8)
        #expect(text.hasPrefix("head=\(head) action=remove\n"), "\(text)")
        #expect(text.contains("remove prod \(try fingerprint(ofFile: root)) /"), "\(text)")
        #expect(result.stderr.contains("hooks/post-commit: post-commit says hello"), "\(result)")
        #expect(result.stderr.contains("warning: post-commit hook 'hooks/post-commit' failed (exit status 3); the commit stands"),
                "\(result)")
        #expect(try store.certificateFiles("prod").isEmpty)
        try store.expectSound()
    }

    @Test("a pre-commit veto shows the hook's name and output, exits 1, and leaves HEAD, index and work tree as they were")
    func vetoLeavesStoreUnchanged() throws {
        let store = try TestStore(stockHooks: true)
        try installHook(store, "hooks/pre-commit.d/no-fridays", "echo 'not on a Friday' >&2\nexit 4")
        let before = try store.snapshot()
        let result = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--reason", "r"] + Self.at)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(result.stderr.contains(
            "error: pre-commit hook 'hooks/pre-commit.d/no-fridays' refused the change (exit status 4); nothing was committed"),
            "\(result)")
        #expect(result.stderr.contains("hooks/pre-commit.d/no-fridays: not on a Friday"), "\(result)")
        #expect(try store.snapshot() == before)
        try store.expectSound()
        // Environment changes are commits too.
        let env = try store.run(["env", "add", "qa"])
        #expect(env.status == 1, "\(env)")
        #expect(try store.snapshot() == before)
    }

    @Test("--no-verify skips pre-commit hooks and is recorded as a trailer; post-commit hooks still see it")
    func noVerify() throws {
        let store = try TestStore(stockHooks: true)
        try installHook(store, "hooks/pre-commit.d/veto", "exit 1")
        let record = store.temp.file("post")
        try installHook(store, "hooks/post-commit.d/record", "echo \"no_verify=$TRUSTSTORE_NO_VERIFY\" > '\(record)'")
        let result = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--no-verify"] + Self.at)
        #expect(result.status == 0, "\(result)")
        #expect(try store.trailers().contains("Truststore-No-Verify: true"))
        #expect(try String(contentsOfFile: record, encoding: .utf8) == "no_verify=1\n")
        try store.expectSound()
    }

    @Test("a pre-export hook sees 'export' lines and can veto: nothing is written, not even to -o")
    func preExport() throws {
        let store = try TestStore()
        let root = try TestPKI.pem("root")
        try #require(try store.run(["add", root, "--env", "prod"] + Self.at).status == 0)
        let record = store.temp.file("export")
        try installHook(store, "hooks/pre-export", "cat > '\(record)'\necho \"env=$TRUSTSTORE_ENV\" >> '\(record)'")
        let ok = try store.run(["export", "prod"] + Self.at)
        #expect(ok.status == 0, "\(ok)")
        #expect(try fingerprints(ofBundle: ok.stdout) == [try fingerprint(ofFile: root)])
        let text = try String(contentsOfFile: record, encoding: .utf8)
        #expect(text.hasPrefix("export prod \(try fingerprint(ofFile: root)) /"), "\(text)")
        #expect(text.hasSuffix("env=prod\n"))

        try installHook(store, "hooks/pre-export.d/deny", "echo 'exports are frozen' >&2\nexit 1")
        let out = store.temp.file("bundle.pem")
        let vetoed = try store.run(["export", "prod", "-o", out] + Self.at)
        #expect(vetoed.status == 1, "\(vetoed)")
        #expect(vetoed.stdout.isEmpty)
        #expect(vetoed.stderr.contains("error: pre-export hook 'hooks/pre-export.d/deny' refused the export (exit status 1); "
            + "nothing was written"), "\(vetoed)")
        #expect(vetoed.stderr.contains("hooks/pre-export.d/deny: exports are frozen"))
        #expect(!FileManager.default.fileExists(atPath: out))
        // Every format goes through the same hooks: a vetoed directory export creates nothing.
        let directory = store.temp.file("hashed")
        let hashed = try store.run(["export", "prod", "--format", "openssl-directory", "-o", directory] + Self.at)
        #expect(hashed.status == 1, "\(hashed)")
        #expect(hashed.stderr.contains("pre-export hook 'hooks/pre-export.d/deny' refused the export"), "\(hashed)")
        #expect(!FileManager.default.fileExists(atPath: directory))
        let skipped = try store.run(["export", "prod", "--no-verify"] + Self.at)
        #expect(skipped.status == 0, "\(skipped)")
        #expect(skipped.stderr.contains("warning: pre-export hooks skipped (--no-verify)"))
    }

    // MARK: Failure modes

    @Test("a hanging hook (and the child it started) is killed at hooks.timeout_seconds and vetoes")
    func hangingHook() throws {
        let store = try TestStore()
        try configure(store, hook: nil, "timeout_seconds", "1")
        let pidFile = store.temp.file("child.pid")
        try installHook(store, "hooks/pre-commit.d/hang", "sleep 30 &\necho $! > '\(pidFile)'\nsleep 30")
        let before = try store.snapshot()
        let started = Date()
        let result = try store.run(["add", try TestPKI.pem("root"), "--env", "prod"] + Self.at)
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("error: pre-commit hook 'hooks/pre-commit.d/hang' refused the change (still running "
            + "after 1 s (hooks.timeout_seconds); it was killed); nothing was committed"), "\(result)")
        #expect(elapsed < 10, "took \(elapsed) s")
        #expect(try store.snapshot() == before)
        // The whole process group was killed, the background child too (it is gone once init has reaped it).
        let pid = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!pid.isEmpty)
        var alive = true
        for _ in 0..<40 where alive {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            alive = !state.isEmpty && !state.contains(") Z ")
            if alive { usleep(50_000) }
        }
        #expect(!alive, "the hook's background child \(pid) survived")
    }

    @Test("a hook that crashes vetoes naming the signal; a hook without '#!' cannot start and vetoes")
    func crashingHook() throws {
        let store = try TestStore()
        try installHook(store, "hooks/pre-commit.d/crash", "ulimit -c 0\nkill -SEGV $$")
        let before = try store.snapshot()
        let result = try store.run(["add", try TestPKI.pem("root"), "--env", "prod"] + Self.at)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("pre-commit hook 'hooks/pre-commit.d/crash' refused the change (killed by SIGSEGV; "
            + "it crashed)"), "\(result)")
        #expect(try store.snapshot() == before)

        let bare = store.root + "/hooks/pre-commit.d/crash"
        try "exit 0\n".write(toFile: bare, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bare)
        try #require(try store.run(["hooks", "trust"]).status == 0)
        try commitAll(store, "shebang-less hook")
        let noShebang = try store.run(["add", try TestPKI.pem("root"), "--env", "prod"] + Self.at)
        #expect(noShebang.status == 1, "\(noShebang)")
        #expect(noShebang.stderr.contains("cannot run it: Exec format error (a script needs a '#!' line)"), "\(noShebang)")
    }

    @Test("a hook without the execute bit is skipped with a warning; 'enabled = false' turns a hook off silently")
    func nonExecutableAndDisabled() throws {
        let store = try TestStore()
        try writeHook(store, "hooks/pre-commit.d/veto", "exit 1", executable: false)
        try #require(try store.run(["hooks", "trust"]).status == 0)
        try commitAll(store, "non-executable hook")
        let result = try store.run(["add", try TestPKI.pem("root"), "--env", "prod"] + Self.at)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(
            "warning: hook 'hooks/pre-commit.d/veto' is not executable; skipped (chmod +x it to run it)"), "\(result)")
        let list = try store.run(["hooks", "list"])
        #expect(list.stdout.contains("pre-commit   not-executable  hooks/pre-commit.d/veto"), "\(list)")

        try installHook(store, "hooks/pre-commit.d/veto2", "exit 1")
        try configure(store, hook: "veto2", "enabled", "false")
        let other = try store.run(["add", try TestPKI.pem("other-root"), "--env", "prod"] + Self.at)
        #expect(other.status == 0, "\(other)")
        #expect(!other.stderr.contains("veto2"), "\(other)")
        #expect(try store.run(["hooks", "list"]).stdout.contains("pre-commit   disabled        hooks/pre-commit.d/veto2"))
    }

    // MARK: Approval

    @Test("after a clone, the store's hooks do not run until approved: the command refuses naming them; an edit needs a new approval")
    func unapprovedAfterClone() throws {
        let origin = try TestStore(stockHooks: true)
        try installHook(origin, "hooks/post-commit.d/notify", "exit 0")
        let clone = origin.temp.path + "/clone"
        let cloned = try Run.program(Run.which("git") ?? "/usr/bin/git", ["clone", "-q", origin.root, clone],
                                     cwd: origin.temp.path, environment: origin.environment)
        try #require(cloned.status == 0, "\(cloned)")
        let args = ["add", try TestPKI.pem("root"), "--env", "prod", "--reason", "r"] + Self.at
        let gitHead = { try Run.program(Run.which("git") ?? "/usr/bin/git", ["rev-parse", "HEAD"], cwd: clone,
                                        environment: origin.environment).stdout }
        let headBefore = try gitHead()
        let refused = try origin.run(args, cwd: clone)
        #expect(refused.status == 1, "\(refused)")
        // Every unapproved hook the command would run is named at once, pre-commit and post-commit alike.
        #expect(refused.stderr.contains("error: refusing to run hooks not approved on this machine: "
            + "'hooks/pre-commit.d/refuse-expiring', 'hooks/pre-commit.d/require-reason', 'hooks/post-commit.d/notify'; "
            + "nothing was changed"), "\(refused)")
        #expect(refused.stderr.contains("hint: review them (new since a clone or pull, or edited), then run 'truststore hooks trust'"))
        #expect(try gitHead() == headBefore)
        let list = try origin.run(["hooks", "list"], cwd: clone)
        #expect(list.stdout.contains("pre-commit   NOT-APPROVED    hooks/pre-commit.d/require-reason"), "\(list)")

        let trust = try origin.run(["hooks", "trust"], cwd: clone)
        #expect(trust.status == 0, "\(trust)")
        #expect(trust.stdout.contains("approved  hooks/pre-commit.d/require-reason  (sha256 "), "\(trust)")
        let accepted = try origin.run(args, cwd: clone)
        #expect(accepted.status == 0, "\(accepted)")

        // A hand edit (or a pull that changes the hook) withdraws the approval.
        let hook = clone + "/hooks/pre-commit.d/require-reason"
        let handle = try #require(FileHandle(forWritingAtPath: hook))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("# edited\n".utf8))
        try handle.close()
        let edited = try origin.run(["add", try TestPKI.pem("other-root"), "--env", "prod", "--reason", "r"] + Self.at,
                                    cwd: clone)
        #expect(edited.status == 1, "\(edited)")
        #expect(edited.stderr.contains("refusing to run a hook not approved on this machine: 'hooks/pre-commit.d/require-reason'"),
                "\(edited)")
        let unknown = try origin.run(["hooks", "trust", "hooks/nope"], cwd: clone)
        #expect(unknown.status == 64, "\(unknown)")
    }

    // MARK: Stock hooks, both verdicts

    @Test("stock require-reason: refused without --reason, accepted with one")
    func stockRequireReason() throws {
        let store = try TestStore(stockHooks: true)
        let args = ["add", try TestPKI.pem("root"), "--env", "prod"] + Self.at
        let before = try store.snapshot()
        let refused = try store.run(args)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("hooks/pre-commit.d/require-reason: a reason is required for every trust change "
            + "('add' of 'prod'): pass --reason TEXT"), "\(refused)")
        #expect(try store.snapshot() == before)
        let accepted = try store.run(args + ["--reason", "internal CA"])
        #expect(accepted.status == 0, "\(accepted)")
    }

    @Test("stock refuse-expiring: a certificate expiring within 'days' of the validation time is refused")
    func stockRefuseExpiring() throws {
        let store = try TestStore(stockHooks: true)
        // The test root expires on 2044-01-01, 6,788 days after 2025-06-01.
        try configure(store, hook: "refuse-expiring", "days", "7000")
        let args = ["add", try TestPKI.pem("root"), "--env", "prod", "--reason", "r"] + Self.at
        let refused = try store.run(args)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("for 'prod' expires on 2044-01-01, within 7000 days"), "\(refused)")
        try configure(store, hook: "refuse-expiring", "days", "6000")
        #expect(try store.run(args).status == 0)
    }

    @Test("stock min-key-size: an RSA 2048 root is refused under rsa_bits = 3072, an EC P-256 root passes ec_bits = 256")
    func stockMinKeySize() throws {
        let store = try TestStore(stockHooks: true)
        try configure(store, hook: "min-key-size", "enabled", "true")
        try configure(store, hook: "min-key-size", "ec_bits", "256")
        let refused = try store.run(["add", try TestPKI.pem("rsa-root"), "--env", "prod", "--reason", "r"] + Self.at)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("has a RSA 2048-bit key; this store requires at least 3072 bits"), "\(refused)")
        let accepted = try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--reason", "r"] + Self.at)
        #expect(accepted.status == 0, "\(accepted)")
    }

    @Test("stock roots-only: an intermediate is refused in a listed environment and accepted in another")
    func stockRootsOnly() throws {
        let store = try TestStore(stockHooks: true)
        try configure(store, hook: "roots-only", "enabled", "true")
        let root = try TestPKI.pem("root")
        let intermediate = try TestPKI.pem("intermediate")
        for env in ["prod", "dev"] {
            #expect(try store.run(["add", root, "--env", env, "--reason", "r"] + Self.at).status == 0)
        }
        let refused = try store.run(["add", intermediate, "--env", "prod", "--reason", "r"] + Self.at)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("'CN=Test Intermediate CA,O=truststore tests' is an intermediate CA; 'prod' accepts "
            + "roots only"), "\(refused)")
        #expect(try store.run(["add", intermediate, "--env", "dev", "--reason", "r"] + Self.at).status == 0)
    }

    @Test("hook settings come from the committed truststore.toml: an uncommitted edit has no effect, and a warning says so")
    func settingsFromHead() throws {
        let store = try TestStore(stockHooks: true)
        let root = try TestPKI.pem("root")
        #expect(try store.run(["add", root, "--env", "prod", "--reason", "r"] + Self.at).status == 0)
        let path = store.root + "/truststore.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "[hooks.roots-only]\nenabled = false", with: "[hooks.roots-only]\nenabled = true")
        try #require(edited != text, "the template lists roots-only as disabled")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try store.run(["add", try TestPKI.pem("intermediate"), "--env", "prod", "--reason", "r"] + Self.at)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(
            "warning: truststore.toml has uncommitted changes; hooks run with its committed [hooks] settings"), "\(result)")
    }

    @Test("stock max-certificates: a change over the cap is refused, one within it is accepted")
    func stockMaxCertificates() throws {
        let store = try TestStore(stockHooks: true)
        try configure(store, hook: "max-certificates", "enabled", "true")
        try configure(store, hook: "max-certificates", "max", "1")
        let two = ["add", try TestPKI.pem("root"), try TestPKI.pem("other-root"), "--env", "prod", "--reason", "r"] + Self.at
        let refused = try store.run(two)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("this change touches 2 certificates; at most 1 per change are allowed here"))
        #expect(try store.run(["add", try TestPKI.pem("root"), "--env", "prod", "--reason", "r"] + Self.at).status == 0)
    }

    @Test("stock require-reviewed-by: prod changes need a reviewer other than the author; other environments do not")
    func stockRequireReviewedBy() throws {
        let store = try TestStore(stockHooks: true)
        try configure(store, hook: "require-reviewed-by", "enabled", "true")
        let args = ["add", try TestPKI.pem("root"), "--env", "prod", "--reason", "r"] + Self.at
        let none = try store.run(args)
        #expect(none.status == 1, "\(none)")
        #expect(none.stderr.contains("changes to 'prod' need a review by someone other than the author"), "\(none)")
        let selfReview = try store.run(args + ["--reviewed-by", "Me Again <test.author@example.test>"])
        #expect(selfReview.status == 1, "\(selfReview)")
        let reviewed = try store.run(args + ["--reviewed-by", "Rita Reviewer <rita@example.test>"])
        #expect(reviewed.status == 0, "\(reviewed)")
        #expect(try store.trailers().contains("Reviewed-by: Rita Reviewer <rita@example.test>"))
        #expect(try store.run(["add", try TestPKI.pem("root"), "--env", "dev", "--reason", "r"] + Self.at).status == 0)
        let bad = try store.run(args + ["--reviewed-by", "no email"])
        #expect(bad.status == 64, "\(bad)")
    }

    // MARK: git's own commits

    @Test("githooks install: plain git commits of a private key, an unchained intermediate or a reason-less change are refused")
    func gitHooks() throws {
        let store = try TestStore(stockHooks: true)
        let install = try store.run(["githooks", "install"])
        #expect(install.status == 0, "\(install)")
        #expect(FileManager.default.isExecutableFile(atPath: store.root + "/.git/hooks/pre-commit"))
        let git = { (args: [String]) in try store.git(["-c", "user.name=Gina", "-c", "user.email=gina@example.test"] + args) }
        let env = ["TRUSTSTORE_AT": "2025-06-01T00:00:00Z"]
        func commit(_ message: String) throws -> RunResult {
            try Run.program(Run.which("git") ?? "/usr/bin/git",
                            ["-c", "user.name=Gina", "-c", "user.email=gina@example.test", "commit", "-q", "-m", message],
                            cwd: store.root, environment: store.environment.merging(env) { $1 })
        }
        let head = try store.head()

        // Case 20, step 4: a staged file holding a private key, anywhere.
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Tests/Fixtures/cases/20-private-key-in-file/haproxy-style-combined.pem",
                                         toPath: store.root + "/haproxy.pem")
        _ = try git(["add", "haproxy.pem"])
        let key = try commit("add combined file")
        #expect(key.status != 0, "\(key)")
        #expect(key.stderr.contains("error: staged 'haproxy.pem': file contains a private key (block 1, 'PRIVATE KEY')"), "\(key)")
        #expect(try store.head() == head)
        _ = try git(["rm", "-q", "--cached", "haproxy.pem"])
        try FileManager.default.removeItem(atPath: store.root + "/haproxy.pem")

        // git commit -a (and git commit PATH) commit a temporary index that git names in GIT_INDEX_FILE.
        let readme = store.root + "/README.md"
        let original = try String(contentsOfFile: readme, encoding: .utf8)
        try (original + (try String(contentsOfFile: Paths.packageRoot
            + "/Tests/Fixtures/cases/20-private-key-in-file/root-with-its-key.pem", encoding: .utf8)))
            .write(toFile: readme, atomically: true, encoding: .utf8)
        for args in [["-a"], ["README.md"]] {
            let all = try Run.program(
                Run.which("git") ?? "/usr/bin/git",
                ["-c", "user.name=Gina", "-c", "user.email=gina@example.test", "commit", "-q", "-m", "readme"] + args,
                cwd: store.root, environment: store.environment.merging(env) { $1 })
            #expect(all.status != 0, "git commit \(args): \(all)")
            #expect(all.stderr.contains("error: staged 'README.md': file contains a private key"), "\(all)")
            #expect(try store.head() == head)
        }
        try original.write(toFile: readme, atomically: true, encoding: .utf8)

        // An intermediate whose root is not in the environment.
        try FileManager.default.copyItem(atPath: try TestPKI.pem("intermediate"), toPath: store.root + "/stores/prod/int.pem")
        _ = try git(["add", "stores/prod/int.pem"])
        let unchained = try commit("add intermediate")
        #expect(unchained.status != 0, "\(unchained)")
        #expect(unchained.stderr.contains("error: staged 'stores/prod/int.pem': certificate 'CN=Test Intermediate CA,O=truststore tests'"),
                "\(unchained)")
        #expect(unchained.stderr.contains("does not chain to a root in 'prod'"), "\(unchained)")
        #expect(try store.head() == head)

        // With its root the path is complete; the message's first line is the reason the stock hook asks for.
        try FileManager.default.copyItem(atPath: try TestPKI.pem("root"), toPath: store.root + "/stores/prod/root.pem")
        _ = try git(["add", "stores/prod/root.pem"])
        let accepted = try commit("payments API serves a leaf-only chain")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(try store.head() != head)
        #expect(try store.run(["export", "prod"] + Self.at).status == 0)

        // The store's hooks run on git commits too, with the reason from the message.
        try installHook(store, "hooks/pre-commit.d/no-dev", """
            grep -q ' dev ' && { echo "dev is frozen: $TRUSTSTORE_REASON" >&2; exit 1; }
            exit 0
            """)
        try FileManager.default.copyItem(atPath: try TestPKI.pem("other-root"), toPath: store.root + "/stores/dev/other.pem")
        _ = try git(["add", "stores/dev/other.pem"])
        let frozen = try commit("dev: other root\n\nTruststore-Reason: testing")
        #expect(frozen.status != 0, "\(frozen)")
        #expect(frozen.stderr.contains("hooks/pre-commit.d/no-dev: dev is frozen: testing"), "\(frozen)")

        // A hook written by someone else is not replaced without --force.
        try "#!/bin/sh\nexit 0\n".write(toFile: store.root + "/.git/hooks/commit-msg", atomically: true, encoding: .utf8)
        let again = try store.run(["githooks", "install"])
        #expect(again.status == 1, "\(again)")
        #expect(again.stderr.contains("was not written by truststore; left as it was"))
        #expect(try store.run(["githooks", "install", "--force"]).status == 0)
    }
}
