internal import COpenSSL

/// A failure of an OpenSSL call: the function that failed and the reasons drained from the
/// thread's OpenSSL error queue (`ERR_get_error` + `ERR_reason_error_string`) at the failure site.
package struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    package var function: String
    package var reasons: [String]

    package var description: String {
        reasons.isEmpty ? "\(function) failed" : "\(reasons.joined(separator: "; ")) (\(function))"
    }

    /// Drains the error queue into an error for `function`; `fallback` is used when the queue is empty.
    static func drain(_ function: String, fallback: String) -> OpenSSLError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let r = ERR_reason_error_string(code) {
                let text = String(cString: r)
                if !reasons.contains(text) { reasons.append(text) }
            }
        }
        return OpenSSLError(function: function, reasons: reasons.isEmpty ? [fallback] : reasons)
    }
}
