internal import COpenSSL

/// Cheap reads of PEM bundles that do not parse certificates: the DER of each `CERTIFICATE` block
/// (`PEM_read_bio`, base64 only) and SHA-256 digests (`EVP_Digest`). Used where only fingerprints are needed,
/// since `d2i_X509` (with its public-key decoding) is the costly part of reading a certificate.
package enum PEMBlocks {
    /// The DER bytes of every `CERTIFICATE` or `X509 CERTIFICATE` block of `bytes`, in order; other blocks and
    /// text are skipped, a malformed block ends the scan.
    package static func certificateDER(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        forEachCertificateDER(bytes) { out.append($0); return true }
        return out
    }

    /// Calls `body` with the DER bytes of each `CERTIFICATE` or `X509 CERTIFICATE` block, in order, until it
    /// returns false.
    package static func forEachCertificateDER(_ bytes: [UInt8], _ body: ([UInt8]) -> Bool) {
        bytes.withUnsafeBufferPointer { buf in
            guard let bio = BIO_new_mem_buf(buf.baseAddress, Int32(buf.count)) else { return }
            defer { BIO_free(bio) }
            while true {
                var name: UnsafeMutablePointer<CChar>?
                var header: UnsafeMutablePointer<CChar>?
                var data: UnsafeMutablePointer<UInt8>?
                var len: Int = 0
                guard PEM_read_bio(bio, &name, &header, &data, &len) == 1 else { break }
                let label = name.map { String(cString: $0) } ?? ""
                var more = true
                if label == "CERTIFICATE" || label == "X509 CERTIFICATE" {
                    more = body(Array(UnsafeBufferPointer(start: data, count: len)))
                }
                ts_openssl_free(name)
                ts_openssl_free(header)
                ts_openssl_free(data)
                if !more { break }
            }
            ERR_clear_error()
        }
    }

    /// SHA-256 of `bytes`, 32 bytes.
    package static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var len: UInt32 = 0
        EVP_Digest(bytes, bytes.count, &md, &len, EVP_sha256(), nil)
        return Array(md.prefix(Int(len)))
    }
}
