internal import COpenSSL

/// How the certificates of an input were encoded, detected from the content (never the file name).
package enum InputEncoding: String, Sendable {
    case pem = "PEM"
    case der = "DER"
    case pkcs7DER = "PKCS #7 (DER)"
    case pkcs7PEM = "PKCS #7 (PEM)"
}

/// OpenSSL auxiliary trust carried by a `TRUSTED CERTIFICATE` block (`X509_get0_trust_objects`,
/// `X509_get0_reject_objects`, `X509_alias_get0`). Kept as metadata; exports never carry it.
package struct AuxiliaryTrust: Sendable, Hashable {
    /// Trusted uses as OpenSSL short names, e.g. "serverAuth".
    package var trusted: [String]
    /// Rejected uses as OpenSSL short names.
    package var rejected: [String]
    /// The friendly name (alias), if any.
    package var alias: String?

    package var summary: String {
        var parts: [String] = []
        if !trusted.isEmpty { parts.append("trusted for " + trusted.joined(separator: ", ")) }
        if !rejected.isEmpty { parts.append("rejected for " + rejected.joined(separator: ", ")) }
        if let alias { parts.append("alias '\(alias)'") }
        return parts.isEmpty ? "no trust settings" : parts.joined(separator: "; ")
    }
}

/// One certificate found in an input.
package struct DecodedCertificate {
    package var certificate: X509Certificate
    /// 1-based position among the certificates of the input.
    package var position: Int
    /// The PEM label it came from ("CERTIFICATE", "TRUSTED CERTIFICATE", …), or "DER".
    package var label: String
    package var auxiliaryTrust: AuxiliaryTrust?
}

/// The certificates of one input, with notes on what was normalised on the way (BOM, CRLF, labels).
package struct DecodedInput {
    package var certificates: [DecodedCertificate]
    package var encoding: InputEncoding
    /// Informational or warning notes, each a short lowercase phrase.
    package var notes: [String]
}

/// Why an input holds nothing truststore can import. ``description`` is the one-line reason.
package enum InputRejection: Error, Sendable, CustomStringConvertible {
    case empty
    case whitespaceOnly
    case noCertificate(hint: String?)
    case utf16(byteOrderMark: String)
    /// A private key in PEM block `block` (1-based) of the input.
    case privateKey(label: String, block: Int)
    case wrongType(String)
    case malformed(String)

    package var description: String {
        switch self {
        case .empty: return "no certificate found (file is empty, 0 bytes)"
        case .whitespaceOnly: return "no certificate found (file holds only whitespace)"
        case .noCertificate(let hint): return "no certificate found" + (hint.map { " (\($0))" } ?? "")
        case .utf16(let bom):
            return "file is UTF-16 encoded text (\(bom)); save it as ASCII or UTF-8 PEM, for example with "
                + "'iconv -f UTF-16 -t UTF-8'"
        case .privateKey(let label, let block):
            return "file contains a private key (block \(block), '\(label)'); private keys are never imported (nor decrypted or printed); "
                + "keep CA keys out of files you hand around"
        case .wrongType(let what): return what
        case .malformed(let why): return "not a valid certificate: \(why)"
        }
    }
}

/// Detects the format of certificate input from its bytes and decodes it with OpenSSL.
///
/// Accepts PEM (bundles, CRLF or mixed line endings, UTF-8 byte-order marks anywhere, text around
/// blocks, `CERTIFICATE`, `X509 CERTIFICATE`, `TRUSTED CERTIFICATE`, `PKCS7`), DER certificates and
/// PKCS #7 certs-only in DER or PEM. PEM armour is read by `PEM_read_bio`, DER by `d2i_X509`,
/// `d2i_X509_AUX` and `d2i_PKCS7`. Never decrypts anything and so never asks for a passphrase.
package enum InputDecoder {
    /// Decodes `bytes`.
    /// - Throws: ``InputRejection`` when the input holds a private key anywhere, is empty, UTF-16,
    ///   a CSR, CRL, PKCS #12 or public key, is malformed, or holds no certificate.
    package static func decode(_ bytes: [UInt8]) throws(InputRejection) -> DecodedInput {
        if bytes.isEmpty { throw .empty }
        if bytes.starts(with: [0xFF, 0xFE]) { throw .utf16(byteOrderMark: "little-endian, byte-order mark FF FE") }
        if bytes.starts(with: [0xFE, 0xFF]) { throw .utf16(byteOrderMark: "big-endian, byte-order mark FE FF") }
        if bytes.count >= 4, bytes[1] == 0, bytes[3] == 0, bytes[0] != 0 {
            throw .utf16(byteOrderMark: "little-endian, no byte-order mark")
        }
        if looksBinary(bytes) {
            return try decodeDER(bytes)
        }
        return try decodeText(bytes)
    }

    private static func looksBinary(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == 0x30 else { return false }
        return bytes.prefix(64).contains { $0 < 0x09 || ($0 > 0x0D && $0 < 0x20) || $0 > 0x7E }
    }

    // MARK: DER

    private static func decodeDER(_ bytes: [UInt8]) throws(InputRejection) -> DecodedInput {
        if let cert = try? X509Certificate(der: bytes) {
            return DecodedInput(
                certificates: [DecodedCertificate(certificate: cert, position: 1, label: "DER", auxiliaryTrust: nil)],
                encoding: .der, notes: [])
        }
        if let certs = try pkcs7Certificates(bytes) {
            return DecodedInput(certificates: certs, encoding: .pkcs7DER, notes: [])
        }
        if isDERPrivateKey(bytes) { throw .privateKey(label: "DER private key", block: 1) }
        if let what = identifyOtherDER(bytes) { throw .wrongType(what) }
        // Report the certificate parser's own reason: the likeliest intent was a certificate.
        ERR_clear_error()
        let reason: String
        do throws(OpenSSLError) {
            _ = try X509Certificate(der: bytes)
            reason = "DER parse error"
        } catch {
            reason = "DER parse error, truncated or corrupt (OpenSSL: \(error.reasons.joined(separator: "; ")))"
        }
        throw .malformed(reason)
    }

    /// Whole-buffer parse with a `d2i_*` function; true when it consumed every byte.
    private static func parses(
        _ bytes: [UInt8], _ parse: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?,
        _ free: (OpaquePointer) -> Void
    ) -> Bool {
        bytes.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            guard let obj = parse(&p, buf.count) else {
                ERR_clear_error()
                return false
            }
            free(obj)
            return p.map { $0 - buf.baseAddress! == buf.count } ?? false
        }
    }

    /// An unencrypted (PKCS #8 or traditional) or encrypted (PKCS #8 `X509_SIG`) DER private key.
    private static func isDERPrivateKey(_ bytes: [UInt8]) -> Bool {
        parses(bytes, { d2i_AutoPrivateKey(nil, $0, $1) }, { EVP_PKEY_free($0) })
            || parses(bytes, { d2i_X509_SIG(nil, $0, $1) }, { X509_SIG_free($0) })
    }

    private static func identifyOtherDER(_ bytes: [UInt8]) -> String? {
        if parses(bytes, { d2i_X509_CRL(nil, $0, $1) }, { X509_CRL_free($0) }) {
            return "certificate revocation list (CRL), not a certificate"
        }
        if parses(bytes, { d2i_X509_REQ(nil, $0, $1) }, { X509_REQ_free($0) }) {
            return "certificate signing request (PKCS #10 CSR), not a certificate"
        }
        if parses(bytes, { d2i_PKCS12(nil, $0, $1) }, { PKCS12_free($0) }) {
            return "PKCS #12 file: not supported, extract the CA certificates first "
                + "(openssl pkcs12 -in FILE -nokeys -cacerts)"
        }

        if parses(bytes, { d2i_PUBKEY(nil, $0, $1) }, { EVP_PKEY_free($0) }) {
            return "public key, not a certificate"
        }
        return nil
    }

    /// The certificates of a DER PKCS #7 structure, nil when `bytes` is not PKCS #7.
    private static func pkcs7Certificates(_ bytes: [UInt8], position: Int = 1) throws(InputRejection)
        -> [DecodedCertificate]?
    {
        ERR_clear_error()
        let p7: UnsafeMutablePointer<PKCS7>? = bytes.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_PKCS7(nil, &p, buf.count)
        }
        guard let p7 else {
            ERR_clear_error()
            return nil
        }
        defer { PKCS7_free(p7) }
        guard let stack = ts_openssl_pkcs7_certs(p7), ts_openssl_sk_x509_num(stack) > 0 else {
            throw .noCertificate(hint: "PKCS #7 structure carries no certificates; enveloped or signed data "
                + "without certificates cannot be imported")
        }
        return X509Certificate.array(from: stack).enumerated().map { offset, cert in
            DecodedCertificate(certificate: cert, position: position + offset, label: "PKCS7", auxiliaryTrust: nil)
        }
    }

    // MARK: PEM

    private static let privateKeyMarker = Array("PRIVATE KEY-----".utf8)

    private static func decodeText(_ original: [UInt8]) throws(InputRejection) -> DecodedInput {
        var notes: [String] = []
        var bytes = original
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if containsSequence(bytes, bom) {
            bytes = removingSequence(bytes, bom)
            notes.append("stripped a UTF-8 byte-order mark (BOM)")
        }
        if bytes.contains(0x0D) { notes.append("normalised CRLF line endings") }
        if let labelStart = rangeOf(privateKeyMarker, in: bytes) {
            let block = occurrences(of: Array("-----BEGIN ".utf8), in: bytes[..<labelStart])
            throw .privateKey(label: privateKeyLabel(bytes, endingAt: labelStart), block: max(block, 1))
        }
        if bytes.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) { throw .whitespaceOnly }

        var certificates: [DecodedCertificate] = []
        var sawPKCS7 = false
        var labels: Set<String> = []
        try bytes.withUnsafeBufferPointer { (buf: UnsafeBufferPointer<UInt8>) throws(InputRejection) in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count)) else {
                throw .malformed("out of memory")
            }
            defer { BIO_free(bio) }
            ERR_clear_error()
            while true {
                var name: UnsafeMutablePointer<CChar>?
                var header: UnsafeMutablePointer<CChar>?
                var data: UnsafeMutablePointer<UInt8>?
                var len: Int = 0
                if PEM_read_bio(bio, &name, &header, &data, &len) != 1 {
                    let code = ERR_peek_last_error()
                    if ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE {
                        ERR_clear_error()
                        break
                    }
                    let err = OpenSSLError.drain("PEM_read_bio", fallback: "malformed PEM")
                    throw .malformed("PEM block \(certificates.count + 1): \(err.reasons.joined(separator: "; ")) "
                        + "(truncated or corrupt PEM)")
                }
                let label = name.map { String(cString: $0) } ?? ""
                let der = Array(UnsafeBufferPointer(start: data, count: len))
                ts_openssl_free(name)
                ts_openssl_free(header)
                ts_openssl_free(data)
                labels.insert(label)
                let position = certificates.count + 1
                switch label {
                case "CERTIFICATE", "X509 CERTIFICATE":
                    let cert: X509Certificate
                    do throws(OpenSSLError) {
                        cert = try X509Certificate(der: der)
                    } catch {
                        throw .malformed("PEM block \(position) '\(label)': \(error.reasons.joined(separator: "; "))")
                    }
                    certificates.append(DecodedCertificate(
                        certificate: cert, position: position, label: label, auxiliaryTrust: nil))
                case "TRUSTED CERTIFICATE":
                    certificates.append(try trustedCertificate(der, position: position))
                case "PKCS7", "PKCS #7 SIGNED DATA", "CERTIFICATE CHAIN":
                    sawPKCS7 = true
                    guard let certs = try pkcs7Certificates(der, position: position) else {
                        throw .malformed("PEM block \(position) '\(label)': not a PKCS #7 structure")
                    }
                    certificates += certs
                case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
                    throw .wrongType("certificate signing request (PKCS #10 CSR), not a certificate")
                case "X509 CRL":
                    throw .wrongType("certificate revocation list (CRL), not a certificate")
                case "PUBLIC KEY", "RSA PUBLIC KEY":
                    throw .wrongType("public key, not a certificate")
                case "PKCS12":
                    throw .wrongType("PKCS #12 file: not supported, extract the CA certificates first")
                default:
                    throw .wrongType("unsupported PEM block '\(label)' (block \(position)), not a certificate")
                }
            }
        }
        if certificates.isEmpty {
            let head = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
            if head.contains("<html") || head.contains("<!doctype") {
                throw .noCertificate(hint: "the file is HTML, not PEM or DER; was a web page downloaded instead "
                    + "of the certificate?")
            }
            throw .noCertificate(hint: "no '-----BEGIN CERTIFICATE-----' block and not DER")
        }
        if labels.contains("X509 CERTIFICATE") { notes.append("read the legacy 'X509 CERTIFICATE' PEM label") }
        return DecodedInput(certificates: certificates, encoding: sawPKCS7 ? .pkcs7PEM : .pem, notes: notes)
    }

    private static func trustedCertificate(_ der: [UInt8], position: Int) throws(InputRejection)
        -> DecodedCertificate
    {
        ERR_clear_error()
        let x: OpaquePointer? = der.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_X509_AUX(nil, &p, buf.count)
        }
        guard let x else {
            let err = OpenSSLError.drain("d2i_X509_AUX", fallback: "not a trusted certificate")
            throw .malformed("PEM block \(position) 'TRUSTED CERTIFICATE': \(err.reasons.joined(separator: "; "))")
        }
        func names(_ stack: OpaquePointer?) -> [String] {
            guard let stack else { return [] }
            return (0..<ts_openssl_sk_obj_num(stack)).compactMap { i in
                guard let obj = ts_openssl_sk_obj_value(stack, i) else { return nil }
                return OBJ_nid2sn(OBJ_obj2nid(obj)).map { String(cString: $0) }
            }
        }
        var aliasLength: Int32 = 0
        let alias = X509_alias_get0(x, &aliasLength).map {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(aliasLength)), as: UTF8.self)
        }
        let aux = AuxiliaryTrust(
            trusted: names(X509_get0_trust_objects(x)), rejected: names(X509_get0_reject_objects(x)), alias: alias)
        return DecodedCertificate(
            certificate: X509Certificate(owning: x), position: position, label: "TRUSTED CERTIFICATE",
            auxiliaryTrust: aux)
    }

    private static func rangeOf(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func occurrences(of needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int {
        var count = 0
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) {
                count += 1
                i += needle.count
            } else {
                i += 1
            }
        }
        return count
    }

    private static func containsSequence(_ bytes: [UInt8], _ seq: [UInt8]) -> Bool {
        rangeOf(seq, in: bytes) != nil
    }

    private static func removingSequence(_ bytes: [UInt8], _ seq: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if i + seq.count <= bytes.count && bytes[i..<(i + seq.count)].elementsEqual(seq) {
                i += seq.count
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// The full label of the private-key block whose "PRIVATE KEY-----" marker starts at `end`,
    /// e.g. "ENCRYPTED PRIVATE KEY".
    private static func privateKeyLabel(_ bytes: [UInt8], endingAt end: Int) -> String {
        var start = end
        while start > 0 && bytes[start - 1] != UInt8(ascii: "-") && bytes[start - 1] != 0x0A { start -= 1 }
        var prefix = Substring(String(decoding: bytes[start..<end], as: UTF8.self))
        for word in ["BEGIN ", "END "] where prefix.hasPrefix(word) { prefix = prefix.dropFirst(word.count) }
        return prefix + "PRIVATE KEY"
    }
}
