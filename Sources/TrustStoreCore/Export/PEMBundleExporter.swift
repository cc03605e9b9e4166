package import TrustStoreOpenSSL

/// One certificate written to a bundle.
public struct BundleEntry: Sendable, Codable, Hashable {
    public var subject: String
    /// Lowercase hex SHA-256.
    public var sha256: String
}

/// A PEM bundle of one environment and what was left out of it.
public struct ExportedBundle: Sendable {
    /// The bundle: for each certificate a certifi-style comment header and one canonical PEM block,
    /// separated by a blank line; LF line endings, no byte-order mark, a final newline.
    public var text: String
    /// Certificates written to the bundle.
    public var certificates: [BundleEntry]
    /// Certificates left out, each with the reason (expired or not yet valid at the export time).
    public var omitted: [(entry: BundleEntry, reason: String)]
    /// The commit the bundle was exported from.
    public var commit: String
}

/// `truststore export ENV`: the environment's certificates, as committed, as one PEM bundle for
/// `verify=` in Python requests, `REQUESTS_CA_BUNDLE`, `curl --cacert`, `SSL_CERT_FILE` or nginx's
/// `ssl_trusted_certificate`.
///
/// The output depends only on the commit and the export time: certificates are ordered by subject and
/// then SHA-256 fingerprint and their headers are regenerated from the certificates with OpenSSL, so the
/// same store state gives byte-identical output. Certificates outside their validity period at the export
/// time are left out (a bundle is for use now) and reported.
package enum PEMBundleExporter {
    /// - Parameters:
    ///   - time: export time, seconds since the epoch (UTC).
    /// - Throws: ``TrustStoreError``: usage for an unknown environment; rejected when the environment holds no
    ///   certificate usable at `time` (an empty bundle is never produced); failure when the store is unreadable.
    package static func export(_ store: TrustStore, environment: String, at time: Int64) throws(TrustStoreError)
        -> ExportedBundle
    {
        try store.requireEnvironment(environment)
        let commit = try store.headCommit()
        let records = try exportRecords(store, environment: environment, commit: commit)
        var seen = Set<String>()
        var entries: [String] = []
        var written: [BundleEntry] = []
        var omitted: [(BundleEntry, String)] = []
        for record in records where seen.insert(record.sha256).inserted {
            let entry = BundleEntry(subject: record.subject, sha256: record.sha256)
            if time > record.notAfter {
                omitted.append((entry, "expired on \(Timestamp.format(record.notAfter))"))
            } else if time < record.notBefore {
                omitted.append((entry, "not valid before \(Timestamp.format(record.notBefore))"))
            } else {
                entries.append(record.entry)
                written.append(entry)
            }
        }
        if records.isEmpty {
            throw TrustStoreError(.rejected, "environment '\(environment)' holds no certificates; refusing to write "
                + "an empty bundle", hint: "add certificates with 'truststore add FILE --env \(environment)'")
        }
        if entries.isEmpty {
            throw TrustStoreError(.rejected, "no certificate of '\(environment)' is valid at \(Timestamp.format(time)) "
                + "(\(omitted.count) expired or not yet valid); refusing to write an empty bundle")
        }
        return ExportedBundle(text: entries.joined(separator: "\n"), certificates: written, omitted: omitted, commit: commit)
    }

    /// The records of every certificate of `environment` at `commit`, sorted by subject then fingerprint,
    /// from the ``ExportCache`` where possible and parsed with OpenSSL otherwise.
    static func exportRecords(_ store: TrustStore, environment: String, commit: String) throws(TrustStoreError)
        -> [ExportRecord]
    {
        let files = try store.files(in: environment, at: commit, readContent: false)
        let cache = ExportCache(gitDirectory: store.repository.gitDirectory)
        var records: [ExportRecord] = []
        for file in files {
            if let cached = cache.records(for: file.blobID) {
                records += cached
                continue
            }
            let fresh = try store.decode(file).map { item in
                let x = item.certificate
                let notAfter = x.notAfter
                return ExportRecord(
                    subject: x.subject, sha256: x.sha256.hex, notBefore: x.notBefore, notAfter: notAfter,
                    entry: header(x, notAfter: notAfter) + x.pem)
            }
            cache.store(fresh, for: file.blobID)
            records += fresh
        }
        return records.sorted { ($0.subject, $0.sha256) < ($1.subject, $1.sha256) }
    }

    /// The certifi-style header of one entry.
    /// The certifi-style header of one entry. Reads only the fields it prints, so exporting never pays for
    /// a full read of the certificate (the self-signature check above all).
    static func header(_ x: X509Certificate, notAfter: Int64) -> String {
        "# Subject: \(x.subject)\n"
            + "# Issuer: \(x.issuer)\n"
            + "# Serial: \(x.serialHex)\n"
            + "# Not after: \(Timestamp.format(notAfter))\n"
            + "# SHA-256 Fingerprint: \(x.sha256.colonHex)\n"
    }
}
