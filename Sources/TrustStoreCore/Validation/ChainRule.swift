package import TrustStoreOpenSSL

/// An intermediate CA must chain to a trust anchor (root) of its own environment: RFC 5280 path
/// validation by OpenSSL (`X509_verify_cert`, trusted-first, security level from the policy) with the
/// environment's roots as the only anchors and its intermediates as untrusted certificates. The system
/// trust store is never consulted.
///
/// OpenSSL does not apply an issuer's pathLenConstraint to a path that ends at a CA certificate, so the
/// rule adds that check: in any leaf's path the intermediate itself would count as one more CA below each
/// of its issuers (RFC 5280 §4.2.1.9).
package struct ChainRule {
    package var context: ValidationContext

    package init(context: ValidationContext) {
        self.context = context
    }

    /// The findings for `target` (empty when a path to an anchor validates).
    package func evaluate(_ target: X509Certificate, anchors: [X509Certificate], untrusted: [X509Certificate])
        -> [Finding]
    {
        let result = PathValidator.validate(
            target, anchors: anchors, untrusted: untrusted, at: context.time,
            authLevel: context.policy.securityLevel)
        guard result.isValid else { return [Finding(.error, "chain", explain(result))] }
        return pathLengthFindings(result.chain)
    }

    private func pathLengthFindings(_ chain: [X509Certificate]) -> [Finding] {
        let infos = chain.map(\.info)
        guard let target = infos.first else { return [] }
        var casBelow = 0
        for depth in 0..<infos.count {
            let info = infos[depth]
            if depth > 0, let limit = info.pathLength, casBelow > limit {
                return [Finding(.error, "path-length",
                    "'\(target.commonName)' can never be used: its issuer '\(info.commonName)' has "
                        + "pathLenConstraint \(limit), which allows \(limit) CA certificate\(limit == 1 ? "" : "s") "
                        + "below it and this path has \(casBelow) (OpenSSL: path length constraint exceeded)")]
            }
            if !info.isSelfSigned { casBelow += 1 }
        }
        return []
    }

    /// Turns an OpenSSL verification error into what happened and what to do.
    private func explain(_ result: PathValidationResult) -> String {
        let env = context.environment
        let depthCert = result.failingCertificate?.info
        let at = depthCert.map { " ('\($0.subject)' at depth \(result.errorDepth))" } ?? ""
        let openssl = "OpenSSL error \(result.errorCode): \(result.errorReason)"
        if result.isMissingIssuer {
            let issuer = depthCert?.issuer ?? "unknown"
            var text = "does not chain to a root in '\(env)': issuer '\(issuer)' is not in the environment "
                + "(\(openssl))"
            if let url = depthCert?.caIssuersURLs.first { text += "; its issuer is published at \(url)" }
            return text
        }
        switch result.errorCode {
        case 7:
            let issuer = depthCert?.issuer ?? "its issuer"
            return "signature does not verify under its issuer '\(issuer)' (\(openssl))"
        case 9, 10:
            let when = depthCert.map { result.errorCode == 10
                ? " on \(Timestamp.format($0.notAfter))" : " until \(Timestamp.format($0.notBefore))" } ?? ""
            return "path to a root in '\(env)' fails: certificate \(result.errorCode == 10 ? "expired" : "not yet valid")"
                + "\(when)\(at) (\(openssl))"
        case 25:
            let limit = depthCert?.pathLength.map { " (pathLenConstraint \($0))" } ?? ""
            return "path length constraint exceeded\(at)\(limit) (\(openssl))"
        default:
            return "path validation to a root in '\(env)' failed\(at) (\(openssl))"
        }
    }
}
