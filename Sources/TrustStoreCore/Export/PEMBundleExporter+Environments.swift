internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// The distrust entries of an environment, applied to export records. Records carry only the fingerprint,
/// so entries keyed by issuer and serial or by SPKI parse the record's PEM block with OpenSSL (only then).
struct RecordDistrust {
    var entries: [AppliedDistrust]
    private let needsCertificate: Bool

    init(_ entries: [AppliedDistrust]) {
        self.entries = entries
        needsCertificate = entries.contains { $0.entry.key != .fingerprint }
    }

    /// The outright distrust entry (no `after`) naming `record`, if any.
    func outright(_ record: ExportRecord) -> AppliedDistrust? {
        first(record) { $0.entry.after == nil }
    }

    /// The distrust-after entry naming `record`, if any.
    func after(_ record: ExportRecord) -> AppliedDistrust? {
        first(record) { $0.entry.after != nil }
    }

    private func first(_ record: ExportRecord, where include: (AppliedDistrust) -> Bool) -> AppliedDistrust? {
        let candidates = entries.filter(include)
        if candidates.isEmpty { return nil }
        if let hit = candidates.first(where: { $0.entry.sha256 == record.sha256 }) { return hit }
        guard needsCertificate,
              let cert = (try? InputDecoder.decode(Array(record.entry.utf8)))?.certificates.first?.certificate
        else { return nil }
        return candidates.first { $0.entry.matches(cert) }
    }
}

extension PEMBundleExporter {
    /// The records an export of `environment` at `commit` writes, once inheritance and distrust are resolved
    /// (``EnvironmentResolver``): the environment's own records, then those of the environments it extends
    /// (deduplicated by fingerprint, its own winning), without the distrusted ones; sorted by subject then
    /// fingerprint.
    ///
    /// Each folder's records come from ``exportRecords(_:environment:commit:)``, cached under that folder's own
    /// tree id, so the cache stays exact; the merge and the distrust filter are computed on every export (they
    /// depend on `config`, whose entries are not part of any folder's tree id).
    /// - Returns: the records, the distrust entries (to filter a merged system bundle too), the certificates
    ///   left out with the entry that excludes them, and warnings for distrust-after constraints a PEM bundle
    ///   cannot carry.
    /// - Throws: ``TrustStoreError``: failure for an unknown parent or a cycle; rejected when every certificate
    ///   is distrusted (an empty bundle is never produced).
    static func effectiveRecords(_ store: TrustStore, environment: String, config: StoreConfig, commit: String)
        throws(TrustStoreError)
        -> (records: [ExportRecord], distrust: RecordDistrust, omitted: [(entry: BundleEntry, reason: String)],
            warnings: [String])
    {
        let resolver = EnvironmentResolver(config: config)
        let lineage = try resolver.lineage(of: environment)
        let distrust = RecordDistrust(try resolver.distrust(for: environment))
        var seen = Set<String>()
        var records: [ExportRecord] = []
        var omitted: [(entry: BundleEntry, reason: String)] = []
        var warnings: [String] = []
        for name in lineage {
            let inherited = name == environment ? "" : "inherited from '\(name)', "
            for record in try exportRecords(store, environment: name, commit: commit)
            where seen.insert(record.sha256).inserted {
                if let entry = distrust.outright(record) {
                    omitted.append((BundleEntry(subject: record.subject, sha256: record.sha256), inherited + entry.message))
                    continue
                }
                if let entry = distrust.after(record) {
                    warnings.append("'\(record.subject)' is distrusted for certificates issued after "
                        + "\(entry.entry.after ?? "") in '\(entry.environment)'; a PEM bundle cannot carry this constraint")
                }
                records.append(record)
            }
        }
        records.sort { ($0.subject, $0.sha256) < ($1.subject, $1.sha256) }
        if records.isEmpty && !omitted.isEmpty {
            throw TrustStoreError(.rejected, "every certificate of '\(environment)' is distrusted (\(omitted.count) left "
                + "out); refusing to write an empty bundle")
        }
        return (records, distrust, omitted, warnings)
    }
}
