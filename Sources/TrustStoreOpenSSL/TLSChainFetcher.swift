internal import COpenSSL

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What a TLS server presented during the handshake.
package struct FetchedChain {
    /// The certificates the server sent (`SSL_get_peer_cert_chain`), leaf first, in the server's order.
    package var certificates: [X509Certificate]
    /// The address connected to, e.g. "127.0.0.1:4433".
    package var address: String
    /// The negotiated protocol (`SSL_get_version`), e.g. "TLSv1.3".
    package var protocolVersion: String
}

/// A failure to connect or to complete the TLS handshake.
package struct FetchError: Error, Sendable, CustomStringConvertible {
    package var description: String
}

/// Fetches the certificate chain a TLS server presents, with OpenSSL's TLS client (libssl).
///
/// The handshake does not verify anything (`SSL_VERIFY_NONE`, security level 0), since the point is to see
/// what the server sends, whatever it is; validation is done afterwards, against an environment. SNI is sent
/// for host names (RFC 6066 forbids it for IP literals) or when a server name is given.
package enum TLSChainFetcher {
    /// - Parameters:
    ///   - host: a DNS name or an IP address (IPv6 without brackets).
    ///   - port: the TCP port.
    ///   - serverName: the SNI name; nil sends `host` when it is not an IP address.
    ///   - timeout: seconds allowed for connecting and for each read or write.
    /// - Throws: ``FetchError`` naming the address and the reason (DNS, refused, timed out, handshake alert).
    package static func fetch(host: String, port: Int, serverName: String?, timeout: Int = 10) throws(FetchError)
        -> FetchedChain
    {
        let (fd, address) = try connect(host: host, port: port, timeout: timeout)
        defer { close(fd) }
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw FetchError(description: "SSL_CTX_new failed") }
        defer { SSL_CTX_free(ctx) }
        SSL_CTX_set_security_level(ctx, 0)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        guard let ssl = SSL_new(ctx) else { throw FetchError(description: "SSL_new failed") }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        let isIP = isIPAddress(host)
        if let name = serverName ?? (isIP ? nil : host) { ts_openssl_set_sni(ssl, name) }
        if SSL_connect(ssl) != 1 {
            let reasons = OpenSSLError.drain("SSL_connect", fallback: "the server closed the connection").reasons
            throw FetchError(description: "TLS handshake with \(address) failed: \(reasons.joined(separator: "; "))")
        }
        let certificates = X509Certificate.array(from: SSL_get_peer_cert_chain(ssl))  // the stack is borrowed
        let version = SSL_get_version(ssl).map { String(cString: $0) } ?? "unknown"
        SSL_shutdown(ssl)
        ERR_clear_error()
        guard !certificates.isEmpty else {
            throw FetchError(description: "\(address) completed the handshake without presenting a certificate")
        }
        return FetchedChain(certificates: certificates, address: address, protocolVersion: version)
    }

    /// True for an IPv4 or IPv6 literal.
    package static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    /// A connected TCP socket (non-blocking connect with a poll timeout, then blocking with SO_RCVTIMEO and
    /// SO_SNDTIMEO), trying each address `getaddrinfo` returns.
    private static func connect(host: String, port: Int, timeout: Int) throws(FetchError) -> (Int32, String) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw FetchError(description: "cannot resolve '\(host)': " + String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let ai = node {
            node = ai.pointee.ai_next
            let address = describe(ai.pointee.ai_addr, port: port)
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
            if fd < 0 { continue }
            let flags = fcntl(fd, F_GETFL, 0)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var ok = Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0
            if !ok && errno == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&pfd, 1, Int32(timeout * 1000)) == 1 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    ok = err == 0
                    if !ok { lastError = "\(address): " + String(cString: strerror(err)) }
                } else {
                    lastError = "\(address): connection timed out after \(timeout) s"
                }
            } else if !ok {
                lastError = "\(address): " + String(cString: strerror(errno))
            }
            if ok {
                _ = fcntl(fd, F_SETFL, flags)
                var tv = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                return (fd, address)
            }
            close(fd)
        }
        throw FetchError(description: "cannot connect to \(host):\(port): \(lastError)")
    }

    private static func describe(_ addr: UnsafeMutablePointer<sockaddr>?, port: Int) -> String {
        guard let addr else { return "?" }
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if addr.pointee.sa_family == sa_family_t(AF_INET) {
            addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var a = sin.pointee.sin_addr
                _ = inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count))
            }
            return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + ":\(port)"
        }
        addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
            var a = sin6.pointee.sin6_addr
            _ = inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count))
        }
        return "[" + buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } + "]:\(port)"
    }
}
