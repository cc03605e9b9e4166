internal import TrustStoreOpenSSL

/// `export --format openssl-directory`: a hashed directory that OpenSSL reads with `-CApath`, `SSL_CERT_DIR` or
/// `X509_LOOKUP_hash_dir`, as `openssl rehash` (and p11-kit's `trust extract --format=openssl-directory`) make it.
///
/// Each certificate is one plain file `HASH.N` (no symbolic links): HASH is OpenSSL's subject-name hash
/// (`X509_subject_name_hash`, 8 lowercase hex digits), N the collision index among certificates whose subjects hash
/// alike, counted in the export order (subject, then SHA-256 fingerprint), so the names are deterministic. Each file
/// holds the record's comment header and its PEM block. With `trustedCertificate`, each root is an OpenSSL
/// `TRUSTED CERTIFICATE` block whose auxiliary trust lists its purposes as trusted (`X509_add1_trust_object`; every
/// purpose and anyExtendedKeyUsage when it has none) and the others as rejected (`X509_add1_reject_object`), so
/// `X509_check_trust` accepts it only for those purposes. An intermediate CA stays a plain `CERTIFICATE` block
/// (OpenSSL's `check_trust` takes the first store certificate with trust settings as the anchor, so trust bits on
/// an intermediate would bypass its root's purposes), or, when limited to purposes itself, carries only reject bits.
enum HashedDirectoryExporter {
    /// - Parameter purposes: the purposes of each certificate by SHA-256 (nil: every purpose); used only with
    ///   `trustedCertificate`.
    /// - Throws: ``TrustStoreError`` (failure) when OpenSSL cannot read a certificate.
    static func files(_ records: [ExportRecord], trustedCertificate: Bool,
                      purposes: [String: Set<TrustPurpose>]) throws(TrustStoreError) -> [ExportFile]
    {
        var next: [UInt32: Int] = [:]
        var out: [ExportFile] = []
        out.reserveCapacity(records.count)
        for record in records {
            let certificate = try record.certificate()
            let hash = certificate.subjectNameHash
            let index = next[hash, default: 0]
            next[hash] = index + 1
            let name = hex8(hash) + "." + String(index)
            var content = record.entry
            let allowed = purposes[record.sha256]
            if trustedCertificate,
               let (trustOIDs, rejectOIDs) = TrustPurpose.auxiliaryTrust(limitedTo: allowed, isRoot: record.kind == .root)
            {
                let trust = TrustPurpose.allCases.filter { record.kind == .root && (allowed?.contains($0) ?? true) }
                let reject = TrustPurpose.allCases.filter { !(allowed?.contains($0) ?? true) }
                do {
                    let block = try certificate.trustedCertificatePEM(trust: trustOIDs, reject: rejectOIDs, inPlace: true)
                    let pemStart = record.entry.range(of: "-----BEGIN")?.lowerBound ?? record.entry.startIndex
                    let header = record.entry[..<pemStart]
                    let trustNote = record.kind == .root
                        ? "# Trusted for: "
                            + (trust.isEmpty ? "nothing" : trust.map(\.rawValue).joined(separator: ", "))
                        : "# Rejected for: " + reject.map(\.rawValue).joined(separator: ", ")
                    content = header + trustNote + "\n" + block
                } catch {
                    throw TrustStoreError(
                        .failure, "cannot write '\(record.subject)' as a trusted certificate: \(error)")
                }
            }
            out.append(ExportFile(name: name, content: Array(content.utf8)))
        }
        return out
    }

    private static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
