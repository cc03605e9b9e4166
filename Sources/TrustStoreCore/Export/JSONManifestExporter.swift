import FoundationEssentials
internal import TrustStoreOpenSSL

/// `export --format json`: a manifest of the exported certificates for inventory and audit tools.
///
/// Shape (keys sorted, 2-space pretty printing, a final newline; times RFC 3339 UTC; fingerprints lowercase hex):
/// ```
/// {"commit": "<export commit>", "environment": "prod", "format": "truststore-manifest", "version": 1,
///  "certificates": [{"subject", "issuer", "kind": "root|intermediate", "serial" (uppercase hex),
///    "sha256", "spki_sha256", "not_before", "not_after", "key": {"algorithm", "bits", "curve"?},
///    "purposes": ["server-auth", ...] (absent: every purpose), "source": "environment|system",
///    "provenance": {"commit", "author", "author_email", "date", "reason"?, "sources": [...]} (absent for system
///    roots or a certificate whose adding commit is not in the export commit's history)}]}
/// ```
/// Certificates are in the export order. Provenance is the latest commit, reachable from the export commit, that
/// added the certificate to the environment (``HistoryReader``, as `truststore blame` finds it), with its
/// `Truststore-Reason` and `Truststore-Source` trailers. The manifest holds no export time, so it is deterministic
/// for a given commit and selection.
enum JSONManifestExporter {
    struct Manifest: Encodable {
        var format = "truststore-manifest"
        var version = 1
        var environment: String
        var commit: String
        var certificates: [Entry]
    }

    struct Entry: Encodable {
        var certificate: CertificateDescription
        var purposes: [TrustPurpose]?
        var source: String
        var provenance: Provenance?

        enum CodingKeys: String, CodingKey {
            case purposes, source, provenance
        }

        /// The certificate's fields and the entry's own, as keys of one object.
        func encode(to encoder: any Encoder) throws {
            try certificate.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(purposes, forKey: .purposes)
            try c.encode(source, forKey: .source)
            try c.encodeIfPresent(provenance, forKey: .provenance)
        }
    }

    struct Provenance: Encodable {
        var commit: String
        var author: String
        var authorEmail: String
        var date: String
        var reason: String?
        var sources: [String]

        enum CodingKeys: String, CodingKey {
            case commit, author, date, reason, sources
            case authorEmail = "author_email"
        }
    }

    /// - Parameters:
    ///   - environmentCount: how many of `records` (the first ones) come from the environment; the rest were
    ///     appended from the system bundle.
    ///   - purposes: the purposes of each certificate by SHA-256 (absent: every purpose).
    /// - Throws: ``TrustStoreError`` (failure) when the history or a certificate cannot be read.
    static func data(_ records: [ExportRecord], environmentCount: Int, store: TrustStore, environment: String,
                     commit: String, purposes: [String: Set<TrustPurpose>]) throws(TrustStoreError) -> [UInt8]
    {
        var reader = HistoryReader(store: store)
        var added: [String: TrustChange] = [:]
        let wanted = Set(records.prefix(environmentCount).map(\.sha256))
        for change in try reader.changes(environment: environment)  // newest first
        where change.action == .add && wanted.contains(change.sha256) && added[change.sha256] == nil
            && store.repository.isDescendant(commit, of: change.commit)
        {
            added[change.sha256] = change
        }
        var entries: [Entry] = []
        for (i, record) in records.enumerated() {
            let info = try record.certificate().info
            let change = i < environmentCount ? added[record.sha256] : nil
            entries.append(Entry(
                certificate: CertificateDescription(info),
                purposes: purposes[record.sha256].map { $0.sorted() },
                source: i < environmentCount ? "environment" : "system",
                provenance: change.map {
                    Provenance(commit: $0.commit, author: $0.author, authorEmail: $0.authorEmail, date: $0.date,
                               reason: $0.reason, sources: $0.sources)
                }))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let manifest = Manifest(environment: environment, commit: commit, certificates: entries)
            return Array(try encoder.encode(manifest)) + [0x0A]
        } catch {
            throw TrustStoreError(.failure, "cannot encode the JSON manifest: \(error)")
        }
    }
}
