internal import TrustStoreGit
internal import TrustStoreOpenSSL

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
    /// The system bundle appended, when one was.
    public var systemBundle: String?
    /// How many certificates of the system bundle were appended (those not already in the environment).
    public var systemCertificates: Int
    /// Warnings for stderr.
    public var warnings: [String]
    /// The records of ``certificates``, in the same order: what the other export formats are written from.
    package var records: [ExportRecord] = []
}

/// `truststore export ENV`: the environment's certificates (its own and those of the environments it
/// extends, without distrusted ones: ``effectiveRecords(_:environment:config:commit:)``), as committed,
/// as one PEM bundle for `verify=` in Python requests, `REQUESTS_CA_BUNDLE`, `curl --cacert`, `SSL_CERT_FILE`
/// or nginx's `ssl_trusted_certificate`.
///
/// The output depends only on the commit and the export time: certificates are ordered by subject and
/// then SHA-256 fingerprint and their headers are regenerated from the certificates with OpenSSL, so the
/// same store state gives byte-identical output. Certificates outside their validity period at the export
/// time are left out (a bundle is for use now) and reported.
///
/// Such a bundle *replaces* the default trust list of the clients given it. With `includeSystem` (or
/// `include_system = true` for the environment in `truststore.toml`, or an explicit `systemBundle`), the
/// machine's default bundle is appended after the environment's certificates, in its own order, without
/// duplicates; otherwise a warning is returned when none of the environment's certificates is in the system
/// bundle.
package enum PEMBundleExporter {
    /// - Parameters:
    ///   - time: export time, seconds since the epoch (UTC).
    /// - Throws: ``TrustStoreError``: usage for an unknown environment; rejected when the environment holds no
    ///   certificate usable at `time` (an empty bundle is never produced); failure when the store is unreadable.
    package static func export(_ store: TrustStore, environment: String, at time: Int64,
                               includeSystem: Bool = false, systemBundle: String? = nil, commit given: String? = nil)
        throws(TrustStoreError) -> ExportedBundle
    {
        let commit: String
        if let given { commit = given } else { commit = try store.headCommit() }
        let config = try store.config(at: commit)
        try store.requireEnvironment(environment, in: config)
        let resolved = try effectiveRecords(store, environment: environment, config: config, commit: commit)
        let records = resolved.records
        if records.isEmpty {
            throw TrustStoreError(.rejected, "environment '\(environment)' holds no certificates; refusing to write "
                + "an empty bundle", hint: "add certificates with 'truststore add FILE --env \(environment)'")
        }
        let merge = includeSystem || systemBundle != nil || config.environments[environment]?.includeSystem == true
        let system = try SystemBundle.load(explicit: systemBundle)
        var bundle = ExportedBundle(text: "", certificates: [], omitted: [], commit: commit, systemBundle: nil,
                                    systemCertificates: 0, warnings: [])
        var seen = Set<String>()
        var entries: [String] = []
        func take(_ record: ExportRecord, fromSystem: Bool) {
            guard seen.insert(record.sha256).inserted else { return }
            let entry = BundleEntry(subject: record.subject, sha256: record.sha256)
            if time > record.notAfter {
                bundle.omitted.append((entry, "expired on \(Timestamp.format(record.notAfter))"))
            } else if time < record.notBefore {
                bundle.omitted.append((entry, "not valid before \(Timestamp.format(record.notBefore))"))
            } else {
                entries.append(record.entry)
                bundle.records.append(record)
                bundle.certificates.append(entry)
                if fromSystem { bundle.systemCertificates += 1 }
            }
        }
        for record in records { take(record, fromSystem: false) }
        let envCount = bundle.certificates.count
        let written = Set(bundle.certificates.map(\.sha256))
        let subjects = Set(records.filter { written.contains($0.sha256) }.map(\.subject))
        for record in records where record.kind == .intermediate && written.contains(record.sha256)
            && !subjects.contains(record.issuer)
        {
            bundle.warnings.append("'\(record.subject)' is an intermediate whose issuer '\(record.issuer)' is not in this "
                + "bundle: clients that take every certificate of a bundle as a trust anchor would trust it on its own; "
                + "see 'truststore check --env \(environment)'")
        }
        if envCount == 0 {
            throw TrustStoreError(.rejected, "no certificate of '\(environment)' is valid at \(Timestamp.format(time)) "
                + "(\(bundle.omitted.count) expired or not yet valid); refusing to write an empty bundle")
        }
        bundle.omitted += resolved.omitted
        bundle.warnings += resolved.warnings
        if merge {
            guard let system else {
                throw TrustStoreError(.failure, "no system bundle found (looked for "
                    + SystemBundle.standardPaths.joined(separator: ", ") + ")", hint: "pass --system-bundle FILE")
            }
            bundle.systemBundle = system.path
            for record in try system.records(cache: ExportCache(gitDirectory: store.repository.gitDirectory)) {
                if let entry = record.firstDistrust(among: resolved.distrust.filter { $0.entry.after == nil }) {
                    if !seen.contains(record.sha256) && !bundle.omitted.contains(where: { $0.entry.sha256 == record.sha256 }) {
                        bundle.omitted.append((BundleEntry(subject: record.subject, sha256: record.sha256),
                                               "in the system bundle \(system.path), but " + entry.message))
                    }
                    continue
                }
                take(record, fromSystem: true)
            }
        } else if !(system?.containsAny(of: Set(records.map(\.sha256))) ?? false) {
            bundle.warnings.append("this bundle holds only the \(envCount) certificate\(envCount == 1 ? "" : "s") of "
                + "'\(environment)', none of them a root of the system bundle: clients given it through verify=, "
                + "REQUESTS_CA_BUNDLE, curl --cacert or SSL_CERT_FILE use it instead of the default roots and will "
                + "trust nothing else; pass --include-system to append the machine's default roots")
        }
        bundle.text = entries.joined(separator: "\n")
        return bundle
    }

    /// The export record of one certificate: its header and PEM block, sort key and validity window.
    static func record(_ x: X509Certificate) -> ExportRecord {
        let notAfter = x.notAfter
        return ExportRecord(
            subject: x.subject, issuer: x.issuer, sha256: x.sha256.hex, notBefore: x.notBefore, notAfter: notAfter,
            kind: x.isSelfSigned ? .root : .intermediate, entry: header(x, notAfter: notAfter) + x.pem)
    }

    /// The records of every certificate of `environment` at `commit`, sorted by subject then fingerprint,
    /// from the ``ExportCache`` where possible and parsed with OpenSSL otherwise.
    static func exportRecords(_ store: TrustStore, environment: String, commit: String) throws(TrustStoreError)
        -> [ExportRecord]
    {
        let cache = ExportCache(gitDirectory: store.repository.gitDirectory)
        // The environment's whole folder is cached under its tree id too: one read for an unchanged folder.
        let treeID = try? store.repository.objectID(at: commit, path: String(CertificateFile.folder(of: environment).dropLast()))
        let treeKey = treeID.flatMap { $0 }.map { "tree-" + $0 }
        if let treeKey, let cached = cache.records(for: treeKey) { return cached }
        let files = try store.files(in: environment, at: commit, readContent: false)
        var records: [ExportRecord] = []
        for file in files { records += try self.records(of: file, store: store, cache: cache) }
        records.sort { ($0.subject, $0.sha256) < ($1.subject, $1.sha256) }
        if let treeKey, !records.isEmpty { cache.store(records, for: treeKey) }
        return records
    }

    /// The records of one stored file: from `cache` (keyed by blob id) or parsed with OpenSSL and cached.
    /// - Throws: ``TrustStoreError`` (failure) naming the file when it holds no readable certificate.
    static func records(of file: TreeFile, store: TrustStore, cache: ExportCache) throws(TrustStoreError)
        -> [ExportRecord]
    {
        if let cached = cache.records(for: file.blobID) { return cached }
        var file = file
        if file.content.isEmpty { file.content = try store.blob(of: file) }
        let purposes = try PurposeIndex.purposes(in: file.content, path: file.path)
        let fresh = try store.decode(file).map { decoded in
            var r = record(decoded.certificate)
            r.purposes = purposes
            return r
        }
        cache.store(fresh, for: file.blobID)
        return fresh
    }

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
