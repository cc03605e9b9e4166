internal import TrustStoreGit
package import TrustStoreOpenSSL

/// The machine's default CA bundle: what TLS clients trust when they are not given a bundle.
package struct SystemBundle {
    /// Where distributions keep it, in the order tried: Debian/Ubuntu (and Alpine with ca-certificates),
    /// Fedora/RHEL, RHEL's extracted bundle, Alpine/BSD, openSUSE.
    package static let standardPaths = [
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
        "/etc/ssl/ca-bundle.pem",
    ]

    package let path: String
    package let bytes: [UInt8]

    /// Reads `explicit` (`--system-bundle`), else the first of ``standardPaths`` that exists.
    /// - Returns: nil when no explicit path is given and none of the standard paths exists.
    /// - Throws: ``TrustStoreError`` (failure) when the file cannot be read.
    package static func load(explicit: String?) throws(TrustStoreError) -> SystemBundle? {
        guard let path = explicit ?? standardPaths.first(where: FileIO.exists) else { return nil }
        do {
            return SystemBundle(path: path, bytes: try FileIO.read(path))
        } catch {
            throw TrustStoreError(.failure, "cannot read the system bundle '\(path)': \(error)")
        }
    }

    /// Whether it holds any certificate with one of `fingerprints` (lowercase hex SHA-256), found without
    /// parsing certificates and stopping at the first match.
    package func containsAny(of fingerprints: Set<String>) -> Bool {
        var found = false
        PEMBlocks.forEachCertificateDER(bytes) { der in
            found = fingerprints.contains(PEMBlocks.sha256(der).hex)
            return !found
        }
        return found
    }

    /// Its certificates in file order, each once, parsed with OpenSSL (those OpenSSL cannot read are skipped, as
    /// TLS clients loading the bundle skip them).
    package func certificates() -> [X509Certificate] {
        var seen = Set<String>()
        return PEMBlocks.certificateDER(bytes).compactMap { der in
            guard seen.insert(PEMBlocks.sha256(der).hex).inserted else { return nil }
            return try? X509Certificate(der: der)
        }
    }

    /// Export records of its certificates in file order, each once, parsed with OpenSSL or taken from `cache`
    /// (keyed by the certificate's SHA-256, so a record can never be stale).
    /// - Throws: ``TrustStoreError`` (failure) when the bundle holds no certificate.
    package func records(cache: ExportCache) throws(TrustStoreError) -> [ExportRecord] {
        var out: [ExportRecord] = []
        var seen = Set<String>()
        for der in PEMBlocks.certificateDER(bytes) {
            let fingerprint = PEMBlocks.sha256(der).hex
            guard seen.insert(fingerprint).inserted else { continue }
            let key = "sha256-" + fingerprint
            if let cached = cache.records(for: key) {
                out += cached
                continue
            }
            guard let cert = try? X509Certificate(der: der) else { continue }
            let record = PEMBundleExporter.record(cert)
            cache.store([record], for: key)
            out.append(record)
        }
        if out.isEmpty {
            throw TrustStoreError(.failure, "the system bundle '\(path)' holds no certificate")
        }
        return out
    }
}
