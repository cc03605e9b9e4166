internal import TrustStoreOpenSSL

extension ExportRecord {
    /// The DER encoding of the certificate, decoded from the record's PEM block (base64 only, no parse).
    var der: [UInt8] {
        PEMBlocks.certificateDER(Array(entry.utf8)).first ?? []
    }

    /// The certificate, parsed with OpenSSL from ``der``.
    /// - Throws: ``TrustStoreError`` (failure) when OpenSSL cannot read it.
    func certificate() throws(TrustStoreError) -> X509Certificate {
        do {
            return try X509Certificate(der: der)
        } catch {
            throw TrustStoreError(.failure, "cannot read '\(subject)' (\(sha256.prefix(16))): \(error)")
        }
    }

    /// `<slug of the first CN, else of the subject>_<first 16 hex of SHA-256>`: a readable, unique, stable name, as
    /// the store names its files (``CertificateFile/path(for:in:)``): ASCII letters lowercased and digits kept,
    /// other runs (including non-ASCII text) turned into one '-', at most 48 characters, "certificate" when nothing is
    /// left. Works on the UTF-8 bytes of the RFC 2253 subject, since directory and Java exports name every
    /// certificate.
    var fileStem: String {
        let name = Self.firstCommonName(subject) ?? subject.utf8[...]
        var out: [UInt8] = []
        out.reserveCapacity(66)
        var dash = false
        for byte in name {
            let c = byte >= 65 && byte <= 90 ? byte + 32 : byte
            if (c >= 97 && c <= 122) || (c >= 48 && c <= 57) {
                out.append(c)
                dash = false
            } else if !dash && !out.isEmpty {
                out.append(45)
                dash = true
            }
            if out.count >= 48 { break }
        }
        while out.last == 45 { out.removeLast() }
        if out.isEmpty { out = Array("certificate".utf8) }
        out.append(95)
        out += sha256.utf8.prefix(16)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of the first `CN=` attribute of an RFC 2253 name (escaped characters kept), if any.
    private static func firstCommonName(_ name: String) -> Substring.UTF8View? {
        let bytes = name.utf8
        var start = bytes.startIndex
        var i = start
        var escaped = false
        while true {
            let atEnd = i == bytes.endIndex
            if atEnd || (!escaped && (bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "+"))) {
                let rdn = name[start..<i].utf8
                if rdn.starts(with: "CN=".utf8) { return rdn.dropFirst(3) }
                if atEnd { return nil }
                start = bytes.index(after: i)
            } else if escaped {
                escaped = false
            } else if bytes[i] == UInt8(ascii: "\\") {
                escaped = true
            }
            i = bytes.index(after: i)
        }
    }
}
