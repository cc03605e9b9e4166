internal import TrustStoreGit
internal import TrustStoreOpenSSL

extension PEMBundleExporter {
    /// The records an export of `environment` at `commit` writes, once inheritance and distrust are resolved by
    /// ``EnvironmentResolver/resolve(_:folder:)`` (as for every other command): the environment's own records, then
    /// those of the environments it extends (deduplicated by fingerprint, its own winning), each with the purposes of
    /// its origin file, without the distrusted ones; sorted by subject then fingerprint.
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
        -> (records: [ExportRecord], distrust: [AppliedDistrust], omitted: [(entry: BundleEntry, reason: String)],
            warnings: [String])
    {
        let resolved = try EnvironmentResolver(config: config).resolve(environment) {
            (name: String) throws(TrustStoreError) in try exportRecords(store, environment: name, commit: commit)
        }
        let omitted = resolved.distrusted.map { item in
            (BundleEntry(subject: item.entry.item.subject, sha256: item.entry.item.sha256),
             (item.entry.origin == environment ? "" : "inherited from '\(item.entry.origin)', ") + item.distrust.message)
        }
        let warnings = resolved.trusted.compactMap { e in
            e.distrustAfter.map { entry in
                "'\(e.item.subject)' is distrusted for certificates issued after \(entry.entry.after ?? "") in "
                    + "'\(entry.environment)'; a PEM bundle cannot carry this constraint"
            }
        }
        var records = resolved.trusted.map(\.item)
        records.sort { ($0.subject, $0.sha256) < ($1.subject, $1.sha256) }
        if records.isEmpty && !omitted.isEmpty {
            throw TrustStoreError(.rejected, "every certificate of '\(environment)' is distrusted (\(omitted.count) left "
                + "out); refusing to write an empty bundle")
        }
        return (records, resolved.distrust, omitted, warnings)
    }
}
