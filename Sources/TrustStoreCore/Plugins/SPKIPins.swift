import FoundationEssentials
internal import TrustStoreOpenSSL

/// An RFC 7469 public-key pin: the base64 SHA-256 of a certificate's DER SubjectPublicKeyInfo.
public struct SPKIPin: Sendable, Codable, Hashable {
    public var subject: String
    /// Lowercase hex SHA-256 of the certificate.
    public var sha256: String
    /// Base64 SHA-256 of the SubjectPublicKeyInfo, as in `Public-Key-Pins: pin-sha256="…"`.
    public var pin: String

    /// The pins of the certificates an environment trusts at HEAD (inherited ones included, distrusted ones not),
    /// in the environment's order.
    public static func pins(of environment: String, in store: TrustStore) throws(TrustStoreError) -> [SPKIPin] {
        try store.requireEnvironment(environment)
        return try store.effectiveTrust(of: environment).certificates.map { pin($0.certificate) }
    }

    /// The pins of the certificates of an input in any format `add` reads.
    /// - Throws: ``TrustStoreError`` (rejected) naming `name` when it holds no certificate or a private key.
    public static func pins(ofInput bytes: [UInt8], name: String) throws(TrustStoreError) -> [SPKIPin] {
        do {
            return try InputDecoder.decode(bytes).certificates.map { pin($0.certificate) }
        } catch {
            throw TrustStoreError(.rejected, "cannot read '\(name)': \(error)")
        }
    }

    private static func pin(_ x: X509Certificate) -> SPKIPin {
        SPKIPin(subject: x.subject, sha256: x.sha256.hex, pin: Data(x.spkiSHA256).base64EncodedString())
    }
}
