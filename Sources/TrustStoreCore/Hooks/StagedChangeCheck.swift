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

    private func checkEnvironment(_ env: String, added: [String: [UInt8]], time: Int64) throws(TrustStoreError)
        -> [Problem]
    {
        let files: [TreeFile]
        do {
            files = try store.repository.indexFiles(under: CertificateFile.folder(of: env), indexFile: indexFile)
                .filter { !TrustStore.isAuxiliaryFile($0.path) }
        } catch {
            throw TrustStoreError(.failure, "cannot read the index: \(error)")
        }
        var problems: [Problem] = []
        var certificates: [(path: String, certificate: X509Certificate)] = []
        for file in files {
            do {
                for item in try InputDecoder.decode(file.content).certificates {
                    certificates.append((file.path, item.certificate))
                }
            } catch {
                // Private keys were reported above, for every staged file.
                if case .privateKey = error, added[file.path] != nil { continue }
                problems.append(Problem(path: file.path, message: "not a usable certificate file: \(error.description)"))
            }
        }
        let context = ValidationContext(policy: store.config.policy, time: time, environment: env)
        let anchors = certificates.filter { $0.certificate.isSelfSigned }.map(\.certificate)
        let untrusted = certificates.filter { !$0.certificate.isSelfSigned }.map(\.certificate)
        let chainRule = ChainRule(context: context)
        for (path, certificate) in certificates {
            let info = certificate.info
            var findings: [Finding] = []
            if added[path] != nil { findings += standardCertificateRules.flatMap { $0.evaluate(info, in: context) } }
            if !certificate.isSelfSigned {
                findings += chainRule.evaluate(certificate, anchors: anchors, untrusted: untrusted)
            }
            for finding in findings where finding.severity == .error {
                problems.append(Problem(path: path, message: "certificate '\(info.subject)' (\(info.fingerprint.prefix(16))) "
                    + "in '\(env)': \(finding.message)"))
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
