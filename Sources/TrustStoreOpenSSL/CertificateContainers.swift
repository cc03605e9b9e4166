internal import COpenSSL

/// Certificate-only containers written with OpenSSL for `truststore export --format`: PKCS #7 (`pkcs7`), a PKCS #12
/// truststore for Java (`java`), OpenSSL `TRUSTED CERTIFICATE` blocks and subject-name hashes (`openssl-directory`).
/// Every output depends only on its inputs (no random salt or IV), so the same certificates give the same bytes.
package enum CertificateContainers {
    /// A degenerate certificates-only PKCS #7 SignedData (RFC 2315 section 9.1, as `openssl crl2pkcs7 -nocrl`
    /// writes it): no signers, no content, the certificates in the order given.
    /// - Parameter pem: `-----BEGIN PKCS7-----` (`PEM_write_bio_PKCS7`) instead of DER (`i2d_PKCS7_bio`).
    /// - Throws: ``OpenSSLError`` naming the OpenSSL function that failed.
    package static func pkcs7(_ certificates: [X509Certificate], pem: Bool) throws(OpenSSLError) -> [UInt8] {
        ERR_clear_error()
        guard let p7 = PKCS7_new() else { throw OpenSSLError.drain("PKCS7_new", fallback: "out of memory") }
        defer { PKCS7_free(p7) }
        guard PKCS7_set_type(p7, NID_pkcs7_signed) == 1, PKCS7_content_new(p7, NID_pkcs7_data) == 1 else {
            throw OpenSSLError.drain("PKCS7_set_type", fallback: "cannot make a PKCS #7 SignedData")
        }
        // PKCS7_set_detached (a macro): drop the empty content octet string, as crl2pkcs7 leaves it out.
        _ = PKCS7_ctrl(p7, PKCS7_OP_SET_DETACHED_SIGNATURE, 1, nil)
        for certificate in certificates where PKCS7_add_certificate(p7, certificate.pointer) != 1 {
            throw OpenSSLError.drain("PKCS7_add_certificate", fallback: "cannot add a certificate")
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.drain("BIO_new", fallback: "out of memory") }
        defer { BIO_free(bio) }
        let written = pem ? PEM_write_bio_PKCS7(bio, p7) : i2d_PKCS7_bio(bio, p7)
        guard written == 1 else {
            throw OpenSSLError.drain(pem ? "PEM_write_bio_PKCS7" : "i2d_PKCS7_bio", fallback: "cannot encode PKCS #7")
        }
        return bio.readBytes()
    }

    /// OID of Oracle's Java trusted-key-usage bag attribute (`NID_oracle_jdk_trustedkeyusage` of OpenSSL >= 3.2,
    /// which OpenSSL 3.0 does not name): a certificate bag carrying it is a `trustedCertEntry` for Java's keytool.
    static let javaTrustedKeyUsageOID = "2.16.840.1.113894.746875.1.1"
    /// anyExtendedKeyUsage (RFC 5280 section 4.2.1.12), the attribute's value: trusted for every purpose.
    static let anyExtendedKeyUsageOID = "2.5.29.37.0"

    /// A certificate-only PKCS #12 (RFC 7292) truststore that Java's `keytool` and `KeyStore.getInstance("PKCS12")`
    /// read: one certificate bag per entry, with the friendly name `alias` and the Java trusted-key-usage
    /// attribute (anyExtendedKeyUsage), in one unencrypted SafeContents (certificates are public; OpenSSL >= 3.2's
    /// `PKCS12_create_ex2` with `-nokeys` writes the same structure).
    ///
    /// Built with `PKCS12_item_pack_safebag` (as `PKCS12_SAFEBAG_create_cert`, but from the DER without decoding
    /// the certificate, see `ts_openssl_certbag_from_der`), `PKCS12_add_friendlyname_asc`, `PKCS12_add1_attr_by_txt`,
    /// `PKCS12_add_safe` (no encryption, NID -1) and `PKCS12_add_safes`. With an empty `password` no MAC is written
    /// (Java reads a password-less store this way); otherwise an HMAC-SHA-256 MAC (`PKCS12_set_mac`, 10,000
    /// iterations) with `macSalt` as salt, so a caller passing a salt derived from the content gets deterministic
    /// output.
    /// - Parameters:
    ///   - entries: each certificate's DER encoding and alias.
    ///   - password: UTF-8 store password; empty for none.
    ///   - macSalt: salt of the MAC, 8 bytes or more; unused without a password.
    /// - Throws: ``OpenSSLError`` naming the OpenSSL function that failed (a DER that is not one ASN.1 SEQUENCE).
    package static func javaTrustStore(_ entries: [(der: [UInt8], alias: String)], password: String,
                                       macSalt: [UInt8]) throws(OpenSSLError) -> [UInt8]
    {
        ERR_clear_error()
        guard let anyUsage = OBJ_txt2obj(anyExtendedKeyUsageOID, 1) else {
            throw OpenSSLError.drain("OBJ_txt2obj", fallback: "cannot make the anyExtendedKeyUsage OID")
        }
        defer { ASN1_OBJECT_free(anyUsage) }
        guard let bags = ts_openssl_sk_safebag_new() else {
            throw OpenSSLError.drain("sk_PKCS12_SAFEBAG_new_null", fallback: "out of memory")
        }
        defer { ts_openssl_sk_safebag_pop_free(bags) }
        for entry in entries {
            let made = entry.der.withUnsafeBufferPointer { ts_openssl_certbag_from_der($0.baseAddress, $0.count) }
            guard let bag = made else {
                throw OpenSSLError.drain("PKCS12_item_pack_safebag", fallback: "not a DER certificate")
            }
            guard ts_openssl_sk_safebag_push(bags, bag) > 0 else {
                PKCS12_SAFEBAG_free(bag)
                throw OpenSSLError.drain("sk_PKCS12_SAFEBAG_push", fallback: "out of memory")
            }
            guard PKCS12_add_friendlyname_asc(bag, entry.alias, -1) == 1 else {
                throw OpenSSLError.drain("PKCS12_add_friendlyname_asc", fallback: "cannot set the alias")
            }
            // Length -1 with V_ASN1_OBJECT: the value is an ASN1_OBJECT*, copied by ASN1_TYPE_set1.
            guard PKCS12_add1_attr_by_txt(bag, javaTrustedKeyUsageOID, V_ASN1_OBJECT, UnsafePointer(anyUsage), -1) == 1
            else {
                throw OpenSSLError.drain("PKCS12_add1_attr_by_txt", fallback: "cannot add the trusted key usage")
            }
        }
        var safes: OpaquePointer?
        defer { if let safes { ts_openssl_sk_pkcs7_pop_free(safes) } }
        guard PKCS12_add_safe(&safes, bags, -1, 0, nil) == 1 else {
            throw OpenSSLError.drain("PKCS12_add_safe", fallback: "cannot add the certificate bags")
        }
        guard let p12 = PKCS12_add_safes(safes, 0) else {
            throw OpenSSLError.drain("PKCS12_add_safes", fallback: "cannot make the PKCS #12 structure")
        }
        defer { PKCS12_free(p12) }
        if !password.isEmpty {
            let ok = macSalt.withUnsafeBufferPointer { salt in
                PKCS12_set_mac(p12, password, -1, UnsafeMutablePointer(mutating: salt.baseAddress), Int32(salt.count),
                               10_000, EVP_sha256())
            }
            guard ok == 1 else { throw OpenSSLError.drain("PKCS12_set_mac", fallback: "cannot compute the MAC") }
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.drain("BIO_new", fallback: "out of memory") }
        defer { BIO_free(bio) }
        guard i2d_PKCS12_bio(bio, p12) == 1 else {
            throw OpenSSLError.drain("i2d_PKCS12_bio", fallback: "cannot encode PKCS #12")
        }
        return bio.readBytes()
    }
}

extension X509Certificate {
    /// OpenSSL's subject-name hash (`X509_subject_name_hash`, the SHA-1-based `X509_NAME_hash_ex` of OpenSSL >= 1.0),
    /// the `HASH` of a hashed directory's `HASH.N` names (`openssl rehash`, `-CApath`, `SSL_CERT_DIR`).
    package var subjectNameHash: UInt32 {
        UInt32(truncatingIfNeeded: X509_subject_name_hash(pointer))
    }

    /// The certificate as an OpenSSL `-----BEGIN TRUSTED CERTIFICATE-----` block (`PEM_write_bio_X509_AUX`) whose
    /// auxiliary trust lists the purposes `trust` (`X509_add1_trust_object`) and `reject`
    /// (`X509_add1_reject_object`), each a dotted extended-key-usage OID (for example 1.3.6.1.5.5.7.3.1 for TLS
    /// server authentication). OpenSSL's path validation with a purpose (`openssl verify -purpose sslserver`)
    /// accepts this trust anchor only for the trusted purposes. This certificate itself is not changed (a copy
    /// made with `X509_dup` carries the trust), unless `inPlace`: then the trust is added to this certificate's own
    /// auxiliary data, for a caller that owns this instance alone and wants to spare the copy (a second decoding).
    /// - Throws: ``OpenSSLError`` for an OID OpenSSL cannot parse.
    package func trustedCertificatePEM(trust: [String], reject: [String], inPlace: Bool = false)
        throws(OpenSSLError) -> String
    {
        ERR_clear_error()
        guard let copy = inPlace ? pointer : X509_dup(pointer) else {
            throw OpenSSLError.drain("X509_dup", fallback: "out of memory")
        }
        defer { if !inPlace { X509_free(copy) } }
        try Self.addTrust(to: copy, trust: trust, reject: reject)
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.drain("BIO_new", fallback: "out of memory") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_X509_AUX(bio, copy) == 1 else {
            throw OpenSSLError.drain("PEM_write_bio_X509_AUX", fallback: "cannot encode the trusted certificate")
        }
        return bio.readAll()
    }
}

extension X509Certificate {
    /// A copy of the certificate carrying OpenSSL auxiliary trust (`X509_dup`, `X509_add1_trust_object`,
    /// `X509_add1_reject_object`): in an `X509_STORE`, `X509_check_trust` then accepts it as an anchor only for the
    /// `trust` OIDs and refuses a path through it for the `reject` OIDs, exactly as when it is read from a
    /// `TRUSTED CERTIFICATE` block.
    /// - Throws: ``OpenSSLError`` naming the OpenSSL function that failed (an OID that is not dotted decimal).
    package func withAuxiliaryTrust(trust: [String], reject: [String]) throws(OpenSSLError) -> X509Certificate {
        ERR_clear_error()
        guard let copy = X509_dup(pointer) else { throw OpenSSLError.drain("X509_dup", fallback: "out of memory") }
        let owned = X509Certificate(owning: copy)
        try Self.addTrust(to: copy, trust: trust, reject: reject)
        return owned
    }

    private static func addTrust(to copy: OpaquePointer, trust: [String], reject: [String]) throws(OpenSSLError) {
        for (oids, add) in [(trust, true), (reject, false)] {
            for oid in oids {
                guard let object = OBJ_txt2obj(oid, 1) else {
                    throw OpenSSLError.drain("OBJ_txt2obj", fallback: "not an OID: \(oid)")
                }
                defer { ASN1_OBJECT_free(object) }
                let ok = add ? X509_add1_trust_object(copy, object) : X509_add1_reject_object(copy, object)
                guard ok == 1 else {
                    throw OpenSSLError.drain(add ? "X509_add1_trust_object" : "X509_add1_reject_object",
                                             fallback: "cannot set the trust of \(oid)")
                }
            }
        }
    }
}

extension OpaquePointer {
    /// The whole content of a memory BIO as bytes (`BIO_get_mem_data`).
    func readBytes() -> [UInt8] {
        var data: UnsafeMutablePointer<CChar>?
        let len = ts_openssl_bio_mem_data(self, &data)
        guard len > 0, let data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(len)))
    }
}
