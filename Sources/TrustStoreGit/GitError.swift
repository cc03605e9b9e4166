internal import CLibGit2

/// A failed libgit2 call: the function, its return code and `git_error_last()`'s message, read at the
/// failure site (the message is thread-local).
package struct GitError: Error, Sendable, CustomStringConvertible {
    package var function: String
    package var code: Int32
    package var message: String

    /// A failed system call (from ``FileIO``) rather than a libgit2 function.
    package var isSystemCall: Bool { code == -1 && !function.hasPrefix("git_") }

    package var description: String {
        isSystemCall ? "\(message) (\(function))" : "\(message) (\(function), libgit2 error \(code))"
    }

    static func last(_ function: String, _ code: Int32) -> GitError {
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "unknown error"
        return GitError(function: function, code: code, message: message)
    }
}

/// Runs a libgit2 call and throws ``GitError`` when it returns a negative code.
@discardableResult
func check(_ function: String, _ code: Int32) throws(GitError) -> Int32 {
    if code < 0 { throw GitError.last(function, code) }
    return code
}
