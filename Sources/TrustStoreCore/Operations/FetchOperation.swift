package import TrustStoreOpenSSL

/// A server address, `HOST[:PORT]` (port 443 by default; IPv6 as `[::1]:8443`).
public struct ServerAddress: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    /// - Throws: ``TrustStoreError`` (usage) for an empty host or a port outside 1…65535.
    public init(parsing text: String) throws(TrustStoreError) {
        var host = text
        var port = 443
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") {
                guard let p = Int(rest.dropFirst()) else {
                    throw TrustStoreError(.usage, "invalid port in '\(text)'")
                }
                port = p
            }
        } else if let colon = text.lastIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            host = String(text[..<colon])
            guard let p = Int(text[text.index(after: colon)...]) else {
                throw TrustStoreError(.usage, "invalid port in '\(text)'")
            }
            port = p
        }
        guard !host.isEmpty, (1...65535).contains(port) else {
            throw TrustStoreError(.usage, "invalid server address '\(text)': expected HOST[:PORT]")
        }
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}

/// What `truststore fetch` saw: the chain the server presented and, with an environment, the verdict.
public struct FetchReport: Sendable {
    public struct Presented: Sendable {
        public var depth: Int
        public var subject: String
        public var issuer: String
        /// Lowercase hex SHA-256.
        public var sha256: String
        /// RFC 3339 UTC.
        public var notAfter: String
        public var isCA: Bool
        /// PEM block of the certificate.
        public var pem: String
    }

    public var server: String
    public var address: String
    public var protocolVersion: String
    /// RFC 3339 UTC time of the fetch.
    public var fetchedAt: String
    public var presented: [Presented]
    /// Path validation against the environment, when one was given.
    public var verification: VerifyReport?
    /// One line: what the verdict means ("the server sends only its leaf; its issuer … is not in prod").
    public var verdict: String?
    /// What to do next when the chain does not validate.
    public var hint: String?
}

/// `truststore fetch` and `add --from`: the chain a TLS server presents, fetched with libssl.
package struct FetchOperation {
    package var store: TrustStore?

    package init(store: TrustStore?) {
        self.store = store
    }

    /// Connects, fetches the presented chain and, with `environment`, validates it as a client of that
    /// environment would (host = `serverName` or the server's host, purpose server-auth).
    /// - Throws: ``TrustStoreError``: failure when the connection or handshake fails; usage for an unknown environment.
    package func run(server: ServerAddress, serverName: String?, environment: String?, time: Int64, timeout: Int)
        throws(TrustStoreError) -> (report: FetchReport, chain: [X509Certificate])
    {
        let fetched: FetchedChain
        do {
            fetched = try TLSChainFetcher.fetch(host: server.host, port: server.port, serverName: serverName,
                                                timeout: timeout)
        } catch {
            throw TrustStoreError(.failure, "cannot fetch the chain of \(server): \(error.description)")
        }
        let certs = fetched.certificates
        var report = FetchReport(
            server: server.description, address: fetched.address, protocolVersion: fetched.protocolVersion,
            fetchedAt: Timestamp.format(Timestamp.now()),
            presented: certs.enumerated().map { depth, x in
                let info = x.info
                return .init(depth: depth, subject: info.subject, issuer: info.issuer, sha256: info.fingerprint,
                             notAfter: Timestamp.format(info.notAfter), isCA: info.basicConstraintsCA == true, pem: x.pem)
            },
            verification: nil, verdict: nil, hint: nil)
        if let environment, let store {
            let host = serverName ?? server.host
            let verification = try VerifyOperation(store: store).validate(
                environment: environment, target: certs[0], untrusted: Array(certs.dropFirst()), host: host,
                purpose: .serverAuth, time: time)
            report.verification = verification
            if verification.valid {
                report.verdict = "the chain \(server) presents validates against '\(environment)' for \(host)"
            } else if certs.count == 1 && verification.errorDepth == 0 && [2, 20].contains(verification.errorCode) {
                report.verdict = "the server sends only its leaf; its issuer '\(certs[0].issuer)' is not in '\(environment)'"
                report.hint = "have the server send its intermediate too (a full chain), or add the intermediate: "
                    + "truststore add FILE --env \(environment) --reason …"
            } else {
                report.verdict = verification.message
                report.hint = verification.hint
            }
        }
        return (report, certs)
    }
}
