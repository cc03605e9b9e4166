internal import TrustStoreOpenSSL

extension ExportRecord {
    /// The DER encoding of the certificate, decoded from the record's PEM block (base64 only, no parse).
    var der: [UInt8] {
        PEMBlocks.certificateDER(Array(entry.utf8)).first ?? []
    }

    /// The certificate, parsed with OpenSSL from ``der``.
    /// - Throws: ``TrustStoreError`` (failure) when OpenSSL cannot read it.
    func certificate() throws(TrustStoreError) -> X509Certificate {
        do {
            return try X509Certificate(der: der)
        } catch {
            throw TrustStoreError(.failure, "cannot read '\(subject)' (\(sha256.prefix(16))): \(error)")
        }
    }

    /// `<slug of the first CN, else of the subject>_<first 16 hex of SHA-256>`: a readable, unique, stable name,
    /// as the store names its files (``CertificateFile/path(for:in:)``).
    var fileStem: String {
        let cn = subject.splitRDNs().first { $0.hasPrefix("CN=") }.map { String($0.dropFirst(3)) } ?? subject
        let slug = CertificateFile.slug(cn)
        return (slug.isEmpty ? "certificate" : slug) + "_" + sha256.prefix(16)
    }
}
