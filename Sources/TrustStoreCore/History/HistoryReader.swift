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
        let prefix = environment.map { CertificateFile.folder(of: $0) } ?? "stores/"
        let commits: [CommitRecord]
        do {
            commits = try store.repository.log(under: prefix, excluding: excluding)
        } catch {
            throw TrustStoreError(.failure, "cannot read the store's history: \(error)")
        }
        var out: [TrustChange] = []
        for record in commits {
            if let since, record.author.time < since { continue }
            if let until, record.author.time > until { continue }
            out += try changes(of: record)
        }
        if let selector { out = out.filter { selector.matches($0.sha256) } }
        return out
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

    private mutating func changes(of record: CommitRecord) throws(TrustStoreError) -> [TrustChange] {
        var out: [TrustChange] = []
        for delta in record.deltas where !TrustStore.isAuxiliaryFile(delta.path) {
            let parts = delta.path.split(separator: "/")
            guard parts.count >= 3, parts[0] == "stores" else { continue }
            let env = String(parts[1])
            let old = try certificates(delta.oldBlobID, path: delta.path)
            let new = try certificates(delta.newBlobID, path: delta.path)
            let oldSet = Set(old.map(\.sha256))
            let newSet = Set(new.map(\.sha256))
            for cert in new where !oldSet.contains(cert.sha256) {
                out.append(change(record, .add, env, cert))
            }
            for cert in old where !newSet.contains(cert.sha256) {
                out.append(change(record, .remove, env, cert))
            }
            if delta.status == .modified {
                for cert in new where oldSet.contains(cert.sha256) {
                    out.append(change(record, .modify, env, cert))
                }
            }
        }
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
