import ArgumentParser
import TrustStoreCore

#if canImport(Glibc)
    import Glibc
#endif

/// Standard output and standard error, written with `write(2)` (Swift 6 forbids touching C's `stderr`).
enum Console {
    /// Writes `text` to standard output as is.
    static func out(_ text: String) {
        write(1, text)
    }

    /// Writes one line to standard output.
    static func line(_ text: String = "") {
        write(1, text + "\n")
    }

    /// Writes one diagnostic line to standard error.
    static func error(_ text: String) {
        write(2, text + "\n")
    }

    /// Writes all of `text` to `fd`, retrying short writes and EINTR; false when a write fails (errno says why).
    @discardableResult
    static func write(_ fd: Int32, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Prints `error` git-style (`error: …` and an optional `hint: …`) and returns the exit code to throw.
    /// An error with an empty message only sets the exit status (as `git diff --exit-code` does).
    static func fail(_ error: TrustStoreError) -> ExitCode {
        if error.message.isEmpty { return ExitCode(error.exitStatus) }
        Console.error("error: \(error.message)")
        if let hint = error.hint { Console.error("hint: \(hint)") }
        return ExitCode(error.exitStatus)
    }
}

/// The process environment as a dictionary.
enum ProcessEnvironment {
    static var current: [String: String] { ChildProcess.currentEnvironment() }

    /// The current working directory.
    static var cwd: String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return "/" }
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The absolute path of the running executable (`/proc/self/exe`).
    static var executable: String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
