import Foundation

/// What one run of a program printed and how it exited.
public struct RunResult: CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutBytes: Data

    public var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Runs programs: the built `truststore`, `git`, `openssl`, `python3`.
public enum Run {
    /// The `truststore` binary built next to this test bundle (`.build/<triple>/debug/truststore`).
    public static let truststore: String = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" || dir.path.hasSuffix(".xctest/Contents") {
            dir = dir.deletingLastPathComponent()
        }
        let candidate = dir.appendingPathComponent("truststore").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return Paths.packageRoot + "/.build/debug/truststore"
    }()

    /// The environment every truststore run gets: a fixed author, a HOME without git configuration, and
    /// TRUSTSTORE_SHARE_DIR pointing at the package (for `init`'s template).
    public static func baseEnvironment(home: String) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        env["TRUSTSTORE_SHARE_DIR"] = Paths.packageRoot
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["TRUSTSTORE_AUTHOR"] = "Test Author <test.author@example.test>"
        env.removeValue(forKey: "TRUSTSTORE_DIR")
        return env
    }

    /// Runs `executable` with `arguments` in `cwd`, feeding `stdin` (nothing when nil), and waits.
    @discardableResult
    public static func program(_ executable: String, _ arguments: [String], cwd: String, environment: [String: String],
                        stdin: Data? = nil) throws -> RunResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a large output cannot block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return RunResult(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errBox.data, as: UTF8.self), stdoutBytes: outData)
    }

    /// Finds `name` on PATH.
    public static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Paths of the package and its fixtures.
public enum Paths {
    /// The package root (two levels above this file's folder, `Tests/TestSupport/`).
    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// `Tests/Fixtures/<relative>`.
    public static func fixture(_ relative: String) -> String {
        packageRoot + "/Tests/Fixtures/" + relative
    }

    /// `Tests/Fixtures/corpus/real/<relative>`.
    public static func corpus(_ relative: String) -> String {
        fixture("corpus/real/" + relative)
    }

    /// `Tests/Fixtures/cases/<relative>`.
    public static func cases(_ relative: String) -> String {
        fixture("cases/" + relative)
    }
}

/// A temporary directory removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "truststore-test") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }
}

/// The validation time all tests use with `--at`, as in `Tests/Fixtures/cases/README.md`.
public let testTime = "2025-06-01T00:00:00Z"

/// The test PKI of `Tests/Support/testpki.py`, generated once per test run (fixed validity windows).
public enum TestPKI {
    private static let directory: Result<String, any Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("truststore-pki-\(UUID().uuidString)").path
        let result = try Run.program(
            Run.which("python3") ?? "/usr/bin/python3", [Paths.packageRoot + "/Tests/Support/testpki.py", dir],
            cwd: Paths.packageRoot, environment: ProcessInfo.processInfo.environment)
        guard result.status == 0 else {
            throw TestFailure("testpki.py failed: \(result)")
        }
        return dir
    }

    /// The PEM file of certificate `name` (see testpki.py for the names).
    public static func pem(_ name: String) throws -> String {
        try directory.get() + "/\(name).pem"
    }

    /// The private key file of certificate `name`.
    public static func key(_ name: String) throws -> String {
        try directory.get() + "/\(name).key"
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

