internal import COpenSSL

/// The fields of one certificate that truststore shows and validates, read once with OpenSSL and
/// kept as a Sendable value.
///
/// Times are seconds since the Unix epoch, UTC (`ASN1_TIME_to_tm` + `timegm`). Names are RFC 2253
/// strings (`X509_NAME_print_ex`, most specific RDN first, UTF-8 unescaped), for example
/// `CN=ISRG Root X1,O=Internet Security Research Group,C=US`.
package struct CertificateInfo: Sendable, Hashable {
    /// RFC 2253 subject name.
    package var subject: String
    /// RFC 2253 issuer name.
    package var issuer: String
    /// Serial number as uppercase hexadecimal (`BN_bn2hex`), with a leading `-` when negative.
    package var serialHex: String
    /// True when the DER INTEGER of the serial is negative (forbidden by RFC 5280 §4.1.2.2).
    package var serialIsNegative: Bool
    /// X.509 version as written in certificates: 1, 2 or 3.
    package var version: Int
    /// notBefore, seconds since the epoch (UTC).
    package var notBefore: Int64
    /// notAfter, seconds since the epoch (UTC).
    package var notAfter: Int64
    /// SHA-256 of the DER certificate, 32 bytes.
    package var sha256: [UInt8]
    /// SHA-256 of the DER SubjectPublicKeyInfo, 32 bytes.
    package var spkiSHA256: [UInt8]
    /// Key algorithm as OpenSSL names it (`EVP_PKEY_get0_type_name`): "RSA", "EC", "ED25519", …
    package var keyType: String
    /// Key size in bits (`EVP_PKEY_get_bits`).
    package var keyBits: Int
    /// The named curve of an EC key ("prime256v1", "secp384r1"), else nil.
    package var curve: String?
    /// Signature algorithm long name (`OBJ_nid2ln(X509_get_signature_nid)`), e.g. "sha256WithRSAEncryption".
    package var signatureAlgorithm: String
    /// The digest of the signature (`X509_get_signature_info`), e.g. "SHA1", or nil when not separable (Ed25519).
    package var signatureDigest: String?
    /// Security bits of the signature as OpenSSL rates it (`X509_get_signature_info`); 0 when unknown.
    package var signatureSecurityBits: Int
    /// Self-signed as OpenSSL's path building decides it (`X509_self_signed(x, 0)`): issuer equals subject and
    /// the authority key identifier, when present, names its own key. The signature itself is not checked: no
    /// trust anchor's self-signature is relied upon (RFC 5280 §6.1), and OpenSSL 3 cannot check MD2 at all.
    package var isSelfSigned: Bool
    /// basicConstraints: true for CA:TRUE, false for CA:FALSE, nil when the extension is absent.
    package var basicConstraintsCA: Bool?
    /// pathLenConstraint of basicConstraints (`X509_get_pathlen`), nil when absent.
    package var pathLength: Int?
    /// keyUsage allows keyCertSign, or the extension is absent (`X509_get_key_usage`).
    package var keyUsageAllowsCertSign: Bool
    /// Authority Information Access caIssuers URIs.
    package var caIssuersURLs: [String]
    /// subjectAltName entries as OpenSSL prints them: "DNS:service.test", "IP Address:127.0.0.1", "email:…".
    package var subjectAltNames: [String]

    /// Hex of ``sha256``, lowercase, no separators (64 characters).
    package var fingerprint: String { sha256.hex }

    /// ``sha256`` as colon-separated uppercase pairs, as `openssl x509 -fingerprint -sha256` prints it.
    package var fingerprintColons: String { sha256.colonHex }

    /// "RSA 2048", "EC 256 (prime256v1)", "ED25519 256".
    package var keyDescription: String {
        if let curve { return "\(keyType) \(keyBits) (\(curve))" }
        return "\(keyType) \(keyBits)"
    }

    /// The value of the subject's first CN, else the whole subject.
    package var commonName: String

    init(reading cert: X509Certificate) {
        let x = cert.pointer
        subject = cert.subject
        commonName = subject.splitRDNs().first { $0.hasPrefix("CN=") }.map { String($0.dropFirst(3)) } ?? subject
        issuer = cert.issuer
        (serialHex, serialIsNegative) = serialString(X509_get0_serialNumber(x))
        version = Int(X509_get_version(x)) + 1
        notBefore = cert.notBefore
        notAfter = cert.notAfter
        sha256 = cert.sha256
        spkiSHA256 = cert.spkiSHA256
        if let key = X509_get0_pubkey(x) {
            keyType = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            keyBits = Int(EVP_PKEY_get_bits(key))
            var name = [CChar](repeating: 0, count: 80)
            var len = 0
            if EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &len) == 1 {
                curve = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            } else {
                curve = nil
            }
        } else {
            keyType = "unknown"
            keyBits = 0
            curve = nil
        }
        signatureAlgorithm = OBJ_nid2ln(X509_get_signature_nid(x)).map { String(cString: $0) } ?? "unknown"
        var mdnid: Int32 = 0
        var pknid: Int32 = 0
        var secbits: Int32 = 0
        var flags: UInt32 = 0
        if X509_get_signature_info(x, &mdnid, &pknid, &secbits, &flags) == 1 {
            signatureDigest = mdnid == NID_undef ? nil : OBJ_nid2sn(mdnid).map { String(cString: $0) }
            signatureSecurityBits = Int(secbits)
        } else {
            signatureDigest = nil
            signatureSecurityBits = 0
        }
        isSelfSigned = cert.isSelfSigned
        var critical: Int32 = 0
        if let raw = X509_get_ext_d2i(x, NID_basic_constraints, &critical, nil) {
            let bc = raw.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)
            basicConstraintsCA = bc.pointee.ca != 0
            BASIC_CONSTRAINTS_free(bc)
        } else {
            basicConstraintsCA = nil
        }
        let pathlen = X509_get_pathlen(x)
        pathLength = pathlen >= 0 ? Int(pathlen) : nil
        keyUsageAllowsCertSign = X509_get_key_usage(x) & UInt32(KU_KEY_CERT_SIGN) != 0
        caIssuersURLs = caIssuers(x)
        subjectAltNames = altNames(x)
        ERR_clear_error()
    }
}

extension Array where Element == UInt8 {
    /// Uppercase hexadecimal pairs separated by colons, as `openssl x509 -fingerprint` prints digests.
    package var colonHex: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 3)
        for (i, byte) in enumerated() {
            if i > 0 { out.append(UInt8(ascii: ":")) }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lowercase hexadecimal, two characters a byte.
    package var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// Splits an RFC 2253 name at unescaped commas.
    package func splitRDNs() -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for ch in self {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" {
                current.append(ch)
                escaped = true
            } else if ch == "," {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }
}

func nameString(_ name: OpaquePointer?) -> String {
    guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
    defer { BIO_free(bio) }
    // RFC 2253 without ASN1_STRFLGS_ESC_MSB, so non-ASCII names stay readable UTF-8.
    let flags = ts_openssl_XN_FLAG_RFC2253 & ~UInt(ASN1_STRFLGS_ESC_MSB)
    X509_NAME_print_ex(bio, name, 0, flags)
    return bio.readAll()
}

func serialString(_ serial: UnsafePointer<ASN1_INTEGER>?) -> (String, Bool) {
    guard let serial, let bn = ASN1_INTEGER_to_BN(serial, nil) else { return ("", false) }
    defer { BN_free(bn) }
    let negative = ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER
    guard let hex = BN_bn2hex(bn) else { return ("", negative) }
    defer { ts_openssl_free(hex) }
    return (String(cString: hex), negative)
}

func epochSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
    guard let time else { return 0 }
    var tm = tm()
    guard ASN1_TIME_to_tm(time, &tm) == 1 else { return 0 }
    return Int64(timegm(&tm))
}

private func caIssuers(_ x: OpaquePointer) -> [String] {
    guard let raw = X509_get_ext_d2i(x, NID_info_access, nil, nil) else { return [] }
    let aia = OpaquePointer(raw)
    defer { AUTHORITY_INFO_ACCESS_free(aia) }
    var urls: [String] = []
    for i in 0..<OPENSSL_sk_num(aia) {
        guard let item = OPENSSL_sk_value(aia, i) else { continue }
        let ad = item.assumingMemoryBound(to: ACCESS_DESCRIPTION.self)
        guard OBJ_obj2nid(ad.pointee.method) == NID_ad_ca_issuers,
              let name = ad.pointee.location, name.pointee.type == GEN_URI,
              let uri = name.pointee.d.uniformResourceIdentifier,
              let data = ASN1_STRING_get0_data(uri)
        else { continue }
        let bytes = UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(uri)))
        urls.append(String(decoding: bytes, as: UTF8.self))
    }
    return urls
}

/// The subjectAltName entries, printed by OpenSSL's own `GENERAL_NAME_print`.
private func altNames(_ x: OpaquePointer) -> [String] {
    guard let raw = X509_get_ext_d2i(x, NID_subject_alt_name, nil, nil) else { return [] }
    let names = OpaquePointer(raw)
    defer { GENERAL_NAMES_free(names) }
    var out: [String] = []
    for i in 0..<OPENSSL_sk_num(names) {
        guard let item = OPENSSL_sk_value(names, i), let bio = BIO_new(BIO_s_mem()) else { continue }
        defer { BIO_free(bio) }
        GENERAL_NAME_print(bio, item.assumingMemoryBound(to: GENERAL_NAME.self))
        out.append(bio.readAll())
    }
    return out
}
