/// The one resolution of an environment's effective trust, for any representation of its certificates (a parsed
/// ``StoredCertificate`` for rules and verify, a cached ``ExportRecord`` for exports, a staged index file for the
/// githooks check): every caller hands in its own reader of one environment's folder and gets the same answer.
///
/// The rules, in one place:
/// - The lineage is ``EnvironmentResolver/lineage(of:)``: the environment, then those it extends, depth-first.
/// - A certificate is kept once, by SHA-256 fingerprint, from the first environment of the lineage that holds it
///   (the environment's own copy wins). Its **origin** is that environment, and its **purposes** are those of the
///   file it comes from in its origin (``PurposeIndex``; nil: every purpose). Inheriting never widens a purpose:
///   the origin's own limit travels with the certificate.
/// - A distrust entry of any environment of the lineage (``EnvironmentResolver/distrust(for:)``) without `after`
///   leaves the certificate out (``ResolvedTrust/distrusted``); one with `after` keeps it with the constraint
///   (``ResolvedTrust/Entry/distrustAfter``). Distrust always wins over trust.
package struct ResolvedTrust<Item> {
    /// One trusted certificate.
    package struct Entry {
        package var item: Item
        /// The environment whose folder holds it.
        package var origin: String
        /// The purposes its origin file limits it to; nil: every purpose.
        package var purposes: Set<TrustPurpose>?
        /// The distrust-after entry that constrains it, if any.
        package var distrustAfter: AppliedDistrust?

        /// True when it is trusted for `purpose` (always, when it is not limited).
        package func isTrusted(for purpose: TrustPurpose) -> Bool { purposes?.contains(purpose) ?? true }
    }

    package var environment: String
    /// The trusted certificates, in lineage order (the environment's own first).
    package var trusted: [Entry]
    /// Certificates left out by an outright distrust entry, with that entry.
    package var distrusted: [(entry: Entry, distrust: AppliedDistrust)]
    /// Every distrust entry that applies to the environment.
    package var distrust: [AppliedDistrust]
}

/// One certificate of an environment folder as a reader hands it to ``EnvironmentResolver/resolve(_:folder:)``.
package protocol TrustResolvable {
    /// Lowercase hex SHA-256 of the DER certificate.
    var trustFingerprint: String { get }
    /// The purposes its stored file limits it to; nil: every purpose.
    var trustPurposes: Set<TrustPurpose>? { get }
    /// The first of `entries` that names this certificate (by fingerprint, issuer and serial, or SPKI), if any.
    func firstDistrust(among entries: [AppliedDistrust]) -> AppliedDistrust?
}

extension EnvironmentResolver {
    /// The effective trust of `environment` (see ``ResolvedTrust``), reading each folder of the lineage once with
    /// `folder`.
    /// - Throws: ``TrustStoreError``: failure for an unknown parent or an inheritance cycle; whatever `folder` throws.
    package func resolve<Item: TrustResolvable>(
        _ environment: String, folder: (String) throws(TrustStoreError) -> [Item]
    ) throws(TrustStoreError) -> ResolvedTrust<Item> {
        let lineage = try lineage(of: environment)
        let distrust = try self.distrust(for: environment)
        let outright = distrust.filter { $0.entry.after == nil }
        let after = distrust.filter { $0.entry.after != nil }
        var result = ResolvedTrust<Item>(environment: environment, trusted: [], distrusted: [], distrust: distrust)
        var seen = Set<String>()
        for name in lineage {
            for item in try folder(name) where seen.insert(item.trustFingerprint).inserted {
                var entry = ResolvedTrust<Item>.Entry(
                    item: item, origin: name, purposes: item.trustPurposes, distrustAfter: nil)
                if let hit = item.firstDistrust(among: outright) {
                    result.distrusted.append((entry, hit))
                    continue
                }
                entry.distrustAfter = item.firstDistrust(among: after)
                result.trusted.append(entry)
            }
        }
        return result
    }
}

extension StoredCertificate: TrustResolvable {
    package var trustFingerprint: String { fingerprint }
    package var trustPurposes: Set<TrustPurpose>? { purposes.map(Set.init) }
    package func firstDistrust(among entries: [AppliedDistrust]) -> AppliedDistrust? {
        entries.first { $0.entry.matches(certificate) }
    }
}

extension ExportRecord: TrustResolvable {
    package var trustFingerprint: String { sha256 }
    package var trustPurposes: Set<TrustPurpose>? { purposes }
    /// Records carry only the fingerprint: entries keyed by issuer and serial or by SPKI parse the record's PEM
    /// block with OpenSSL, once, and only when such an entry exists.
    package func firstDistrust(among entries: [AppliedDistrust]) -> AppliedDistrust? {
        if entries.isEmpty { return nil }
        if let hit = entries.first(where: { $0.entry.sha256 == sha256 }) { return hit }
        guard entries.contains(where: { $0.entry.key != .fingerprint }), let cert = try? certificate() else { return nil }
        return entries.first { $0.entry.matches(cert) }
    }
}
