internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// Reads a store's history in certificate terms. Changes come from the trees of the commits (each commit
/// against its first parent, `git_diff_tree_to_tree`), so commits made with plain git, merges and reverts
/// show too; trailers only add provenance (reason, source) where present.
package struct HistoryReader {
    package var store: TrustStore
    private var blobCache: [String: [CertificateInfo]] = [:]

    package init(store: TrustStore) {
        self.store = store
    }

    /// Every trust change reachable from HEAD, newest first, optionally for one environment and/or one
    /// selection of certificates.
    /// - Throws: ``TrustStoreError`` (failure) when the history cannot be read.
    package mutating func changes(environment: String? = nil, selector: CertificateSelector? = nil)
        throws(TrustStoreError) -> [TrustChange]
    {
        let prefix = environment.map { CertificateFile.folder(of: $0) } ?? "stores/"
        let commits: [CommitRecord]
        do {
            commits = try store.repository.log(under: prefix)
        } catch {
            throw TrustStoreError(.failure, "cannot read the store's history: \(error)")
        }
        var out: [TrustChange] = []
        for record in commits {
            for delta in record.deltas where !TrustStore.isAuxiliaryFile(delta.path) {
                let parts = delta.path.split(separator: "/")
                guard parts.count >= 3, parts[0] == "stores" else { continue }
                let env = String(parts[1])
                let old = try certificates(delta.oldBlobID, path: delta.path)
                let new = try certificates(delta.newBlobID, path: delta.path)
                let oldSet = Set(old.map(\.fingerprint))
                let newSet = Set(new.map(\.fingerprint))
                for info in new where !oldSet.contains(info.fingerprint) {
                    out.append(change(record, .add, env, info))
                }
                for info in old where !newSet.contains(info.fingerprint) {
                    out.append(change(record, .remove, env, info))
                }
                if delta.status == .modified {
                    for info in new where oldSet.contains(info.fingerprint) {
                        out.append(change(record, .modify, env, info))
                    }
                }
            }
        }
        if let selector { out = out.filter { selector.matches($0.sha256) } }
        return out
    }

    private mutating func certificates(_ blobID: String?, path: String) throws(TrustStoreError) -> [CertificateInfo] {
        guard let blobID else { return [] }
        if let cached = blobCache[blobID] { return cached }
        let content: [UInt8]
        do {
            content = try store.repository.blob(blobID)
        } catch {
            throw TrustStoreError(.failure, "cannot read '\(path)' (blob \(blobID.prefix(12))): \(error)")
        }
        // A file of history that is not a certificate (a stray note) is no trust change.
        let infos = (try? InputDecoder.decode(content))?.certificates.map { $0.certificate.info } ?? []
        blobCache[blobID] = infos
        return infos
    }

    private func change(_ record: CommitRecord, _ action: TrustChange.Action, _ env: String, _ info: CertificateInfo)
        -> TrustChange
    {
        let reason = record.trailers.last { $0.key == CommitMessage.Key.reason }?.value
        let sources = record.trailers.filter { $0.key == CommitMessage.Key.source }.map(\.value)
        return TrustChange(
            commit: record.id, date: Timestamp.format(record.author.time), author: record.author.name,
            authorEmail: record.author.email, action: action, environment: env, subject: info.subject,
            kind: info.isSelfSigned ? .root : .intermediate, sha256: info.fingerprint,
            notAfter: Timestamp.format(info.notAfter), reason: reason, sources: sources, summary: record.summary,
            hasTrailers: record.trailers.contains { $0.key.hasPrefix("Truststore-") })
    }
}
