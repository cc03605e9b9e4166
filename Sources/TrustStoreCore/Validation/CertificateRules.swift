package import TrustStoreOpenSSL

/// What every rule may look at: the policy of the store and the validation time.
package struct ValidationContext: Sendable {
    package var policy: StoreConfig.Policy
    /// Validation time, seconds since the epoch (UTC); `--at` or now.
    package var time: Int64
    /// The environment being changed.
    package var environment: String

    package init(policy: StoreConfig.Policy, time: Int64, environment: String) {
        self.policy = policy
        self.time = time
        self.environment = environment
    }
}

/// A check of one certificate on its own, returning findings (none when it passes).
package protocol CertificateRule: Sendable {
    func evaluate(_ info: CertificateInfo, in context: ValidationContext) -> [Finding]
}

/// The per-certificate rules of `add`, in reporting order.
package let standardCertificateRules: [any CertificateRule] = [
    CAConstraintRule(), ValidityRule(), KeyStrengthRule(), SignatureStrengthRule(), SerialNumberRule(),
]

/// RFC 5280 §4.2.1.9: a CA certificate asserts basicConstraints CA:TRUE. OpenSSL also treats a
/// self-signed X.509 v1 certificate as a CA outside strict mode (`X509_check_ca` returns 3).
package struct CAConstraintRule: CertificateRule {
    package func evaluate(_ info: CertificateInfo, in context: ValidationContext) -> [Finding] {
        switch info.basicConstraintsCA {
        case true? where !info.keyUsageAllowsCertSign:
            return [Finding(.error, "ca-constraints",
                "keyUsage does not allow keyCertSign: this CA certificate cannot sign certificates "
                    + "(RFC 5280 4.2.1.3; OpenSSL: key usage does not include certificate signing)")]
        case true?:
            return []
        case false?:
            return [Finding(.error, "ca-constraints",
                "not a CA certificate: basicConstraints CA:FALSE (end-entity certificate); a trust store holds "
                    + "CA certificates only")]
        case nil where info.version == 1 && info.isSelfSigned:
            if !context.policy.allowX509V1Roots {
                return [Finding(.error, "ca-constraints",
                    "X.509 v1 root refused by policy allow_x509_v1_roots = false")]
            }
            return [Finding(.warning, "ca-constraints",
                "X.509 v1 certificate (no extensions): accepted by OpenSSL only in non-strict mode; rejected by "
                    + "Python >= 3.13 (VERIFY_X509_STRICT) and 'openssl verify -x509_strict'")]
        case nil where info.version == 1:
            return [Finding(.error, "ca-constraints",
                "not a CA certificate: X.509 v1 certificate that is not self-issued (OpenSSL: invalid CA certificate)")]
        case nil:
            return [Finding(.error, "ca-constraints",
                "not a CA certificate: v3 certificate without basicConstraints CA:TRUE "
                    + "(OpenSSL: invalid CA certificate)")]
        }
    }
}

/// RFC 5280 §4.1.2.5: the validation time lies within notBefore…notAfter.
package struct ValidityRule: CertificateRule {
    package func evaluate(_ info: CertificateInfo, in context: ValidationContext) -> [Finding] {
        let at = Timestamp.format(context.time)
        if context.time > info.notAfter {
            return [Finding(.error, "validity",
                "expired on \(Timestamp.format(info.notAfter)) (notAfter), validation time \(at)")]
        }
        if context.time < info.notBefore {
            return [Finding(.error, "validity",
                "not yet valid: notBefore is \(Timestamp.format(info.notBefore)), validation time \(at); "
                    + "check the clock or pass --at")]
        }
        return []
    }
}

/// Key size floors of OpenSSL security level 2 (or the store's policy): RSA and DSA ≥ 2048 bits,
/// EC ≥ 256 bits by default.
package struct KeyStrengthRule: CertificateRule {
    package func evaluate(_ info: CertificateInfo, in context: ValidationContext) -> [Finding] {
        let policy = context.policy
        if ["RSA", "RSA-PSS", "DSA"].contains(info.keyType) && info.keyBits < policy.minRSABits {
            return [Finding(.error, "key-strength",
                "\(info.keyType) key of \(info.keyBits) bits is below the \(policy.minRSABits)-bit minimum "
                    + "(OpenSSL security level 2: CA certificate key too weak)")]
        }
        if info.keyType == "EC" && info.keyBits < policy.minECBits {
            return [Finding(.error, "key-strength",
                "EC key of \(info.keyBits) bits is below the \(policy.minECBits)-bit minimum")]
        }
        return []
    }
}

/// Signatures that are relied upon must be strong: an MD5 or SHA-1 signature on a certificate that is
/// not self-signed is refused (`X509_get_signature_info` security bits below the policy minimum,
/// OpenSSL's "CA signature digest algorithm too weak"). A root's self-signature is never relied upon,
/// so a weak one only earns a note.
package struct SignatureStrengthRule: CertificateRule {
    package func evaluate(_ info: CertificateInfo, in context: ValidationContext) -> [Finding] {
        let minimum = context.policy.minSignatureSecurityBits
        guard info.signatureSecurityBits > 0, info.signatureSecurityBits < minimum else { return [] }
        let digest = info.signatureDigest.map { " (\($0), \(info.signatureSecurityBits) security bits)" } ?? ""
        if info.isSelfSigned {
            return [Finding(.info, "signature-strength",
                "self-signature uses \(info.signatureAlgorithm)\(digest); a trust anchor's self-signature is not "
                    + "relied upon")]
        }
        return [Finding(.error, "signature-strength",
            "signature algorithm \(info.signatureAlgorithm) is too weak\(digest), below \(minimum) bits "
                + "(OpenSSL security level 2: CA signature digest algorithm too weak)")]
    }
}

/// RFC 5280 §4.1.2.2 forbids negative serial numbers but asks users to handle them gracefully.
package struct SerialNumberRule: CertificateRule {
    package func evaluate(_ info: CertificateInfo, in context: ValidationContext) -> [Finding] {
        guard info.serialIsNegative else { return [] }
        return [Finding(.warning, "serial",
            "serial number is negative (\(info.serialHex)): violates RFC 5280 4.1.2.2; OpenSSL accepts it, "
                + "Go >= 1.23 rejects it")]
    }
}
