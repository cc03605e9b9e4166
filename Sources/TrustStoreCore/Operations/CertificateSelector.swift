internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// Resolves a `CERT` argument: a SHA-256 fingerprint (64 hex digits, colons and case ignored), a
/// unique prefix of one (at least 6 hex digits), or a file holding the certificate(s) in any format
/// `add` reads.
package struct CertificateSelector {
    package enum Pattern {
        case fingerprintPrefix(String)
        case fingerprints(Set<String>, file: String)
    }

    package var text: String
    package var pattern: Pattern

    /// - Parameters:
    ///   - cwd: the directory relative file paths are read from.
    /// - Throws: ``TrustStoreError`` (usage) when `text` is neither a readable certificate file nor hex.
    package init(_ text: String, cwd: String) throws(TrustStoreError) {
        self.text = text
        let path = TrustStore.absolute(text, cwd: cwd)
        if FileIO.exists(path) && !FileIO.isDirectory(path) {
            let bytes: [UInt8]
            do {
                bytes = try FileIO.read(path)
            } catch {
                throw TrustStoreError(.failure, "cannot read '\(text)': \(error)")
            }
            do {
                let decoded = try InputDecoder.decode(bytes)
                pattern = .fingerprints(Set(decoded.certificates.map { $0.certificate.info.fingerprint }), file: text)
            } catch {
                throw TrustStoreError(.rejected, "cannot use '\(text)' to select a certificate: \(error)")
            }
            return
        }
        let hex = text.lowercased().filter { $0 != ":" }
        guard hex.count >= 6, hex.count <= 64, hex.allSatisfy({ $0.isHexDigit }) else {
            throw TrustStoreError(.usage, "'\(text)' is neither a certificate file nor a SHA-256 fingerprint "
                + "(at least 6 hex digits)")
        }
        pattern = .fingerprintPrefix(hex)
    }

    /// True when `fingerprint` (lowercase hex) is selected.
    package func matches(_ fingerprint: String) -> Bool {
        switch pattern {
        case .fingerprintPrefix(let prefix): return fingerprint.hasPrefix(prefix)
        case .fingerprints(let set, _): return set.contains(fingerprint)
        }
    }

    /// The certificates of `candidates` that match, requiring exactly one distinct fingerprint for a prefix.
    /// - Throws: ``TrustStoreError`` (rejected) when nothing matches in `scope` or a prefix is ambiguous.
    package func select(from candidates: [StoredCertificate], scope: String) throws(TrustStoreError)
        -> [StoredCertificate]
    {
        let found = candidates.filter { matches($0.info.fingerprint) }
        if found.isEmpty {
            throw TrustStoreError(.rejected, "no certificate matching '\(text)' in \(scope)")
        }
        if case .fingerprintPrefix = pattern, Set(found.map(\.info.fingerprint)).count > 1 {
            let list = found.map { "\($0.info.fingerprint.prefix(16)) '\($0.info.subject)'" }
            throw TrustStoreError(.rejected, "'\(text)' is ambiguous in \(scope): "
                + list.joined(separator: ", "), hint: "give more digits of the fingerprint")
        }
        return found
    }
}
