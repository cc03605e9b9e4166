package import TrustStoreGit
package import TrustStoreOpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// An opened store: a git repository (through libgit2) whose root holds `truststore.toml`, one folder
/// per environment under `stores/`, and `hooks/`.
///
/// Every read of trust comes from a commit's tree (HEAD unless a revision is given), never from the
/// work tree, so uncommitted hand edits are not trusted until they are committed.
public final class TrustStore {
    /// Absolute path of the store root, without a trailing '/'.
    public let root: String
    package let repository: GitRepository
    /// The configuration at HEAD (falling back to the work tree's file while HEAD is unborn).
    public private(set) var config: StoreConfig

    private init(root: String, repository: GitRepository, config: StoreConfig) {
        self.root = root
        self.repository = repository
        self.config = config
    }

    // MARK: Finding and opening

    /// Finds the store the way git finds its repository: `explicit` (`--store`), else the
    /// `TRUSTSTORE_DIR` environment variable, else the nearest directory from `cwd` upwards that holds
    /// `truststore.toml` and `.git`.
    /// - Throws: ``TrustStoreError`` (failure) when no store is found or it cannot be opened.
    public static func locate(explicit: String?, environment: [String: String], cwd: String) throws(TrustStoreError)
        -> TrustStore
    {
        if let dir = explicit ?? environment["TRUSTSTORE_DIR"] {
            let path = absolute(dir, cwd: cwd)
            guard isStore(path) else {
                throw TrustStoreError(.failure, "'\(dir)' is not a truststore store (no \(StoreConfig.fileName) "
                    + "in a git work tree)", hint: "create one with 'truststore init \(dir)'")
            }
            return try open(path)
        }
        var dir = normalized(cwd)
        while true {
            if isStore(dir) { return try open(dir) }
            guard let slash = dir.lastIndex(of: "/"), dir != "/" else { break }
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
        }
        throw TrustStoreError(.failure, "not inside a truststore store (or any parent up to /)",
            hint: "use --store DIR, set TRUSTSTORE_DIR, or create one with 'truststore init'")
    }

    /// Opens the store rooted at `path`.
    public static func open(_ path: String) throws(TrustStoreError) -> TrustStore {
        let repository: GitRepository
        do {
            repository = try GitRepository.open(at: path)
        } catch {
            throw TrustStoreError(.failure, "cannot open the store's git repository at '\(path)': \(error)")
        }
        let store = TrustStore(root: path, repository: repository, config: StoreConfig(environments: [:]))
        store.config = try store.readConfig(at: nil)
        return store
    }

    private static func isStore(_ path: String) -> Bool {
        FileIO.exists(path + "/" + StoreConfig.fileName) && FileIO.exists(path + "/.git")
    }

    static func absolute(_ path: String, cwd: String) -> String {
        normalized(path.hasPrefix("/") ? path : cwd + "/" + path)
    }

    /// Removes "." and ".." components and duplicate or trailing slashes.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    // MARK: Configuration and environments

    /// Reads `truststore.toml` from a commit (or HEAD; the work tree while HEAD is unborn).
    func readConfig(at commit: String?) throws(TrustStoreError) -> StoreConfig {
        let text: [UInt8]
        var source: String?
        do {
            source = try commit ?? repository.headCommitID()
            if let id = source, id == configCommit { return config }
            if let id = source, let content = try repository.file(at: id, path: StoreConfig.fileName) {
                text = content
            } else {
                source = nil
                text = try FileIO.read(root + "/" + StoreConfig.fileName)
            }
        } catch {
            throw TrustStoreError(.failure, "cannot read \(StoreConfig.fileName): \(error)")
        }
        let parsed = try StoreConfig.parse(String(decoding: text, as: UTF8.self), source: StoreConfig.fileName)
        if commit == nil {
            // HEAD's configuration becomes `config`: remember its commit so a read at that commit reuses it.
            configCommit = source
        }
        return parsed
    }

    /// The commit `config` was read from (nil: the work tree's file, while HEAD is unborn).
    private var configCommit: String?

    /// Checks that `name` is a declared environment (in `config`, HEAD's configuration by default).
    /// - Throws: ``TrustStoreError`` (usage) listing the known environments and the closest name.
    public func requireEnvironment(_ name: String, in config: StoreConfig? = nil) throws(TrustStoreError) {
        let config = config ?? self.config
        guard config.environments[name] == nil else { return }
        let known = config.environmentNames
        var hint = "known environments: " + (known.isEmpty ? "none" : known.joined(separator: ", "))
        if let close = Suggestion.closest(to: name, among: known) { hint = "did you mean '\(close)'? " + hint }
        throw TrustStoreError(.usage, "unknown environment '\(name)'", hint: hint)
    }

    // MARK: Revisions

    /// The commit a revision names (`git_revparse_single`, peeled to a commit): a commit id or unique prefix,
    /// a branch, a tag, or an expression such as `HEAD~2`.
    /// - Throws: ``TrustStoreError`` (usage) when it names no commit.
    public func resolve(revision: String) throws(TrustStoreError) -> String {
        do {
            return try repository.resolveCommit(revision)
        } catch {
            throw TrustStoreError(.usage, "unknown revision '\(revision)': \(error.message)")
        }
    }

    /// The last commit on HEAD's first-parent line made at or before `time` (seconds since the epoch).
    /// - Throws: ``TrustStoreError`` (rejected) when the store has no commit that old.
    public func commit(asOf time: Int64) throws(TrustStoreError) -> String {
        let id: String?
        do {
            id = try repository.lastCommit(atOrBefore: time)
        } catch {
            throw TrustStoreError(.failure, "cannot read the store's history: \(error)")
        }
        guard let id else {
            throw TrustStoreError(.rejected, "the store has no commit at or before \(Timestamp.format(time))")
        }
        return id
    }

    /// The committer time of `commit`, seconds since the epoch (UTC).
    public func time(of commit: String) throws(TrustStoreError) -> Int64 {
        do {
            return try repository.commitTime(commit)
        } catch {
            throw TrustStoreError(.failure, "cannot read commit \(commit.prefix(12)): \(error)")
        }
    }

    /// The configuration as it was at `commit`.
    package func config(at commit: String) throws(TrustStoreError) -> StoreConfig {
        try readConfig(at: commit)
    }

    // MARK: Reading certificates

    /// The id of HEAD's commit.
    /// - Throws: ``TrustStoreError`` (failure) when HEAD is unborn or unreadable.
    package func headCommit() throws(TrustStoreError) -> String {
        let id: String?
        do {
            id = try repository.headCommitID()
        } catch {
            throw TrustStoreError(.failure, "cannot read HEAD: \(error)")
        }
        guard let id else { throw TrustStoreError(.failure, "the store has no commits yet") }
        return id
    }

    /// The certificates of `environment` in `commit` (HEAD by default), sorted by subject then fingerprint.
    /// Files that hold several certificates (committed with plain git) yield each of them.
    /// - Throws: ``TrustStoreError`` (failure) naming the file when a file of the environment holds no
    ///   readable certificate or a private key: a store that cannot be read whole is never used in part.
    package func certificates(in environment: String, at commit: String? = nil) throws(TrustStoreError)
        -> [StoredCertificate]
    {
        let (certs, unusable) = try readableCertificates(in: environment, at: commit)
        if let first = unusable.first { throw first }
        return certs
    }

    /// The certificates of `environment` in `commit` (HEAD by default) that can be read, and an error for each
    /// file that cannot (no certificate, a private key, corrupt), for callers that report rather than stop.
    package func readableCertificates(in environment: String, at commit: String? = nil) throws(TrustStoreError)
        -> (certificates: [StoredCertificate], unusable: [TrustStoreError])
    {
        let id: String
        if let commit { id = commit } else { id = try headCommit() }
        var out: [StoredCertificate] = []
        var unusable: [TrustStoreError] = []
        for file in try files(in: environment, at: id, readContent: true) {
            let aux = CertificateFile.auxiliaryTrust(in: file.content)
            let decoded: [DecodedCertificate]
            do {
                decoded = try decode(file)
            } catch {
                unusable.append(error)
                continue
            }
            let purposes = (try? PurposeIndex.purposes(in: file.content, path: file.path))?.map { $0.sorted() }
            for item in decoded {
                var stored = StoredCertificate(
                    certificate: item.certificate, environment: environment, path: file.path,
                    auxiliaryTrust: aux ?? item.auxiliaryTrust?.summary)
                stored.purposes = purposes
                out.append(stored)
            }
        }
        let keyed = out.map { (key: ($0.certificate.subject, $0.fingerprint), cert: $0) }
        return (keyed.sorted { $0.key < $1.key }.map(\.cert), unusable)
    }

    /// The certificate files of `environment` in `commit` (not `.gitkeep` or READMEs), in path order.
    package func files(in environment: String, at commit: String, readContent: Bool) throws(TrustStoreError)
        -> [TreeFile]
    {
        do {
            return try repository.files(at: commit, under: CertificateFile.folder(of: environment), readContent: readContent)
                .filter { !Self.isAuxiliaryFile($0.path) }
        } catch {
            throw TrustStoreError(.failure, "cannot read environment '\(environment)': \(error)")
        }
    }

    /// The certificates of one stored file (its content is read when `file` came without it).
    /// - Throws: ``TrustStoreError`` (failure) naming the file when it holds no readable certificate or a
    ///   private key: a store that cannot be read whole is never used in part.
    package func decode(_ file: TreeFile) throws(TrustStoreError) -> [DecodedCertificate] {
        let content = file.content.isEmpty ? try blob(of: file) : file.content
        do {
            return try InputDecoder.decode(content).certificates
        } catch {
            throw TrustStoreError(.failure, "store file '\(file.path)' is unusable: \(error)",
                hint: "fix or remove it with git, then commit")
        }
    }

    /// The content of a stored file listed without it.
    /// - Throws: ``TrustStoreError`` (failure) naming the file when libgit2 cannot read its blob.
    package func blob(of file: TreeFile) throws(TrustStoreError) -> [UInt8] {
        do {
            return try repository.blob(file.blobID)
        } catch {
            throw TrustStoreError(.failure, "cannot read '\(file.path)': \(error)")
        }
    }

    /// Files in an environment folder that are not certificates: dotfiles (`.gitkeep`) and READMEs.
    static func isAuxiliaryFile(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasPrefix(".") || name.lowercased().hasPrefix("readme")
    }

    // MARK: Committing

    /// Commits `changes` as one commit with `message`, authored by `author` (committer the same), after the
    /// store's `pre-commit` hooks accepted it and before its `post-commit` hooks are told (see ``HookRunner``).
    /// `commitOptions` add their trailers (`Reviewed-by`, `Truststore-No-Verify`) to the message; with
    /// `noVerify` the `pre-commit` hooks do not run.
    /// - Throws: ``TrustStoreError``: rejected when a path to change has uncommitted edits (staged or not),
    ///   which the commit would overwrite, when a hook is not approved, or when a `pre-commit` hook vetoes;
    ///   failure with libgit2's message. Either way the store is left as it was.
    package func commit(_ changes: [TreeChange], message: String, author: Author) throws(TrustStoreError) -> String {
        let dirty: [String]
        do {
            dirty = try repository.uncommittedChanges(among: changes.map(\.path))
        } catch {
            throw TrustStoreError(.failure, "cannot read the status of the work tree: \(error)")
        }
        if !dirty.isEmpty {
            throw TrustStoreError(.rejected, "uncommitted changes to " + dirty.map { "'\($0)'" }.joined(separator: ", ")
                + " would be overwritten; the store is unchanged",
                hint: "commit them with git, or discard them (git checkout -- PATH), then run the command again")
        }
        let message = commitOptions.apply(to: message)
        let runner = HookRunner(store: self)
        // Refuse unapproved post-commit hooks before committing too: afterwards it would be too late to refuse.
        let runnable = try runner.runnableHooks(commitOptions.noVerify ? [.postCommit] : [.preCommit, .postCommit])
        let postHooks = runnable[.postCommit] ?? []
        let preHooks = runnable[.preCommit] ?? []
        var change: HookChange?
        if !preHooks.isEmpty || !postHooks.isEmpty {
            change = try hookChange(changes, message: message, author: author)
        }
        if !preHooks.isEmpty, let change { try runner.run(.preCommit, change: change) }
        let sig = author.signatureNow()
        let id: String
        do {
            id = try repository.commit(changes, message: message, author: sig, committer: sig)
        } catch {
            throw TrustStoreError(.failure, "cannot commit: \(error); the store was left as it was")
        }
        if !postHooks.isEmpty, let change {
            do {
                try runner.run(.postCommit, change: change)
            } catch {
                addWarning(error.message)
            }
        }
        return id
    }

    /// The hooks' view of a commit about to be made: each path's content at HEAD and after.
    private func hookChange(_ changes: [TreeChange], message: String, author: Author) throws(TrustStoreError)
        -> HookChange
    {
        var writes: [(path: String, old: [UInt8]?, new: [UInt8]?)] = []
        do {
            let head = try repository.headCommitID()
            for change in changes {
                let old = try head.flatMap { (id) throws(GitError) in try repository.file(at: id, path: change.path) }
                switch change {
                case .write(let path, let content, _): writes.append((path, old, content))
                case .remove(let path): writes.append((path, old, nil))
                }
            }
        } catch {
            throw TrustStoreError(.failure, "cannot read HEAD for the hooks: \(error)")
        }
        return HookChange.from(writes: writes, trailers: GitRepository.trailers(of: message),
                               author: author.description, time: Timestamp.now())
    }

    /// Options of the command that apply to its commit: `--no-verify` and `--reviewed-by`.
    public var commitOptions = CommitOptions()

    /// Problems that did not stop the operation (for stderr), such as an index that could not be refreshed
    /// after a commit, or a hook that is not executable.
    public var warnings: [String] { repository.warnings + extraWarnings }
    private var extraWarnings: [String] = []

    /// What hooks printed (each line prefixed with the hook's path), for stderr.
    public internal(set) var hookOutput: [String] = []

    func addWarning(_ text: String) {
        if !extraWarnings.contains(text) { extraWarnings.append(text) }
    }

    /// Reloads the configuration after a commit changed it.
    package func reloadConfig() throws(TrustStoreError) {
        config = try readConfig(at: nil)
    }
}

/// `path` made absolute against `cwd`, with "." and ".." resolved.
public func absolutePath(_ path: String, cwd: String) -> String {
    TrustStore.absolute(path, cwd: cwd)
}

/// Whether `path` exists and is not a directory.
public func isRegularFile(_ path: String) -> Bool {
    FileIO.exists(path) && !FileIO.isDirectory(path)
}
