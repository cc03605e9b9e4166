internal import COpenSSL

/// The outcome of one RFC 5280 path validation by OpenSSL (`X509_verify_cert`).
package struct PathValidationResult {
    /// True when OpenSSL built and validated a certification path.
    package var isValid: Bool
    /// `X509_STORE_CTX_get_error`: 0 on success, an `X509_V_ERR_*` code otherwise.
    package var errorCode: Int
    /// `X509_verify_cert_error_string`, e.g. "unable to get local issuer certificate".
    package var errorReason: String
    /// `X509_STORE_CTX_get_error_depth`: 0 is the target certificate.
    package var errorDepth: Int
    /// The path OpenSSL built (`X509_STORE_CTX_get1_chain`), target first, trust anchor last
    /// (partial on failure).
    package var chain: [X509Certificate]
    /// The certificate OpenSSL was looking at when it failed (`X509_STORE_CTX_get_current_cert`).
    package var failingCertificate: X509Certificate?

    /// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY` (20) and its kin: no issuer was found.
    package var isMissingIssuer: Bool {
        errorCode == Int(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
            || errorCode == Int(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT)
            || errorCode == Int(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
            || errorCode == Int(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)
    }
}

/// Certificate purposes for path validation (`X509_STORE_CTX_set_purpose`).
package enum CertificatePurpose: String, Sendable, CaseIterable {
    case serverAuth = "server-auth"
    case clientAuth = "client-auth"

    var openSSLPurpose: Int32 {
        switch self {
        case .serverAuth: return X509_PURPOSE_SSL_SERVER
        case .clientAuth: return X509_PURPOSE_SSL_CLIENT
        }
    }
}

/// Path validation with OpenSSL against an explicit set of trust anchors, never the system store.
package enum PathValidator {
    /// Validates a certification path from `target` to one of `anchors` at `time`.
    ///
    /// Builds an `X509_STORE` from `anchors` only, hands `untrusted` as the untrusted stack, sets the
    /// validation time (`X509_STORE_CTX_set_time`), security level `authLevel`
    /// (`X509_VERIFY_PARAM_set_auth_level`, 2 = RSA/DH ≥ 2048 bits, ECC ≥ 224, no SHA-1/MD5 signatures),
    /// and optionally a purpose and a DNS name checked against the SAN (`X509_VERIFY_PARAM_set1_host`).
    /// OpenSSL 3 builds paths trusted-first.
    /// - Parameters:
    ///   - time: validation time, seconds since the epoch (UTC).
    package static func validate(
        _ target: X509Certificate, anchors: [X509Certificate], untrusted: [X509Certificate], at time: Int64,
        authLevel: Int = 2, purpose: CertificatePurpose? = nil, host: String? = nil
    ) -> PathValidationResult {
        ERR_clear_error()
        let store = X509_STORE_new()!
        defer { X509_STORE_free(store) }
        for anchor in anchors { X509_STORE_add_cert(store, anchor.pointer) }
        ERR_clear_error()  // duplicates in the store are not errors
        let stack = ts_openssl_sk_x509_new()!
        defer { ts_openssl_sk_x509_free(stack) }  // borrowed certificates: sk_X509_free, not pop_free
        for cert in untrusted { ts_openssl_sk_x509_push(stack, cert.pointer) }
        let ctx = X509_STORE_CTX_new()!
        defer { X509_STORE_CTX_free(ctx) }
        X509_STORE_CTX_init(ctx, store, target.pointer, stack)
        let param = X509_STORE_CTX_get0_param(ctx)
        X509_VERIFY_PARAM_set_auth_level(param, Int32(authLevel))
        X509_STORE_CTX_set_time(ctx, 0, time_t(time))
        if let purpose { X509_STORE_CTX_set_purpose(ctx, purpose.openSSLPurpose) }
        if let host {
            // An IP address is matched against iPAddress SAN entries, a name against dNSName entries.
            if X509_VERIFY_PARAM_set1_ip_asc(param, host) != 1 {
                ERR_clear_error()
                X509_VERIFY_PARAM_set1_host(param, host, host.utf8.count)
            }
        }
        let rc = X509_verify_cert(ctx)
        let code = Int(X509_STORE_CTX_get_error(ctx))
        let owned = X509_STORE_CTX_get1_chain(ctx)
        let chain = X509Certificate.array(from: owned)
        if let owned { ts_openssl_sk_x509_pop_free(owned) }
        var failing: X509Certificate?
        if rc != 1, let current = X509_STORE_CTX_get_current_cert(ctx) {
            X509_up_ref(current)
            failing = X509Certificate(owning: current)
        }
        let reason = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "unknown error"
        ERR_clear_error()
        return PathValidationResult(
            isValid: rc == 1, errorCode: code, errorReason: reason,
            errorDepth: Int(X509_STORE_CTX_get_error_depth(ctx)), chain: chain, failingCertificate: failing)
    }
}
