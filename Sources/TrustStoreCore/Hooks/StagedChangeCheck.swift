internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// The checks that `truststore githooks install` puts in front of a plain `git commit` in the store, so that a
/// commit made without truststore meets the same bar as `truststore add` and `remove`:
///
/// - git's `pre-commit` hook (``preCommit(time:)``): no staged file anywhere may hold a private key; every staged
///   file under `stores/<env>/` must hold readable certificates that pass the rules of `add` at `time`; every
///   intermediate left in a touched environment must still have a path to one of its roots (as staged);
/// - git's `commit-msg` hook (``commitMessage(_:author:time:)``): the store's own `pre-commit` hooks run on the
///   staged change, with the reason and reviewers taken from the message.
package struct StagedChangeCheck {
    package let store: TrustStore
    /// The index git is committing: `GIT_INDEX_FILE` (absolute) when git set it — `git commit -a` and
    /// `git commit PATH…` commit a temporary index, not `.git/index` — else the repository's.
    package let indexFile: String?

    package init(store: TrustStore, indexFile: String? = nil) {
        self.store = store
        self.indexFile = indexFile
    }

    /// One reason a staged file is refused: the file, and why.
    package struct Problem: Sendable {
        package var path: String
        package var message: String
    }

    /// The staged changes (HEAD to index).
    private func staged() throws(TrustStoreError) -> [FileDelta] {
        do {
            return try store.repository.stagedChanges(indexFile: indexFile)
        } catch {
            throw TrustStoreError(.failure, "cannot read the staged changes: \(error)")
        }
    }

    private func content(_ blobID: String?) throws(TrustStoreError) -> [UInt8]? {
        guard let blobID else { return nil }
        do {
            return try store.repository.blob(blobID)
        } catch {
            throw TrustStoreError(.failure, "cannot read staged blob \(blobID.prefix(12)): \(error)")
        }
    }

    /// The problems of the staged change; empty when `git commit` may go on.
    /// - Parameter time: validation time, seconds since the epoch (UTC).
    package func preCommit(time: Int64) throws(TrustStoreError) -> [Problem] {
        var problems: [Problem] = []
        var touched = Set<String>()
        var added: [String: [UInt8]] = [:]
        for delta in try staged() {
            if let env = HookChange.environment(of: delta.path), !TrustStore.isAuxiliaryFile(delta.path) {
                touched.insert(env)
            }
            guard let bytes = try content(delta.newBlobID) else { continue }
            do {
                _ = try InputDecoder.decode(bytes)
            } catch {
                if case .privateKey = error {
                    problems.append(Problem(path: delta.path, message: "\(error.description) "
                        + "(unstage it: git restore --staged '\(delta.path)')"))
                    continue
                }
            }
            if HookChange.environment(of: delta.path) != nil && !TrustStore.isAuxiliaryFile(delta.path) {
                added[delta.path] = bytes
            }
        }
        for env in touched.sorted() {
            guard store.config.environments[env] != nil else {
                for path in added.keys.sorted() where HookChange.environment(of: path) == env {
                    problems.append(Problem(path: path, message: "'\(env)' is not an environment of this store "
                        + "(declare it with 'truststore env add \(env)')"))
                }
                continue
            }
            problems += try checkEnvironment(env, added: added, time: time)
        }
        return problems
    }

    /// The staged certificates of `env` against what `env` trusts in the index: its own staged files and those of the
    /// environments it extends, without the ones a distrust entry names (``EnvironmentResolver/resolve(_:folder:)``,
    /// as `add` sees a commit). A staged certificate a distrust entry names is refused as `add` refuses it.
    private func checkEnvironment(_ env: String, added: [String: [UInt8]], time: Int64) throws(TrustStoreError)
        -> [Problem]
    {
        var problems: [Problem] = []
        let resolver = EnvironmentResolver(config: store.config)
        let trust = try resolver.resolve(env) { (name: String) throws(TrustStoreError) -> [StoredCertificate] in
            let files: [TreeFile]
            do {
                files = try store.repository.indexFiles(under: CertificateFile.folder(of: name), indexFile: indexFile)
                    .filter { !TrustStore.isAuxiliaryFile($0.path) }
            } catch {
                throw TrustStoreError(.failure, "cannot read the index: \(error)")
            }
            var certificates: [StoredCertificate] = []
            for file in files {
                let purposes = try? PurposeIndex.purposes(in: file.content, path: file.path)
                do throws(InputRejection) {
                    for item in try InputDecoder.decode(file.content).certificates {
                        var stored = StoredCertificate(certificate: item.certificate, environment: name, path: file.path)
                        stored.purposes = purposes.flatMap { $0 }.map { $0.sorted() }
                        certificates.append(stored)
                    }
                } catch {
                    // Private keys were reported above, for every staged file; other environments' files are not
                    // this change's.
                    if name != env { continue }
                    if case .privateKey = error, added[file.path] != nil { continue }
                    problems.append(Problem(path: file.path, message: "not a usable certificate file: \(error.description)"))
                }
            }
            return certificates
        }
        let context = ValidationContext(policy: store.config.policy, time: time, environment: env)
        let trusted = trust.trusted.map(\.item)
        let anchors = trusted.filter { $0.kind == .root }.map(\.certificate)
        let untrusted = trusted.filter { $0.kind == .intermediate }.map(\.certificate)
        let chainRule = ChainRule(context: context)
        func describe(_ certificate: StoredCertificate) -> String {
            "certificate '\(certificate.info.subject)' (\(certificate.fingerprint.prefix(16))) in '\(env)'"
        }
        for (certificate, distrust) in trust.distrusted.map({ ($0.entry.item, $0.distrust) })
        where certificate.environment == env && added[certificate.path] != nil {
            problems.append(Problem(path: certificate.path, message: "\(describe(certificate)): conflicting trust: "
                + distrust.message))
        }
        for certificate in trusted where certificate.environment == env {
            var findings: [Finding] = []
            if added[certificate.path] != nil {
                findings += standardCertificateRules.flatMap { $0.evaluate(certificate.info, in: context) }
            }
            if certificate.kind == .intermediate {
                findings += chainRule.evaluate(certificate.certificate, anchors: anchors, untrusted: untrusted)
            }
            for finding in findings where finding.severity == .error {
                problems.append(Problem(path: certificate.path, message: "\(describe(certificate)): \(finding.message)"))
            }
        }
        return problems
    }

    /// Runs the store's `pre-commit` hooks on the staged change when it touches `stores/`, with the reason from
    /// the message's `Truststore-Reason` trailer (else its first line) and its `Reviewed-by` trailers.
    /// - Throws: ``TrustStoreError`` (rejected) when a hook vetoes or is not approved.
    package func commitMessage(_ message: String, author: Author, time: Int64) throws(TrustStoreError) {
        var writes: [(path: String, old: [UInt8]?, new: [UInt8]?)] = []
        for delta in try staged() where delta.path.hasPrefix("stores/") {
            writes.append((delta.path, try content(delta.oldBlobID), try content(delta.newBlobID)))
        }
        guard !writes.isEmpty else { return }
        let text = message.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        var trailers = GitRepository.trailers(of: text)
        if !trailers.contains(where: { $0.key == CommitMessage.Key.reason }),
           let subject = text.split(separator: "\n").first(where: { !$0.allSatisfy(\.isWhitespace) })
        {
            trailers.append((CommitMessage.Key.reason, String(subject)))
        }
        var change = HookChange.from(writes: writes, trailers: trailers, author: author.description, time: time)
        if !trailers.contains(where: { $0.key == CommitMessage.Key.action }) {
            let actions = Set(change.items.map(\.action))
            change.action = actions.count == 1 ? actions.first! : "commit"
        }
        if change.environment == nil {
            let environments = Set(change.items.map(\.environment))
            if environments.count == 1 { change.environment = environments.first }
        }
        try HookRunner(store: store).run(.preCommit, change: change, vetoHint: "fix what the hook reports (the reason "
            + "is the message's Truststore-Reason trailer, else its first line; reviewers are Reviewed-by trailers); "
            + "'git commit --no-verify' skips every check and leaves no trace, so prefer 'truststore add'")
    }
}
