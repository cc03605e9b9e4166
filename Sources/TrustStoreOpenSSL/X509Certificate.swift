internal import COpenSSL

/// One X.509 certificate, owning its OpenSSL `X509*` (freed with `X509_free` in `deinit`).
///
/// Create it from DER with ``init(der:)`` or through ``InputDecoder``. The canonical encoding is
/// the DER of the certificate alone (`i2d_X509`): auxiliary trust data of a `TRUSTED CERTIFICATE`
/// block is never part of ``der`` or of the SHA-256 fingerprint.
package final class X509Certificate {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }

    /// The certificates of an OpenSSL `STACK_OF(X509)`, each with its own reference (`X509_up_ref`); the
    /// stack itself stays the caller's.
    static func array(from stack: OpaquePointer?) -> [X509Certificate] {
        guard let stack else { return [] }
        var out: [X509Certificate] = []
        for i in 0..<ts_openssl_sk_x509_num(stack) {
            if let x = ts_openssl_sk_x509_value(stack, i) {
                X509_up_ref(x)
                out.append(X509Certificate(owning: x))
            }
        }
        return out
    }

    /// Parses one DER-encoded certificate (`d2i_X509`); the whole buffer must be consumed.
    /// - Throws: ``OpenSSLError`` naming the OpenSSL reason when the bytes are not exactly one certificate.
    package convenience init(der: [UInt8]) throws(OpenSSLError) {
        ERR_clear_error()
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let x = d2i_X509(nil, &p, buf.count) else { return nil }
            if let p, let base = buf.baseAddress, p - base != buf.count {
                X509_free(x)
                return nil
            }
            return x
        }
        guard let parsed else { throw OpenSSLError.drain("d2i_X509", fallback: "not a DER certificate") }
        self.init(owning: parsed)
    }

    /// The DER encoding of the certificate (`i2d_X509`), without auxiliary trust data.
    package var der: [UInt8] {
        let len = i2d_X509(pointer, nil)
        guard len > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: Int(len))
        out.withUnsafeMutableBufferPointer { buf in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            _ = i2d_X509(pointer, &p)
        }
        return out
    }

    /// The certificate as one PEM block (`PEM_write_bio_X509`): `-----BEGIN CERTIFICATE-----`,
    /// base64 in 64-column lines, LF line endings, a final newline.
    package var pem: String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, pointer)
        return bio.readAll()
    }

    /// SHA-256 of the DER encoding (`X509_digest`), 32 bytes.
    package var sha256: [UInt8] {
        if let cachedSHA256 { return cachedSHA256 }
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        X509_digest(pointer, EVP_sha256(), &md, &len)
        let value = Array(md.prefix(Int(len)))
        cachedSHA256 = value
        return value
    }

    /// SHA-256 of the DER SubjectPublicKeyInfo (`X509_pubkey_digest` covers only the key bits,
    /// so the SPKI is encoded with `i2d_X509_PUBKEY` and hashed with `EVP_Digest`), 32 bytes.
    package var spkiSHA256: [UInt8] {
        guard let pub = X509_get_X509_PUBKEY(pointer) else { return [] }
        let len = i2d_X509_PUBKEY(pub, nil)
        guard len > 0 else { return [] }
        var der = [UInt8](repeating: 0, count: Int(len))
        der.withUnsafeMutableBufferPointer { buf in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            _ = i2d_X509_PUBKEY(pub, &p)
        }
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var mdLen: UInt32 = 0
        EVP_Digest(der, der.count, &md, &mdLen, EVP_sha256(), nil)
        return Array(md.prefix(Int(mdLen)))
    }

    /// Whether `issuer`'s subject and key identifiers match this certificate's issuer fields
    /// (`X509_check_issued`) and `issuer`'s key verifies this certificate's signature (`X509_verify`).
    package func isIssued(by issuer: X509Certificate) -> Bool {
        guard X509_check_issued(issuer.pointer, pointer) == X509_V_OK else { return false }
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        let ok = X509_verify(pointer, key) == 1
        ERR_clear_error()
        return ok
    }

    private var cachedInfo: CertificateInfo?
    private var cachedSelfSigned: Bool?
    private var cachedSHA256: [UInt8]?

    /// Reads every field that truststore shows or validates; see ``CertificateInfo``. Computed once.
    package var info: CertificateInfo {
        if let cachedInfo { return cachedInfo }
        let info = CertificateInfo(reading: self)
        cachedInfo = info
        return info
    }

    /// Self-signed as OpenSSL's path building decides it (`X509_self_signed(x, 0)`); see
    /// ``CertificateInfo/isSelfSigned``. Computed once.
    package var isSelfSigned: Bool {
        if let cachedSelfSigned { return cachedSelfSigned }
        let value = X509_self_signed(pointer, 0) == 1
        ERR_clear_error()
        cachedSelfSigned = value
        return value
    }

    /// RFC 2253 subject name (see ``CertificateInfo/subject``).
    package var subject: String { nameString(X509_get_subject_name(pointer)) }
    /// RFC 2253 issuer name.
    package var issuer: String { nameString(X509_get_issuer_name(pointer)) }
    /// Serial number, uppercase hex with a leading '-' when negative.
    package var serialHex: String { serialString(X509_get0_serialNumber(pointer)).0 }
    /// notBefore, seconds since the epoch (UTC).
    package var notBefore: Int64 { epochSeconds(X509_get0_notBefore(pointer)) }
    /// notAfter, seconds since the epoch (UTC).
    package var notAfter: Int64 { epochSeconds(X509_get0_notAfter(pointer)) }
}

extension OpaquePointer {
    /// Reads the whole content of a memory BIO as UTF-8 text (`BIO_get_mem_data`).
    func readAll() -> String {
        var data: UnsafeMutablePointer<CChar>?
        let len = ts_openssl_bio_mem_data(self, &data)
        guard len > 0, let data else { return "" }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(len))
        return String(decoding: bytes, as: UTF8.self)
    }
}
