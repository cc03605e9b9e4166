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
    public var omitted: [(summary: CertificateSummary, reason: String)]
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
        let certs = try store.certificates(in: environment, at: commit)
        var seen = Set<String>()
        var entries: [String] = []
        var written: [BundleEntry] = []
        var omitted: [(CertificateSummary, String)] = []
        for cert in certs where seen.insert(cert.fingerprint).inserted {
            let x = cert.certificate
            let notAfter = x.notAfter
            let notBefore = x.notBefore
            if time > notAfter {
                omitted.append((CertificateSummary(cert), "expired on \(Timestamp.format(notAfter))"))
                continue
            }
            if time < notBefore {
                omitted.append((CertificateSummary(cert), "not valid before \(Timestamp.format(notBefore))"))
                continue
            }
            entries.append(header(x, notAfter: notAfter) + x.pem)
            written.append(BundleEntry(subject: x.subject, sha256: cert.fingerprint))
        }
        if certs.isEmpty {
            throw TrustStoreError(.rejected, "environment '\(environment)' holds no certificates; refusing to write "
                + "an empty bundle", hint: "add certificates with 'truststore add FILE --env \(environment)'")
        }
        if entries.isEmpty {
            throw TrustStoreError(.rejected, "no certificate of '\(environment)' is valid at \(Timestamp.format(time)) "
                + "(\(omitted.count) expired or not yet valid); refusing to write an empty bundle")
        }
        return ExportedBundle(text: entries.joined(separator: "\n"), certificates: written, omitted: omitted, commit: commit)
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
