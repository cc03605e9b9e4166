internal import TrustStoreOpenSSL

/// `export --format pkcs7`: every certificate in one certificates-only PKCS #7 SignedData (RFC 2315 section 9.1,
/// the `.p7b` / `.p7c` of Windows and Java tools, read with `openssl pkcs7 -print_certs`), in the export order;
/// DER by default, PEM (`-----BEGIN PKCS7-----`) with `pem`. See ``CertificateContainers/pkcs7(_:pem:)``.
enum PKCS7Exporter {
    /// - Throws: ``TrustStoreError`` (failure) when OpenSSL cannot read a certificate or encode the structure.
    static func data(_ records: [ExportRecord], pem: Bool) throws(TrustStoreError) -> [UInt8] {
        var certificates: [X509Certificate] = []
        for record in records { certificates.append(try record.certificate()) }
        do {
            return try CertificateContainers.pkcs7(certificates, pem: pem)
        } catch {
            throw TrustStoreError(.failure, "cannot write the PKCS #7 file: \(error)")
        }
    }
}
