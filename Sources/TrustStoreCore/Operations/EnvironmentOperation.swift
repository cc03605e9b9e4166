internal import TrustStoreGit

/// `truststore env list|add|remove`: environments are declared in `truststore.toml` and each has a folder
/// `stores/<name>/`; declaring or removing one is a commit.
package struct EnvironmentOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// Declared environments with their description, the environments they extend and their own certificate
    /// count at HEAD, sorted by name.
    package func list() throws(TrustStoreError)
        -> [(name: String, description: String?, certificates: Int, extends: [String])]
    {
        var out: [(String, String?, Int, [String])] = []
        for name in store.config.environmentNames {
            let env = store.config.environments[name]
            out.append((name, env?.description, try store.certificates(in: name).count, env?.extends ?? []))
        }
        return out
    }

    /// Declares `name`, extending `extends` (existing environments).
    /// - Throws: usage for an invalid or existing name or an unknown parent; failure when the commit fails.
    package func add(_ name: String, description: String?, extends: [String] = [], author: Author)
        throws(TrustStoreError) -> String
    {
        try EnvironmentName.validate(name)
        if store.config.environments[name] != nil {
            throw TrustStoreError(.usage, "environment '\(name)' already exists")
        }
        for parent in extends { try store.requireEnvironment(parent) }
        var config = store.config
        config.environments[name] = .init(description: description, extends: Self.unique(extends))
        let commit = try store.commit(
            [
                .write(path: StoreConfig.fileName, content: Array(try config.rendered().utf8)),
                .write(path: CertificateFile.folder(of: name) + ".gitkeep", content: []),
            ],
            message: CommitMessage.environment(action: "env-add", name: name, description: description, reason: nil),
            author: author)
        try store.reloadConfig()
        return commit
    }

    /// Makes `name` extend `parents` too (one commit that rewrites `truststore.toml`).
    /// - Throws: usage for an unknown environment or parent, a parent already extended, or an inheritance cycle
    ///   (named: `dev -> prod -> dev`); failure when the commit fails.
    package func extend(_ name: String, with parents: [String], reason: String?, author: Author)
        throws(TrustStoreError) -> String
    {
        try store.requireEnvironment(name)
        for parent in parents { try store.requireEnvironment(parent) }
        var config = store.config
        let current = config.environments[name]?.extends ?? []
        if let already = parents.first(where: current.contains) {
            throw TrustStoreError(.usage, "environment '\(name)' already extends '\(already)'")
        }
        config.environments[name]?.extends = Self.unique(current + parents)
        do {
            _ = try EnvironmentResolver(config: config).lineage(of: name)
        } catch {
            throw TrustStoreError(.usage, "cannot make '\(name)' extend " + parents.map { "'\($0)'" }.joined(separator: ", ")
                + ": " + error.message)
        }
        let commit = try store.commit(
            [.write(path: StoreConfig.fileName, content: Array(try config.rendered().utf8))],
            message: CommitMessage.extend(name: name, parents: parents, reason: reason), author: author)
        try store.reloadConfig()
        return commit
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Removes `name` and its certificates. Refuses (rejected) when it still holds certificates, unless `force`,
    /// and always while another environment extends it.
    package func remove(_ name: String, force: Bool, reason: String?, author: Author) throws(TrustStoreError) -> String {
        try store.requireEnvironment(name)
        let children = EnvironmentResolver(config: store.config).children(of: name)
        if !children.isEmpty {
            throw TrustStoreError(.rejected, "environment " + children.map { "'\($0)'" }.joined(separator: ", ")
                + " extends '\(name)'; refusing to remove it", hint: "remove '\(name)' from their 'extends' in "
                + "\(StoreConfig.fileName) first")
        }
        let certs = try store.certificates(in: name)
        if !certs.isEmpty && !force {
            throw TrustStoreError(.rejected, "environment '\(name)' still holds \(certs.count) certificate"
                + "\(certs.count == 1 ? "" : "s"); refusing to remove it", hint: "pass --force to remove them with it")
        }
        if !certs.isEmpty && (reason ?? "").allSatisfy(\.isWhitespace) {
            throw TrustStoreError(.usage, "removing '\(name)' withdraws the trust of its \(certs.count) certificate"
                + "\(certs.count == 1 ? "" : "s"): --reason is required")
        }
        var config = store.config
        config.environments[name] = nil
        let head = try store.headCommit()
        let files: [TreeFile]
        do {
            files = try store.repository.files(at: head, under: CertificateFile.folder(of: name))
        } catch {
            throw TrustStoreError(.failure, "cannot read environment '\(name)': \(error)")
        }
        let changes: [TreeChange] = [.write(path: StoreConfig.fileName, content: Array(try config.rendered().utf8))]
            + files.map { .remove(path: $0.path) }
        let commit = try store.commit(
            changes, message: CommitMessage.environment(action: "env-remove", name: name, description: nil, reason: reason),
            author: author)
        try store.reloadConfig()
        return commit
    }
}
