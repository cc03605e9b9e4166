import Foundation
import TestSupport
import Testing
import TrustStoreOpenSSL

/// OpenSSL's auxiliary trust on an anchor, as `verify` gives a certificate limited to purposes: checked against
/// `X509_verify_cert` itself, on the test PKI.
@Suite("OpenSSL layer: auxiliary trust and path validation")
struct AuxiliaryTrustTests {
    private static let serverAuth = "1.3.6.1.5.5.7.3.1"
    private static let clientAuth = "1.3.6.1.5.5.7.3.2"
    private static let time: Int64 = 1_748_736_000  // 2025-06-01T00:00:00Z

    private static func certificate(_ name: String) throws -> X509Certificate {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: try TestPKI.pem(name))))
        return try InputDecoder.decode(bytes).certificates[0].certificate
    }

    private func validate(anchor: X509Certificate, purpose: CertificatePurpose?) throws -> PathValidationResult {
        PathValidator.validate(
            try Self.certificate("leaf"), anchors: [anchor], untrusted: [try Self.certificate("intermediate")],
            at: Self.time, purpose: purpose)
    }

    @Test("a root trusted for client-auth only anchors no server certificate; trusted for server-auth it does")
    func trustObjectsLimitTheAnchor() throws {
        let root = try Self.certificate("root")
        let clientOnly = try root.withAuxiliaryTrust(trust: [Self.clientAuth], reject: [Self.serverAuth])
        let rejected = try validate(anchor: clientOnly, purpose: .serverAuth)
        #expect(!rejected.isValid)
        #expect(rejected.errorCode == 28, "X509_V_ERR_CERT_REJECTED: \(rejected.errorReason)")
        let serverOnly = try root.withAuxiliaryTrust(trust: [Self.serverAuth], reject: [Self.clientAuth])
        #expect(try validate(anchor: serverOnly, purpose: .serverAuth).isValid)
        #expect(try validate(anchor: root, purpose: .serverAuth).isValid)
    }

    @Test("the copy carries the trust, the original certificate stays unlimited and keeps its fingerprint")
    func copyLeavesOriginalUnchanged() throws {
        let root = try Self.certificate("root")
        let limited = try root.withAuxiliaryTrust(trust: [Self.clientAuth], reject: [Self.serverAuth])
        #expect(limited.sha256 == root.sha256)
        #expect(try validate(anchor: root, purpose: .serverAuth).isValid)
        #expect(!(try validate(anchor: limited, purpose: .serverAuth)).isValid)
    }

    @Test("an OID OpenSSL cannot parse is an error naming OBJ_txt2obj")
    func badOID() throws {
        #expect(throws: OpenSSLError.self) {
            try Self.certificate("root").withAuxiliaryTrust(trust: ["not.an.oid"], reject: [])
        }
    }
}
