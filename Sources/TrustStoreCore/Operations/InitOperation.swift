internal import TrustStoreGit

/// `truststore init`: a new store with its configuration, one folder per environment and the stock hooks,
/// as the first commit.
public enum InitOperation {
    /// Default environments when none are given.
    public static let defaultEnvironments = ["dev", "staging", "prod"]

    /// Creates a store at `directory` (created when missing; it must not already hold a git repository).
    /// - Parameters:
    ///   - environments: names to declare; empty means the template's (dev, staging, prod).
    ///   - installHooks: copy the product's stock hooks into `hooks/` and approve them on this machine (the user
    ///     chose to run this product, so its own hooks are trusted; hooks that arrive later by clone or pull are not).
    /// - Returns: the opened store.
    /// - Throws: ``TrustStoreError``: usage for an invalid environment name, failure when the directory is
    ///   already a repository or a write fails.
    public static func run(directory: String, environments: [String], author: Author?,
                           environment: [String: String], resources: ProductResources, installHooks: Bool = true)
        throws(TrustStoreError) -> TrustStore
    {
        for name in environments { try EnvironmentName.validate(name) }
        if FileIO.exists(directory + "/.git") {
            throw TrustStoreError(.failure, "'\(directory)' is already a git repository; refusing to initialise a store there")
        }
        let templatePath = resources.templateDirectory + "/" + StoreConfig.fileName
        let templateText: [UInt8]
        do {
            templateText = try FileIO.read(templatePath)
        } catch {
            throw TrustStoreError(.failure, "cannot read the store template: \(error)")
        }
        var config = try StoreConfig.parse(String(decoding: templateText, as: UTF8.self), source: templatePath)
        if !environments.isEmpty {
            var declared: [String: StoreConfig.EnvironmentConfig] = [:]
            for name in environments { declared[name] = config.environments[name] ?? .init() }
            config.environments = declared
        }
        // Without the stock hooks, their settings tables would configure nothing.
        if !installHooks { config.hooks.settings = [:] }
        var changes: [TreeChange] = [
            .write(path: StoreConfig.fileName, content: Array(try config.rendered().utf8))
        ]
        if let readme = try? FileIO.read(resources.templateDirectory + "/README.md") {
            changes.append(.write(path: "README.md", content: readme))
        }
        for name in config.environmentNames {
            changes.append(.write(path: CertificateFile.folder(of: name) + ".gitkeep", content: []))
        }
        if installHooks { changes += stockHooks(resources.hooksDirectory, relative: "hooks") }

        let repository: GitRepository
        do {
            repository = try GitRepository.create(at: directory)
        } catch {
            throw TrustStoreError(.failure, "cannot create a git repository at '\(directory)': \(error)")
        }
        let who: Author
        if let author { who = author } else {
            who = try Author.resolve(explicit: nil, environment: environment, repository: repository)
        }
        let sig = who.signatureNow()
        do {
            _ = try repository.commit(changes, message: CommitMessage.initial(environments: config.environmentNames),
                                      author: sig, committer: sig)
        } catch {
            throw TrustStoreError(.failure, "cannot make the first commit of the store: \(error)")
        }
        let store = try TrustStore.open(
            repository.workdir.hasSuffix("/") ? String(repository.workdir.dropLast()) : repository.workdir)
        if installHooks { try HookRegistry.approve(HookRegistry.allHooks(in: store), in: store) }
        return store
    }

    /// Every file under the product's hooks folder, keeping the execute bit.
    private static func stockHooks(_ directory: String, relative: String) -> [TreeChange] {
        var out: [TreeChange] = []
        for name in FileIO.list(directory) {
            let full = directory + "/" + name
            if FileIO.isDirectory(full) {
                out += stockHooks(full, relative: relative + "/" + name)
            } else if let content = try? FileIO.read(full) {
                out.append(.write(path: relative + "/" + name, content: content, executable: FileIO.isExecutable(full)))
            }
        }
        return out
    }
}

/// Rules for environment names: a lowercase letter or digit, then letters, digits, '.', '_' or '-'.
public enum EnvironmentName {
    /// - Throws: ``TrustStoreError`` (usage) naming the invalid name.
    public static func validate(_ name: String) throws(TrustStoreError) {
        let allowed = "abcdefghijklmnopqrstuvwxyz0123456789._-"
        guard let first = name.first, first.isLetter || first.isNumber,
              name.count <= 64, name.allSatisfy({ allowed.contains($0) })
        else {
            throw TrustStoreError(.usage, "invalid environment name '\(name)': use lowercase letters, digits, "
                + "'.', '_' or '-', starting with a letter or digit")
        }
    }
}
