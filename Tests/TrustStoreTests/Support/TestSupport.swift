import Foundation
import Testing
import TestSupport

/// A store in a temporary directory, driven through the built CLI and checked with the git CLI.
final class TestStore: @unchecked Sendable {
    let temp: TemporaryDirectory
    let root: String
    let home: String
    var environment: [String: String]

    /// Runs `truststore init` with `environments` (default: the template's dev, staging, prod), without the stock
    /// hooks unless `stockHooks` (most suites test other things, and the stock hooks require a reason).
    init(environments: [String] = [], stockHooks: Bool = false) throws {
        temp = try TemporaryDirectory()
        root = temp.path + "/store"
        home = temp.path + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        environment = Run.baseEnvironment(home: home)
        let result = try Run.program(
            Run.truststore, ["init", root] + environments.flatMap { ["--env", $0] } + (stockHooks ? [] : ["--no-hooks"]),
            cwd: temp.path,
            environment: environment)
        guard result.status == 0 else { throw TestFailure("init failed: \(result)") }
    }

    /// Runs `truststore ARGS` inside the store.
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil, cwd: String? = nil, environment extra: [String: String] = [:])
        throws -> RunResult
    {
        try Run.program(
            Run.truststore, arguments, cwd: cwd ?? root, environment: environment.merging(extra) { $1 }, stdin: stdin)
    }

    /// Runs `git ARGS` inside the store.
    @discardableResult
    func git(_ arguments: [String]) throws -> RunResult {
        try Run.program(Run.which("git") ?? "/usr/bin/git", arguments, cwd: root, environment: environment)
    }

    /// The commit HEAD points at.
    func head() throws -> String {
        try git(["rev-parse", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Number of commits reachable from HEAD.
    func commitCount() throws -> Int {
        Int(try git(["rev-list", "--count", "HEAD"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Files tracked under `stores/<env>/` (certificate files only).
    func certificateFiles(_ env: String) throws -> [String] {
        try git(["ls-files", "stores/\(env)/"]).stdout.split(separator: "\n").map(String.init)
            .filter { !$0.hasSuffix(".gitkeep") }
    }

    /// A snapshot of HEAD, the index and the work tree, to prove a refused command changed nothing.
    func snapshot() throws -> String {
        let head = try self.head()
        let index = try git(["ls-files", "--stage"]).stdout
        let status = try git(["status", "--porcelain", "--untracked-files=all", "--ignored"]).stdout
        let tree = try FileManager.default.subpathsOfDirectory(atPath: root).filter { !$0.hasPrefix(".git") }.sorted()
        return [head, index, status, tree.joined(separator: "\n")].joined(separator: "\n====\n")
    }

    /// `git fsck` passes and `git status` is clean: what every command must leave behind.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fsck = try git(["fsck", "--strict", "--no-dangling"])
        #expect(fsck.status == 0, "git fsck failed: \(fsck)", sourceLocation: sourceLocation)
        let status = try git(["status", "--porcelain", "--untracked-files=all"])
        #expect(status.stdout.isEmpty, "work tree not clean: \(status.stdout)", sourceLocation: sourceLocation)
    }

    /// The trailers of a commit as `git interpret-trailers --parse` reads them.
    func trailers(_ revision: String = "HEAD") throws -> [String] {
        let message = try git(["log", "-1", "--format=%B", revision]).stdout
        let parsed = try Run.program(
            Run.which("git") ?? "/usr/bin/git", ["interpret-trailers", "--parse"], cwd: root, environment: environment,
            stdin: Data(message.utf8))
        return parsed.stdout.split(separator: "\n").map(String.init)
    }
}

/// SHA-256 fingerprints (lowercase hex, no colons) of every certificate in a PEM bundle, via `openssl`.
func fingerprints(ofBundle pem: String) throws -> [String] {
    let temp = try TemporaryDirectory("bundle")
    var out: [String] = []
    var block = ""
    for line in pem.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("-----BEGIN") { block = "" }
        block += line + "\n"
        if line.hasPrefix("-----END") {
            try block.write(toFile: temp.file("c.pem"), atomically: true, encoding: .utf8)
            let r = try Run.program(
                Run.which("openssl") ?? "/usr/bin/openssl", ["x509", "-in", "c.pem", "-noout", "-fingerprint", "-sha256"],
                cwd: temp.path, environment: ProcessInfo.processInfo.environment)
            let hex = r.stdout.split(separator: "=").last.map { $0.filter { $0.isHexDigit }.lowercased() } ?? ""
            out.append(hex)
        }
    }
    return out
}

/// The SHA-256 fingerprint (lowercase hex) of the first certificate of a file in any format OpenSSL reads.
func fingerprint(ofFile path: String, inform: String = "PEM") throws -> String {
    let r = try Run.program(
        Run.which("openssl") ?? "/usr/bin/openssl", ["x509", "-inform", inform, "-in", path, "-noout", "-fingerprint", "-sha256"],
        cwd: "/", environment: ProcessInfo.processInfo.environment)
    return r.stdout.split(separator: "=").last.map { $0.filter { $0.isHexDigit }.lowercased() } ?? ""
}

// MARK: - Helpers of the verify, check and end-to-end tests

extension TestStore {
    /// Copies `file` into `stores/<env>/` and commits it with the git CLI alone, as a user bypassing truststore
    /// would (`git add` + `git commit -c user.name=x -c user.email=y`); the way to get a certificate that `add`
    /// refuses (a weak key, a SHA-1 signature) into an environment, since there is no override flag.
    func commitWithPlainGit(_ file: String, env: String, message: String = "plain git commit",
                            sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let name = URL(fileURLWithPath: file).lastPathComponent
        let destination = "\(root)/stores/\(env)/\(name)"
        try FileManager.default.copyItem(atPath: file, toPath: destination)
        let add = try git(["add", "stores/\(env)/\(name)"])
        try #require(add.status == 0, "git add failed: \(add)", sourceLocation: sourceLocation)
        let commit = try git(["-c", "user.name=x", "-c", "user.email=y", "commit", "-q", "-m", message])
        try #require(commit.status == 0, "git commit failed: \(commit)", sourceLocation: sourceLocation)
    }
}

/// One depth line of a `truststore verify` path:
/// `  depth N  <first 16 hex of the SHA-256>  expires <date>  <subject>  [leaf|untrusted|environment]`.
struct VerifiedPathLine: Equatable, CustomStringConvertible {
    var depth: Int
    var fingerprint: String
    var expires: String
    var subject: String
    var source: String

    var description: String { "depth \(depth)  \(fingerprint)  expires \(expires)  \(subject)  [\(source)]" }
}

/// The depth lines of a `truststore verify` output (text format), in order.
func verifiedPath(_ output: String) -> [VerifiedPathLine] {
    output.split(separator: "\n").compactMap { line -> VerifiedPathLine? in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("depth ") else { return nil }
        let fields = trimmed.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard fields.count == 5, let depth = Int(fields[0].dropFirst("depth ".count)),
              fields[2].hasPrefix("expires "), fields[4].hasPrefix("["), fields[4].hasSuffix("]")
        else { return nil }
        return VerifiedPathLine(
            depth: depth, fingerprint: fields[1], expires: String(fields[2].dropFirst("expires ".count)),
            subject: fields[3], source: String(fields[4].dropFirst().dropLast()))
    }
}

/// The subject or issuer (`field`) of the first certificate of a PEM file, in RFC 2253 form as
/// `openssl x509 -nameopt RFC2253` prints it (most significant last: `CN=…,O=…`).
func distinguishedName(ofFile path: String, _ field: String = "subject") throws -> String {
    let r = try Run.program(
        Run.which("openssl") ?? "/usr/bin/openssl", ["x509", "-in", path, "-noout", "-\(field)", "-nameopt", "RFC2253"],
        cwd: "/", environment: ProcessInfo.processInfo.environment)
    guard r.status == 0, let equals = r.stdout.firstIndex(of: "=") else {
        throw TestFailure("openssl x509 -\(field) failed for \(path): \(r)")
    }
    return r.stdout[r.stdout.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Parses a JSON object printed by a command (`--format json`).
func jsonObject(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
}

/// role → SHA-256 (lowercase hex, no colons) from a case's `certs.txt`
/// (`role | subject | issuer | notBefore | notAfter | serial | SHA-256`).
func caseFingerprints(_ folder: String) throws -> [String: String] {
    let text = try String(contentsOfFile: Paths.cases(folder + "/certs.txt"), encoding: .utf8)
    var map: [String: String] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let fields = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count == 7 else { continue }
        map[fields[0]] = fields[6].replacingOccurrences(of: ":", with: "").lowercased()
    }
    return map
}
