import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The story of the README with real clients: an `openssl s_server` on 127.0.0.1 presents only its leaf (issued
/// by the test intermediate under the test root); Python requests, curl and `openssl verify` use the bundles
/// truststore exports. No network beyond 127.0.0.1. The servers and the clients validate at the wall clock, inside
/// the test PKI's windows (leaves 2025–2036); truststore itself always gets `--at`.
@Suite("end to end: real TLS clients and servers on 127.0.0.1")
struct EndToEndTests {
    @Test("(a) a bundle holding only the root makes requests fail against a leaf-only server; verify and fetch name the missing intermediate")
    func leafOnlyServerFailsWithRootOnly() throws {
        try requireClients()
        let store = try TestStore()
        try store.addForStory([try TestPKI.pem("root")])
        let server = try TLSServer()
        defer { server.stop() }

        let bundle = try store.exportBundle(to: store.temp.file("ca.pem"))
        let requests = try pythonRequests(port: server.port, bundle: bundle)
        #expect(requests.status != 0, "requests must refuse the leaf-only chain: \(requests)")
        #expect(requests.stderr.contains("CERTIFICATE_VERIFY_FAILED"), "\(requests)")

        let verify = try store.run(["verify", "--env", "prod", try TestPKI.pem("leaf"), "--host", "127.0.0.1",
                                    "--at", testTime])
        #expect(verify.status == 1, "\(verify)")
        #expect(verify.stderr.contains("'CN=Test Intermediate CA,O=truststore tests'"), "\(verify)")
        #expect(verify.stderr.contains("unable to get local issuer certificate"), "\(verify)")

        let fetch = try store.runBounded(["fetch", "127.0.0.1:\(server.port)", "--env", "prod", "--at", testTime])
        #expect(fetch.status == 1, "\(fetch)")
        #expect(fetch.stderr.contains(
            "error: the server sends only its leaf; its issuer 'CN=Test Intermediate CA,O=truststore tests' is not in 'prod'"),
            "\(fetch)")
        // The presented chain is still printed: just the leaf, with its depth header.
        #expect(try fingerprints(ofBundle: fetch.stdout) == [try fingerprint(ofFile: TestPKI.pem("leaf"))], "\(fetch)")
        #expect(fetch.stdout.contains("# Depth: 0"), "\(fetch)")
    }

    @Test("(b) after adding the intermediate with a reason, requests and curl accept the exported bundle; log shows the reason and author")
    func addingTheIntermediateFixesTheClients() throws {
        try requireClients()
        let store = try TestStore()
        try store.addForStory([try TestPKI.pem("root")])
        let reason = "payments API serves a leaf-only chain"
        let add = try store.run(["add", try TestPKI.pem("intermediate"), "--env", "prod", "--reason", reason,
                                 "--at", testTime])
        try #require(add.status == 0, "\(add)")
        #expect(add.stdout.contains("added intermediate"), "\(add)")
        let server = try TLSServer()
        defer { server.stop() }

        let bundle = try store.exportBundle(to: store.temp.file("ca.pem"))
        #expect(try fingerprints(ofBundle: String(contentsOfFile: bundle, encoding: .utf8)).count == 2)
        let requests = try pythonRequests(port: server.port, bundle: bundle)
        #expect(requests.status == 0, "\(requests)")
        #expect(requests.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "200", "\(requests)")

        let curl = try Run.bounded(
            try tool("curl"),
            ["-sS", "--cacert", bundle, "https://127.0.0.1:\(server.port)/", "--max-time", "10", "-o", "/dev/null",
             "-w", "%{http_code}"], environment: clientEnvironment)
        #expect(curl.status == 0, "\(curl)")
        #expect(curl.stdout == "200", "\(curl)")

        // truststore agrees: the leaf validates, and so does the chain the server presents.
        let verify = try store.run(["verify", "--env", "prod", try TestPKI.pem("leaf"), "--host", "127.0.0.1",
                                    "--at", testTime])
        #expect(verify.status == 0, "\(verify)")
        let fetch = try store.runBounded(["fetch", "127.0.0.1:\(server.port)", "--env", "prod", "--at", testTime])
        #expect(fetch.status == 0, "\(fetch)")
        #expect(fetch.stderr.contains("verdict:"), "\(fetch)")

        let log = try store.run(["log"])
        #expect(log.status == 0, "\(log)")
        #expect(log.stdout.contains(reason), "\(log)")
        #expect(log.stdout.contains("Test Author <test.author@example.test>"), "\(log)")
        #expect(log.stdout.contains("CN=Test Intermediate CA,O=truststore tests"), "\(log)")
    }

    @Test("(c) add --from adds exactly the intermediate a full-chain server presents, with tls:// provenance")
    func addFromFullChainServer() throws {
        try requireClients()
        let store = try TestStore()
        let root = try fingerprint(ofFile: TestPKI.pem("root"))
        let intermediate = try fingerprint(ofFile: TestPKI.pem("intermediate"))
        let leaf = try fingerprint(ofFile: TestPKI.pem("leaf"))
        try store.addForStory([try TestPKI.pem("root")])
        let server = try TLSServer(chain: try TestPKI.pem("intermediate"))
        defer { server.stop() }

        // fetch without a store: the presented chain, leaf first, with depth headers.
        let fetch = try Run.bounded(Run.truststore, ["fetch", "127.0.0.1:\(server.port)", "--at", testTime],
                                    cwd: store.temp.path, environment: store.environment)
        #expect(fetch.status == 0, "\(fetch)")
        #expect(try fingerprints(ofBundle: fetch.stdout) == [leaf, intermediate], "\(fetch)")
        #expect(fetch.stdout.contains("# Depth: 0") && fetch.stdout.contains("# Depth: 1"), "\(fetch)")

        let before = try store.commitCount()
        let add = try store.runBounded(["add", "--from", "127.0.0.1:\(server.port)", "--env", "prod", "--reason",
                                        "the payments API's issuer", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        #expect(try store.commitCount() == before + 1)
        try store.expectSound()
        let stored = Set(try store.certificateFiles("prod").map { try fingerprint(ofFile: store.root + "/" + $0) })
        #expect(stored == [root, intermediate], "the leaf is never added: \(stored)")
        let trailers = try store.trailers()
        #expect(trailers.contains { $0.hasPrefix("Truststore-Source: tls://127.0.0.1:\(server.port) (fetched ") },
                "\(trailers)")
        #expect(trailers.contains { $0.hasPrefix("Truststore-Certificate: \(intermediate) intermediate") }, "\(trailers)")
        #expect(!trailers.contains { $0.contains(leaf) }, "\(trailers)")
    }

    @Test("(c) add --from never takes a root the server sends unless --accept-root is given")
    func addFromNeverTakesServerRootsByDefault() throws {
        try requireClients()
        let temp = try TemporaryDirectory()
        let chain = temp.file("intermediate-and-root.pem")
        try (String(contentsOfFile: try TestPKI.pem("intermediate"), encoding: .utf8)
            + String(contentsOfFile: try TestPKI.pem("root"), encoding: .utf8))
            .write(toFile: chain, atomically: true, encoding: .utf8)
        let server = try TLSServer(chain: chain)
        defer { server.stop() }
        let root = try fingerprint(ofFile: try TestPKI.pem("root"))
        let intermediate = try fingerprint(ofFile: try TestPKI.pem("intermediate"))

        // Into an environment that already trusts the root: only the intermediate is taken.
        let store = try TestStore()
        try store.addForStory([try TestPKI.pem("root")])
        let add = try store.runBounded(["add", "--from", "127.0.0.1:\(server.port)", "--env", "prod", "--at", testTime])
        #expect(add.status == 0, "\(add)")
        #expect(add.stderr.contains("not adding the root 'CN=Test Root CA,O=truststore tests'"), "\(add)")
        #expect(try store.trailers().contains { $0.hasPrefix("Truststore-Certificate: \(intermediate) intermediate") })
        #expect(!(try store.trailers()).contains { $0.contains(root) })

        // Into an empty environment: without --accept-root the intermediate has no root and nothing is added.
        let empty = try TestStore()
        let snapshot = try empty.snapshot()
        let refused = try empty.runBounded(["add", "--from", "127.0.0.1:\(server.port)", "--env", "prod", "--at", testTime])
        #expect(refused.status == 1, "\(refused)")
        #expect(try empty.snapshot() == snapshot)
        let accepted = try empty.runBounded(["add", "--from", "127.0.0.1:\(server.port)", "--env", "prod",
                                             "--accept-root", "--at", testTime])
        #expect(accepted.status == 0, "\(accepted)")
        #expect(Set(try empty.certificateFiles("prod").map { try fingerprint(ofFile: empty.root + "/" + $0) })
                == [root, intermediate])
        #expect(try empty.trailers().contains { $0.contains("roots accepted") })
    }

    @Test("(c) add --from a server presenting only its leaf fails and changes nothing")
    func addFromLeafOnlyServer() throws {
        try requireClients()
        let store = try TestStore()
        try store.addForStory([try TestPKI.pem("root")])
        let server = try TLSServer()
        defer { server.stop() }

        let snapshot = try store.snapshot()
        let add = try store.runBounded(["add", "--from", "127.0.0.1:\(server.port)", "--env", "prod", "--at", testTime])
        #expect(add.status == 1, "\(add)")
        #expect(add.stderr.contains("presents only its leaf"), "\(add)")
        #expect(add.stderr.contains("CN=Test Intermediate CA,O=truststore tests"), "the hint names the issuer: \(add)")
        #expect(try store.snapshot() == snapshot, "a refused add must leave the store unchanged")
    }

    @Test("(d) the plain export warns that it replaces the default roots; with --system-bundle the public chain verifies with openssl")
    func includeSystemRoots() throws {
        try requireClients()
        let store = try TestStore()
        try store.addForStory([try TestPKI.pem("root"), try TestPKI.pem("intermediate")])
        let prod = Set([try fingerprint(ofFile: TestPKI.pem("root")), try fingerprint(ofFile: TestPKI.pem("intermediate"))])

        // Plain export: a warning that the bundle is used instead of the default roots, pointing at --include-system.
        let plain = try store.run(["export", "prod", "--at", testTime])
        #expect(plain.status == 0, "\(plain)")
        #expect(Set(try fingerprints(ofBundle: plain.stdout)) == prod)
        let warning = plain.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }.joined(separator: "\n")
        #expect(warning.contains("default roots"), "\(plain)")
        #expect(warning.contains("instead of") || warning.contains("replace"), "\(plain)")
        #expect(warning.contains("--include-system"), "\(plain)")

        // A stand-in for the machine bundle: the three real roots, one of them twice, plus the test root already
        // in prod.
        let chains = Paths.corpus("server-chains")
        var systemText = ""
        for host in ["docs.python.org", "microsoft.com", "stackoverflow.com"] {
            systemText += try String(contentsOfFile: "\(chains)/\(host)/root.pem", encoding: .utf8) + "\n"
        }
        systemText += try String(contentsOfFile: "\(chains)/docs.python.org/root.pem", encoding: .utf8) + "\n"
        systemText += try String(contentsOfFile: try TestPKI.pem("root"), encoding: .utf8)
        let systemFile = store.temp.file("system-bundle.pem")
        try systemText.write(toFile: systemFile, atomically: true, encoding: .utf8)
        let system = Set(try fingerprints(ofBundle: systemText))
        #expect(system.count == 4)

        let full = try store.run(["export", "prod", "--system-bundle", systemFile, "--at", testTime])
        #expect(full.status == 0, "\(full)")
        let fullPrints = try fingerprints(ofBundle: full.stdout)
        #expect(fullPrints.count == Set(fullPrints).count, "no duplicates: \(fullPrints)")
        #expect(Set(fullPrints) == prod.union(system), "\(full)")
        #expect(fullPrints.count == 5)
        #expect(!full.stderr.contains("instead of the default roots"), "with system roots there is nothing to warn about: \(full)")
        let explicit = try store.run(["export", "prod", "--include-system", "--system-bundle", systemFile, "--at", testTime])
        #expect(explicit.stdoutBytes == full.stdoutBytes, "--system-bundle implies --include-system")

        let bundle = store.temp.file("full.pem")
        try full.stdoutBytes.write(to: URL(fileURLWithPath: bundle))
        let plainBundle = store.temp.file("plain.pem")
        try plain.stdoutBytes.write(to: URL(fileURLWithPath: plainBundle))

        // docs.python.org's captured chain verifies at its captured time with the merged bundle only.
        let caseData = try Data(contentsOf: URL(fileURLWithPath: "\(chains)/docs.python.org/case.json"))
        let caseJSON = try #require(try JSONSerialization.jsonObject(with: caseData) as? [String: Any])
        let epoch = try #require(caseJSON["validation_time_epoch"] as? Int)
        let docs = "\(chains)/docs.python.org"
        let merged = try opensslVerify(caFile: bundle, untrusted: "\(docs)/chain.pem", epoch: epoch, leaf: "\(docs)/leaf.pem")
        #expect(merged.status == 0, "\(merged)")
        #expect(merged.stdout.contains(": OK"), "\(merged)")
        let alone = try opensslVerify(caFile: plainBundle, untrusted: "\(docs)/chain.pem", epoch: epoch,
                                      leaf: "\(docs)/leaf.pem")
        #expect(alone.status != 0, "the plain bundle must not verify a public chain: \(alone)")

        // The internal leaf verifies with the merged bundle too (2025-06-01T00:00:00Z = 1748736000).
        let internalLeaf = try opensslVerify(caFile: bundle, untrusted: nil, epoch: 1_748_736_000,
                                         leaf: try TestPKI.pem("leaf"))
        #expect(internalLeaf.status == 0, "\(internalLeaf)")
    }
}

// MARK: - Helpers

/// An `openssl s_server -www` on 127.0.0.1 presenting the test leaf (and `chain`, when given), on a free port.
///
/// Processes started from the test runner's threads inherit a signal mask that blocks SIGTERM and SIGALRM, so the
/// server is started through a python3 `exec` that clears the mask first; it runs under `timeout 300` (its own
/// process group) so it cannot outlive a crashed test run. `stop()` (also called on release) sends SIGTERM and,
/// should that not end it within 5 seconds, SIGKILL to the whole group.
private final class TLSServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    init(chain: String? = nil) throws {
        port = try freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: try tool("python3"))
        var server = [try tool("timeout"), "--kill-after=5", "300", try tool("openssl"), "s_server",
                      "-accept", "127.0.0.1:\(port)", "-cert", try TestPKI.pem("leaf"), "-key", try TestPKI.key("leaf"),
                      "-www"]
        if let chain { server += ["-cert_chain", chain] }
        let exec = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "[signal.signal(s, signal.SIG_DFL) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE)]; "
            + "os.execv(sys.argv[1], sys.argv[1:])"
        process.arguments = ["-c", exec] + server
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while !canConnect(port: port) {
            guard process.isRunning, Date() < deadline else {
                stop()
                throw TestFailure("openssl s_server did not accept connections on 127.0.0.1:\(port)")
            }
            usleep(50_000)
        }
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        let pid = process.processIdentifier
        if process.isRunning { process.terminate() }
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(-pid, SIGKILL)  // timeout leads its own process group: the server goes with it
            kill(pid, SIGKILL)
        }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, closed).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket() failed") }
    defer { close(fd) }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw TestFailure("bind() failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw TestFailure("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
private func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopback(port: port)
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

/// The path of a program the end-to-end tests need.
private func tool(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try #require(Run.which(name), "\(name) is needed by the end-to-end tests", sourceLocation: sourceLocation)
}

/// python3 with requests, curl, openssl and timeout are all needed.
private func requireClients(sourceLocation: SourceLocation = #_sourceLocation) throws {
    for name in ["python3", "curl", "openssl", "timeout"] { _ = try tool(name, sourceLocation: sourceLocation) }
    let requests = try Run.program(try tool("python3"), ["-c", "import requests"], cwd: "/",
                                   environment: clientEnvironment)
    try #require(requests.status == 0, "python3 with requests is needed: \(requests)", sourceLocation: sourceLocation)
}

/// The clients' environment: no proxy for 127.0.0.1 and no CA-bundle variables that would override the bundle
/// under test.
private let clientEnvironment: [String: String] = {
    var env = ProcessInfo.processInfo.environment
    for key in ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy",
                "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    {
        env.removeValue(forKey: key)
    }
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["no_proxy"] = "127.0.0.1,localhost"
    return env
}()

extension Run {
    /// Runs a program under `timeout` (60 s, then SIGKILL 5 s later: the runner's signal mask, which the program
    /// inherits, blocks SIGTERM): a client that hangs fails the test instead of hanging it.
    fileprivate static func bounded(_ executable: String, _ arguments: [String], cwd: String = "/",
                                    environment: [String: String], seconds: Int = 60) throws -> RunResult
    {
        try program(try tool("timeout"), ["--kill-after=5", "\(seconds)", executable] + arguments, cwd: cwd,
                    environment: environment)
    }
}

/// `requests.get('https://127.0.0.1:PORT/', verify=BUNDLE, timeout=10)`; prints the status code.
private func pythonRequests(port: Int, bundle: String) throws -> RunResult {
    let script = "import requests; print(requests.get('https://127.0.0.1:\(port)/', verify=\"\(bundle)\", timeout=10).status_code)"
    return try Run.bounded(try tool("python3"), ["-c", script], environment: clientEnvironment)
}

/// `openssl verify -no-CApath -no-CAstore -CAfile BUNDLE [-untrusted CHAIN] -attime EPOCH LEAF`.
private func opensslVerify(caFile: String, untrusted: String?, epoch: Int, leaf: String) throws -> RunResult {
    var arguments = ["verify", "-no-CApath", "-no-CAstore", "-CAfile", caFile]
    if let untrusted { arguments += ["-untrusted", untrusted] }
    arguments += ["-attime", "\(epoch)", leaf]
    return try Run.bounded(try tool("openssl"), arguments, environment: clientEnvironment)
}

extension TestStore {
    /// `truststore add FILES --env prod --at 2025-06-01`, a setup step that must succeed.
    fileprivate func addForStory(_ files: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(["add"] + files + ["--env", "prod", "--at", testTime])
        try #require(result.status == 0, "add failed: \(result)", sourceLocation: sourceLocation)
    }

    /// `truststore ARGS` in the store, under `timeout` (for the commands that connect to a server).
    fileprivate func runBounded(_ arguments: [String]) throws -> RunResult {
        try Run.bounded(Run.truststore, arguments, cwd: root, environment: environment)
    }

    /// `truststore export prod --at 2025-06-01 -o FILE`; returns FILE.
    fileprivate func exportBundle(to file: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(["export", "prod", "--at", testTime, "-o", file, "--overwrite"])
        try #require(result.status == 0, "export failed: \(result)", sourceLocation: sourceLocation)
        return file
    }
}
