internal import TrustStoreOpenSSL

/// The fields of one certificate that every JSON document of truststore shares (`export --format json`, the
/// hooks' `TRUSTSTORE_CHANGE_JSON`), encoded as keys of the enclosing object:
///
/// `subject`, `issuer` (RFC 2253-style, as OpenSSL prints them), `kind` (`root` | `intermediate`), `serial`
/// (uppercase hex), `sha256` and `spki_sha256` (lowercase hex), `not_before` and `not_after` (RFC 3339, UTC), and
/// `key`: `{"algorithm": "RSA" | "EC" | …, "bits": N, "curve": "prime256v1"?}`.
struct CertificateDescription: Encodable {
    var subject: String
    var issuer: String
    var kind: CertificateKind
    var serial: String
    var sha256: String
    var spkiSHA256: String
    var notBefore: String
    var notAfter: String
    var key: Key

    struct Key: Encodable {
        var algorithm: String
        var bits: Int
        var curve: String?
    }

    init(_ info: CertificateInfo) {
        subject = info.subject
        issuer = info.issuer
        kind = info.isSelfSigned ? .root : .intermediate
        serial = info.serialHex
        sha256 = info.fingerprint
        spkiSHA256 = info.spkiSHA256.hex
        notBefore = Timestamp.format(info.notBefore)
        notAfter = Timestamp.format(info.notAfter)
        key = Key(algorithm: info.keyType, bits: info.keyBits, curve: info.curve)
    }

    enum CodingKeys: String, CodingKey {
        case subject, issuer, kind, serial, sha256, key
        case spkiSHA256 = "spki_sha256", notBefore = "not_before", notAfter = "not_after"
    }
}
