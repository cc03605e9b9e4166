internal import TrustStoreGit

/// `truststore env list|add|remove`: environments are declared in `truststore.toml` and each has a folder
/// `stores/<name>/`; declaring or removing one is a commit.
package struct EnvironmentOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    /// Declared environments with their description and certificate count at HEAD, sorted by name.
    package func list() throws(TrustStoreError) -> [(name: String, description: String?, certificates: Int)] {
        var out: [(String, String?, Int)] = []
        for name in store.config.environmentNames {
            out.append((name, store.config.environments[name]?.description, try store.certificates(in: name).count))
        }
        return out
    }

    /// Declares `name`. - Throws: usage for an invalid or existing name; failure when the commit fails.
    package func add(_ name: String, description: String?, author: Author) throws(TrustStoreError) -> String {
        try EnvironmentName.validate(name)
        if store.config.environments[name] != nil {
            throw TrustStoreError(.usage, "environment '\(name)' already exists")
        }
        var config = store.config
        config.environments[name] = .init(description: description)
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

    /// Removes `name` and its certificates. Refuses (rejected) when it still holds certificates, unless `force`.
    package func remove(_ name: String, force: Bool, reason: String?, author: Author) throws(TrustStoreError) -> String {
        try store.requireEnvironment(name)
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
