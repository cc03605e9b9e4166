internal import TrustStoreGit
internal import TrustStoreOpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a store's hooks for one event, following githooks(5) (documented for users in `docs/hooks.md`):
///
/// - working directory: the store root; hooks run one after another in ``HookRegistry`` order;
/// - environment: the caller's, plus `TRUSTSTORE_STORE`, `TRUSTSTORE_EVENT`, `TRUSTSTORE_ACTION`,
///   `TRUSTSTORE_ENV`, `TRUSTSTORE_REASON`, `TRUSTSTORE_AUTHOR`, `TRUSTSTORE_REVIEWED_BY` (one per line),
///   `TRUSTSTORE_TIME` (validation time, seconds since the epoch), `TRUSTSTORE_CHANGE_JSON` (path of a JSON
///   description of the whole change), `TRUSTSTORE_HOOK_NAME` and the hook's settings as `TRUSTSTORE_HOOK_<KEY>`;
/// - standard input: one line per certificate, `ACTION ENV SHA256 PATH`, PATH a PEM file of the certificate;
/// - standard output and standard error: both shown on truststore's standard error.
///
/// A `pre-*` hook that exits non-zero, is killed by a signal, cannot be started, or runs longer than
/// `hooks.timeout_seconds` vetoes; a `post-*` hook's failure is a warning.
package struct HookRunner {
    package let store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// The hooks of `event` that would run, after refusing unapproved ones.
    /// Non-executable hooks are skipped with a warning; disabled ones silently.
    /// - Throws: ``TrustStoreError`` (rejected) naming every runnable hook that is not approved.
    package func runnableHooks(_ event: HookEvent) throws(TrustStoreError) -> [Hook] {
        try runnableHooks([event])[event] ?? []
    }

    /// The hooks of each of `events` that would run; every unapproved one among them is named in one refusal.
    package func runnableHooks(_ events: [HookEvent]) throws(TrustStoreError) -> [HookEvent: [Hook]] {
        var out: [HookEvent: [Hook]] = [:]
        var unapproved: [Hook] = []
        for event in events {
            let hooks = HookRegistry.hooks(for: event, in: store)
            for hook in hooks where hook.enabled && !hook.executable {
                store.addWarning("hook '\(hook.path)' is not executable; skipped (chmod +x it to run it)")
            }
            out[event] = hooks.filter(\.runs)
            unapproved += hooks.filter { $0.runs && !$0.approved }
        }
        if !unapproved.isEmpty {
            throw TrustStoreError(.rejected, "refusing to run \(unapproved.count == 1 ? "a hook" : "hooks") not approved "
                + "on this machine: " + unapproved.map { "'\($0.path)'" }.joined(separator: ", ")
                + "; nothing was changed",
                hint: "review \(unapproved.count == 1 ? "it" : "them") (new since a clone or pull, or edited), then run "
                    + "'truststore hooks trust'; 'truststore hooks list' shows every hook")
        }
        return out
    }

    /// Runs the hooks of `event` for `change`.
    /// - Throws: ``TrustStoreError`` (rejected) when a hook is not approved, or a `pre-*` hook vetoes (its path,
    ///   why, and its output in the message); failure when the hook input cannot be written.
    /// - Parameter vetoHint: the hint of a veto (default: fix it, or `--no-verify`, which is recorded).
    package func run(_ event: HookEvent, change: HookChange, vetoHint: String? = nil) throws(TrustStoreError) {
        let hooks = try runnableHooks(event)
        guard !hooks.isEmpty else { return }
        warnAboutUncommittedSettings()
        let directory = try temporaryDirectory()
        defer { FileIO.removeTree(directory) }

        var pemPaths: [String] = []
        var lines = ""
        do {
            for (index, item) in change.items.enumerated() {
                let path = directory + "/\(index + 1)-\(item.certificate.sha256.hex.prefix(16)).pem"
                try FileIO.create(Array(item.certificate.pem.utf8), at: path)
                pemPaths.append(path)
                lines += "\(item.action) \(item.environment) \(item.certificate.sha256.hex) \(path)\n"
            }
            try FileIO.create(Array(lines.utf8), at: directory + "/stdin")
            try FileIO.create(change.json(event: event, store: store.root, pemPaths: pemPaths), at: directory + "/change.json")
        } catch {
            throw TrustStoreError(.failure, "cannot prepare the input of the \(event.rawValue) hooks: \(error)")
        }

        var base = Self.inheritedEnvironment()
        base["TRUSTSTORE_STORE"] = store.root
        base["TRUSTSTORE_EVENT"] = event.rawValue
        base["TRUSTSTORE_ACTION"] = change.action
        base["TRUSTSTORE_ENV"] = change.environment ?? ""
        base["TRUSTSTORE_REASON"] = change.reason ?? ""
        base["TRUSTSTORE_AUTHOR"] = change.author ?? ""
        base["TRUSTSTORE_REVIEWED_BY"] = change.reviewedBy.joined(separator: "\n")
        base["TRUSTSTORE_NO_VERIFY"] = change.noVerify ? "1" : ""
        base["TRUSTSTORE_TIME"] = String(change.time)
        base["TRUSTSTORE_CHANGE_JSON"] = directory + "/change.json"

        for hook in hooks {
            var environment = base
            environment["TRUSTSTORE_HOOK_NAME"] = hook.name
            environment.merge(store.config.hooks.environment(for: hook.name)) { _, new in new }
            let result = ChildProcess.run(
                store.root + "/" + hook.path, arguments: [], environment: environment, directory: store.root,
                stdinPath: directory + "/stdin", timeout: store.config.hooks.timeoutSeconds)
            let output = Self.outputLines(result.output, hook: hook)
            let failure: String?
            switch result.termination {
            case .exited(0): failure = nil
            case .exited(let status): failure = "exit status \(status)"
            case .signaled(let signal): failure = "killed by \(ChildProcess.signalName(signal)); it crashed"
            case .timedOut:
                failure = "still running after \(Self.seconds(store.config.hooks.timeoutSeconds)) "
                    + "(hooks.timeout_seconds); it was killed"
            case .notStarted(let code):
                failure = "cannot run it: " + String(cString: strerror(code))
                    + (code == ENOEXEC ? " (a script needs a '#!' line)" : "")
            }
            if let failure, event.canVeto {
                throw TrustStoreError(.rejected, "\(event.rawValue) hook '\(hook.path)' refused the "
                    + (event == .preExport ? "export" : "change") + " (\(failure)); "
                    + (event == .preExport ? "nothing was written" : "nothing was committed")
                    + output.map { "\n" + $0 }.joined(),
                    hint: vetoHint ?? (event == .preExport ? nil : "fix what the hook reports, or pass --no-verify to "
                        + "skip pre-commit hooks (recorded in the commit)"))
            }
            store.hookOutput += output
            if let failure { store.addWarning("\(event.rawValue) hook '\(hook.path)' failed (\(failure)); the commit stands") }
        }
    }

    /// Hook scripts run from the work tree, but their `[hooks]` settings come from the committed `truststore.toml`:
    /// say so when the work tree's differs, since an edit there has no effect until it is committed.
    private func warnAboutUncommittedSettings() {
        guard let head = try? store.repository.headCommitID(),
              let committed = try? store.repository.file(at: head, path: StoreConfig.fileName),
              let working = try? FileIO.read(store.root + "/" + StoreConfig.fileName), working != committed
        else { return }
        store.addWarning("\(StoreConfig.fileName) has uncommitted changes; hooks run with its committed [hooks] settings")
    }

    /// Whether any hook would run for `event` (to skip building a change when none would).
    package func hasHooks(_ event: HookEvent) -> Bool {
        HookRegistry.hooks(for: event, in: store).contains(where: \.runs)
    }

    /// The hook's output as lines prefixed with its path, as git prefixes remote hook output.
    private static func outputLines(_ bytes: [UInt8], hook: Hook) -> [String] {
        guard !bytes.isEmpty else { return [] }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(hook.path): \($0)" }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// This process's environment without another hook's `TRUSTSTORE_HOOK_*` settings.
    private static func inheritedEnvironment() -> [String: String] {
        ChildProcess.currentEnvironment().filter { !$0.key.hasPrefix("TRUSTSTORE_HOOK_") }
    }

    private func temporaryDirectory() throws(TrustStoreError) -> String {
        let base = Self.inheritedEnvironment()["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/truststore-hook-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw TrustStoreError(.failure, "cannot create a temporary directory in '\(base)': "
                + String(cString: strerror(errno)))
        }
        return String(cString: made)
    }
}

extension HookRunner {
    /// Runs the `pre-export` hooks before an export of `environment` is written; each certificate of `pemBundle`
    /// (the PEM form of what is about to be exported) is one `export ENV SHA256 PATH` line.
    /// Nothing is decoded when no `pre-export` hook would run.
    /// - Parameter noVerify: skip the hooks (`export --no-verify`); a warning says so.
    /// - Throws: ``TrustStoreError`` (rejected) when a hook vetoes or is not approved.
    public static func preExport(_ store: TrustStore, environment: String, pemBundle: String, noVerify: Bool)
        throws(TrustStoreError)
    {
        let runner = HookRunner(store: store)
        if noVerify {
            if runner.hasHooks(.preExport) { store.addWarning("pre-export hooks skipped (--no-verify)") }
            return
        }
        guard try !runner.runnableHooks(.preExport).isEmpty else { return }
        let certificates = (try? InputDecoder.decode(Array(pemBundle.utf8)).certificates) ?? []
        var change = HookChange(action: "export", environment: environment, reason: nil, author: nil,
                                time: Timestamp.now())
        change.items = certificates.map {
            HookChange.Item(action: "export", environment: environment, certificate: $0.certificate, storedPath: nil)
        }
        try runner.run(.preExport, change: change)
    }
}
