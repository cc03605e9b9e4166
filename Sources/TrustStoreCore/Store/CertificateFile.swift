package import TrustStoreOpenSSL

/// The on-disk form of one stored certificate: canonical PEM preceded by a `#` comment header, so a
/// trust change reads well in `git show` without truststore. OpenSSL's PEM reader skips the header.
///
/// ```
/// # Subject: CN=ISRG Root X1,O=Internet Security Research Group,C=US
/// # Issuer: CN=ISRG Root X1,O=Internet Security Research Group,C=US
/// # Kind: root
/// # Serial: 8210CFB0D240E3594463E0BB63828B00
/// # Not before: 2015-06-04T11:04:38Z
/// # Not after: 2035-06-04T11:04:38Z
/// # SHA-256: 96:BC:EC:06:…
/// # Key: RSA 4096
/// # Signature: sha256WithRSAEncryption
/// -----BEGIN CERTIFICATE-----
/// ```
package enum CertificateFile {
    /// The folder of an environment: `stores/<env>/`.
    package static func folder(of environment: String) -> String { "stores/\(environment)/" }

    /// `stores/<env>/<readable-name>_<first 16 hex of SHA-256>.pem`.
    package static func path(for info: CertificateInfo, in environment: String) -> String {
        folder(of: environment) + slug(info.commonName) + "_" + info.fingerprint.prefix(16) + ".pem"
    }

    /// The file content: comment header and one PEM block, LF line endings.
    package static func render(_ cert: X509Certificate, info: CertificateInfo, kind: CertificateKind,
                               auxiliaryTrust: String?) -> [UInt8]
    {
        var lines = [
            "# Subject: \(info.subject)",
            "# Issuer: \(info.issuer)",
            "# Kind: \(kind.rawValue)",
            "# Serial: \(info.serialHex)",
            "# Not before: \(Timestamp.format(info.notBefore))",
            "# Not after: \(Timestamp.format(info.notAfter))",
            "# SHA-256: \(info.fingerprintColons)",
            "# Key: \(info.keyDescription)",
            "# Signature: \(info.signatureAlgorithm)",
        ]
        if let auxiliaryTrust { lines.append("# OpenSSL auxiliary trust (not exported): \(auxiliaryTrust)") }
        return Array((lines.joined(separator: "\n") + "\n" + cert.pem).utf8)
    }

    /// The auxiliary-trust note of a stored file's header, if any.
    package static func auxiliaryTrust(in content: [UInt8]) -> String? {
        let marker = Array("# OpenSSL auxiliary trust (not exported): ".utf8)
        var start = 0
        // Only the '#' header lines before the PEM block can hold it.
        while start < content.count && content[start] == UInt8(ascii: "#") {
            let end = content[start...].firstIndex(of: 0x0A) ?? content.count
            let line = content[start..<end]
            if line.starts(with: marker) {
                return String(decoding: line.dropFirst(marker.count), as: UTF8.self)
            }
            start = end + 1
        }
        return nil
    }

    /// Lowercase ASCII letters and digits, other runs turned into '-', at most 48 characters.
    static func slug(_ text: String) -> String {
        var out = ""
        var dash = false
        for scalar in text.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                out.unicodeScalars.append(scalar)
                dash = false
            } else if !dash && !out.isEmpty {
                out.append("-")
                dash = true
            }
            if out.count >= 48 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "certificate" : out
    }
}
