internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// The moments at which hooks run (githooks(5) style: `pre-*` may veto, `post-*` only notify).
public enum HookEvent: String, Sendable, CaseIterable, Codable {
    /// Before truststore commits a change (add, remove, environment changes…); a non-zero exit vetoes it.
    case preCommit = "pre-commit"
    /// After truststore committed a change; its exit status is reported but changes nothing.
    case postCommit = "post-commit"
    /// Before an export writes anything; a non-zero exit vetoes it.
    case preExport = "pre-export"

    /// Whether a failure of the hook stops the operation.
    public var canVeto: Bool { self != .postCommit }
}

/// One hook file of a store: `hooks/<event>` or `hooks/<event>.d/<name>`, relative to the store root.
public struct Hook: Sendable, Codable, Equatable {
    public var event: HookEvent
    /// Path relative to the store root, '/'-separated (`hooks/pre-commit.d/require-reason`).
    public var path: String
    /// The file name: the key of its `[hooks.NAME]` settings table.
    public var name: String
    /// Whether the file has an execute bit; files without one are skipped with a warning.
    public var executable: Bool
    /// `enabled = false` in its settings table turns it off.
    public var enabled: Bool
    /// Lowercase hex SHA-256 of the file's content, the key of its approval.
    public var sha256: String
    /// Whether this content of this path was approved with `truststore hooks trust` (or installed by `init`).
    public var approved: Bool

    /// Whether the hook runs for its event: executable and enabled (approval is checked separately and refuses).
    public var runs: Bool { executable && enabled }
}

/// Finds a store's hooks and keeps the user's approvals of them.
///
/// Hooks are versioned with the store, so whoever can push to it can put code in them. As git never runs hooks
/// that came with a clone, truststore runs only hooks whose exact content the user approved on this machine:
/// approvals are SHA-256 hashes of hook files in `.git/truststore/approved-hooks` (local, never versioned),
/// one line `SHA256 PATH` per approved file.
public enum HookRegistry {
    /// The store's hooks for `event`, in the order they run: `hooks/<event>`, then `hooks/<event>.d/*` in byte
    /// order of their names. Dotfiles, `*.sample` files, READMEs and directories are not hooks.
    public static func hooks(for event: HookEvent, in store: TrustStore) -> [Hook] {
        var paths: [String] = []
        let single = "hooks/" + event.rawValue
        if isRegularFile(store.root + "/" + single) { paths.append(single) }
        let folder = "hooks/" + event.rawValue + ".d"
        for name in FileIO.list(store.root + "/" + folder) where isHookName(name) {
            let path = folder + "/" + name
            if isRegularFile(store.root + "/" + path) { paths.append(path) }
        }
        // Most commands of most stores find no hook: read the approvals only when there is one to judge.
        guard !paths.isEmpty else { return [] }
        let approvals = approvedHashes(store)
        return paths.compactMap { path in
            guard let content = try? FileIO.read(store.root + "/" + path) else { return nil }
            let name = String(path.split(separator: "/").last ?? Substring(path))
            let hash = PEMBlocks.sha256(content).hex
            return Hook(event: event, path: path, name: name, executable: FileIO.isExecutable(store.root + "/" + path),
                        enabled: store.config.hooks.isEnabled(name), sha256: hash,
                        approved: approvals[path] == hash)
        }
    }

    /// Every hook of the store, event by event.
    public static func allHooks(in store: TrustStore) -> [Hook] {
        HookEvent.allCases.flatMap { hooks(for: $0, in: store) }
    }

    /// Records the current content of `hooks` as approved (keeping other approvals).
    /// - Throws: ``TrustStoreError`` (failure) when the approval file cannot be written.
    public static func approve(_ hooks: [Hook], in store: TrustStore) throws(TrustStoreError) {
        var approvals = approvedHashes(store)
        for hook in hooks { approvals[hook.path] = hook.sha256 }
        let text = approvals.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)\n" }.joined()
        let path = approvalFile(store)
        do {
            try FileIO.makeDirectories(parentOf: path)
            try FileIO.writeAtomically(Array(text.utf8), to: path, mode: 0o644, exclusive: false, durable: true)
        } catch {
            throw TrustStoreError(.failure, "cannot record hook approvals in '\(path)': \(error)")
        }
    }

    /// `.git/truststore/approved-hooks`.
    static func approvalFile(_ store: TrustStore) -> String {
        store.repository.gitDirectory + "truststore/approved-hooks"
    }

    private static func approvedHashes(_ store: TrustStore) -> [String: String] {
        guard let bytes = try? FileIO.read(approvalFile(store)) else { return [:] }
        var out: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            out[String(line[line.index(after: space)...])] = String(line[..<space])
        }
        return out
    }

    private static func isHookName(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.hasSuffix(".sample") && !name.lowercased().hasPrefix("readme")
            && !name.hasSuffix("~")
    }
}
