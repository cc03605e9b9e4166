internal import TrustStoreOpenSSL

/// `export --format java`: a PKCS #12 truststore (RFC 7292) that Java 9+ reads as its default keystore type
/// (`keytool -list -storetype PKCS12`, `-Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStoreType=PKCS12`):
/// one `trustedCertEntry` per certificate, in the export order, with the alias `<readable name>_<first 16 hex of
/// SHA-256>` (lowercase, as Java folds aliases). See ``CertificateContainers/javaTrustStore(_:password:macSalt:)``.
///
/// Deterministic: certificates are stored unencrypted (they are public), so no random IV is used; without a
/// password no MAC is written, and with one the MAC's salt is the first 16 bytes of the SHA-256 of the certificates'
/// DER encodings in order, so the same certificates and password give the same bytes.
enum PKCS12Exporter {
    /// - Parameter password: the store password, empty for none.
    /// - Throws: ``TrustStoreError`` (failure) when OpenSSL cannot read a certificate or encode the structure. No
    ///   certificate is parsed: the bags are made from the DER (see ``CertificateContainers``).
    static func data(_ records: [ExportRecord], password: String) throws(TrustStoreError) -> [UInt8] {
        var entries: [(der: [UInt8], alias: String)] = []
        var all: [UInt8] = []
        for record in records {
            let der = record.der
            entries.append((der, record.fileStem))
            all += der
        }
        let salt = Array(PEMBlocks.sha256(all).prefix(16))
        do {
            return try CertificateContainers.javaTrustStore(entries, password: password, macSalt: salt)
        } catch {
            throw TrustStoreError(.failure, "cannot write the PKCS #12 truststore: \(error)")
        }
    }
}
