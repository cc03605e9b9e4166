package import TrustStoreGit
internal import TrustStoreOpenSSL

/// Reads a store's history in certificate terms. Changes come from the trees of the commits (each commit
/// against its first parent, `git_diff_tree_to_tree`), so commits made with plain git, merges and reverts
/// show too; trailers only add provenance (reason, source) where present.
package struct HistoryReader {
    package var store: TrustStore
    private var blobCache: [String: [ExportRecord]] = [:]
    private let cache: ExportCache

    package init(store: TrustStore) {
        self.store = store
        cache = ExportCache(gitDirectory: store.repository.gitDirectory)
    }

    /// Every trust change reachable from HEAD, newest first, optionally for one environment and/or one
    /// selection of certificates.
    /// - Throws: ``TrustStoreError`` (failure) when the history cannot be read.
    /// - Parameters:
    ///   - since, until: only commits whose author date lies in this range (seconds since the epoch, inclusive).
    ///   - excluding: leave out the changes of commits reachable from this one (`EXCLUDING..HEAD`).
    package mutating func changes(environment: String? = nil, selector: CertificateSelector? = nil,
                                  since: Int64? = nil, until: Int64? = nil, excluding: String? = nil)
        throws(TrustStoreError) -> [TrustChange]
    {
        var history = HistoryCache(gitDirectory: store.repository.gitDirectory)
        defer { history.save() }
        let ids: [String]
        do {
            ids = try walk(excluding: excluding, history: &history)
        } catch {
            throw TrustStoreError(.failure, "cannot read the store's history: \(error)")
        }
        // Compare RFC 3339 UTC strings of one fixed format: their order is the order of time.
        let from = since.map(Timestamp.format)
        let to = until.map(Timestamp.format)
        let keep: ((Substring) -> Bool)? = selector.map { selector in { selector.matches(String($0)) } }
        let needle = selector.flatMap(Self.searchText)
        var out: [TrustChange] = []
        for id in ids {
            var changes: [TrustChange]
            if let cached = history.changes(of: id, keeping: keep, mentioning: needle) {
                changes = cached
            } else {
                let record: CommitRecord
                do {
                    record = try store.repository.commitRecord(id, under: "stores/")
                } catch {
                    throw TrustStoreError(.failure, "cannot read commit \(id.prefix(12)): \(error)")
                }
                changes = try self.changes(of: record)
                history.store(changes, for: id)
                if let selector { changes = changes.filter { selector.matches($0.sha256) } }
            }
            if let environment { changes = changes.filter { $0.environment == environment } }
            if let from { changes = changes.filter { $0.date >= from } }
            if let to { changes = changes.filter { $0.date <= to } }
            out += changes
        }
        return out
    }

    /// A text every cached line of a selected certificate contains: the fingerprint or its prefix.
    private static func searchText(_ selector: CertificateSelector) -> String? {
        switch selector.pattern {
        case .fingerprintPrefix(let prefix):
            return prefix
        case .fingerprints(let fingerprints, _):
            return fingerprints.count == 1 ? fingerprints.first : nil
        }
    }

    /// The commits to read, newest first: HEAD's whole history from the cached walk when HEAD has not moved,
    /// the cached walk plus the new commits when HEAD only moved forward, a fresh `git_revwalk` otherwise.
    private func walk(excluding: String?, history: inout HistoryCache) throws(GitError) -> [String] {
        let repository = store.repository
        guard excluding == nil, let head = try repository.headCommitID() else {
            return try repository.commitIDs(excluding: excluding)
        }
        var ids: [String]
        if let cached = history.walk, cached.head == head {
            ids = cached.ids
        } else if let cached = history.walk, repository.isDescendant(head, of: cached.head) {
            ids = try repository.commitIDs(excluding: cached.head) + cached.ids
        } else {
            ids = try repository.commitIDs()
        }
        history.storeWalk(head: head, ids: ids)
        return ids
    }

    /// The trust changes of one commit (against its first parent).
    package mutating func changes(inCommit commit: String) throws(TrustStoreError) -> (CommitRecord, [TrustChange]) {
        let record: CommitRecord
        do {
            record = try store.repository.commitRecord(commit, under: "stores/")
        } catch {
            throw TrustStoreError(.failure, "cannot read commit \(commit.prefix(12)): \(error)")
        }
        return (record, try changes(of: record))
    }

    /// The trust changes of one commit. Against its first parent; a certificate whose file is deleted and
    /// added again in the same environment (a rename) is no change. A merge reports only what differs from
    /// every parent (as git's combined diff does): what a branch brought in was reported on that branch's
    /// own commits.
    private mutating func changes(of record: CommitRecord) throws(TrustStoreError) -> [TrustChange] {
        var result = try changes(of: record, deltas: record.deltas)
        for deltas in record.otherParentDeltas {
            let other = Set(try changes(of: record, deltas: deltas).map { "\($0.action)\u{0}\($0.environment)\u{0}\($0.sha256)" })
            result = result.filter { other.contains("\($0.action)\u{0}\($0.environment)\u{0}\($0.sha256)") }
        }
        return result
    }

    private mutating func changes(of record: CommitRecord, deltas: [FileDelta]) throws(TrustStoreError)
        -> [TrustChange]
    {
        var added: [(String, ExportRecord)] = []
        var removed: [(String, ExportRecord)] = []
        var modified: [(String, ExportRecord)] = []
        for delta in deltas where !TrustStore.isAuxiliaryFile(delta.path) {
            let parts = delta.path.split(separator: "/")
            guard parts.count >= 3, parts[0] == "stores" else { continue }
            let env = String(parts[1])
            let old = try certificates(delta.oldBlobID, path: delta.path)
            let new = try certificates(delta.newBlobID, path: delta.path)
            let oldSet = Set(old.map(\.sha256))
            let newSet = Set(new.map(\.sha256))
            added += new.filter { !oldSet.contains($0.sha256) }.map { (env, $0) }
            removed += old.filter { !newSet.contains($0.sha256) }.map { (env, $0) }
            if delta.status == .modified {
                modified += new.filter { oldSet.contains($0.sha256) }.map { (env, $0) }
            }
        }
        // A certificate removed from one file and added in another of the same environment moved: no change.
        let addedKeys = Set(added.map { "\($0.0)\u{0}\($0.1.sha256)" })
        let removedKeys = Set(removed.map { "\($0.0)\u{0}\($0.1.sha256)" })
        let moved = addedKeys.intersection(removedKeys)
        var out: [TrustChange] = []
        for (env, cert) in added where !moved.contains("\(env)\u{0}\(cert.sha256)") {
            out.append(change(record, .add, env, cert))
        }
        for (env, cert) in removed where !moved.contains("\(env)\u{0}\(cert.sha256)") {
            out.append(change(record, .remove, env, cert))
        }
        for (env, cert) in modified { out.append(change(record, .modify, env, cert)) }
        return out
    }

    /// The certificates of one blob, from the ``ExportCache`` (keyed by blob id) or parsed with OpenSSL.
    /// A file of history that holds no certificate (a stray note) is no trust change.
    private mutating func certificates(_ blobID: String?, path: String) throws(TrustStoreError) -> [ExportRecord] {
        guard let blobID else { return [] }
        if let cached = blobCache[blobID] { return cached }
        if let cached = cache.records(for: blobID) {
            blobCache[blobID] = cached
            return cached
        }
        let content: [UInt8]
        do {
            content = try store.repository.blob(blobID)
        } catch {
            throw TrustStoreError(.failure, "cannot read '\(path)' (blob \(blobID.prefix(12))): \(error)")
        }
        let records = (try? InputDecoder.decode(content))?.certificates.map { PEMBundleExporter.record($0.certificate) } ?? []
        if !records.isEmpty { cache.store(records, for: blobID) }
        blobCache[blobID] = records
        return records
    }

    private func change(_ record: CommitRecord, _ action: TrustChange.Action, _ env: String, _ cert: ExportRecord)
        -> TrustChange
    {
        let reason = record.trailers.last { $0.key == CommitMessage.Key.reason }?.value
        let sources = record.trailers.filter { $0.key == CommitMessage.Key.source }.map(\.value)
        return TrustChange(
            commit: record.id, date: Timestamp.format(record.author.time), author: record.author.name,
            authorEmail: record.author.email, action: action, environment: env, subject: cert.subject,
            kind: cert.kind, sha256: cert.sha256, notAfter: Timestamp.format(cert.notAfter), reason: reason, sources: sources, summary: record.summary,
            hasTrailers: record.trailers.contains { $0.key.hasPrefix("Truststore-") })
    }
}
