internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// The purposes of the certificates of one environment, read from the `# Purposes:` line of each stored file's
/// comment header (``CertificateFile``), written by `truststore add --purpose`. A file without the line is
/// trusted for every purpose and is absent from the index.
package enum PurposeIndex {
    /// The header line's prefix; the value is a comma-separated list of ``TrustPurpose`` names.
    package static let marker = "# Purposes: "

    /// The purposes of a stored file's header, nil when it has no `# Purposes:` line (every purpose).
    /// - Throws: ``TrustStoreError`` (failure) naming `path` for an unknown purpose.
    package static func purposes(in content: [UInt8], path: String) throws(TrustStoreError) -> Set<TrustPurpose>? {
        let marker = Array(Self.marker.utf8)
        var start = 0
        while start < content.count && content[start] == UInt8(ascii: "#") {
            let end = content[start...].firstIndex(of: 0x0A) ?? content.count
            let line = content[start..<end]
            if line.starts(with: marker) {
                var set = Set<TrustPurpose>()
                let text = String(decoding: line.dropFirst(marker.count), as: UTF8.self)
                for name in text.split(separator: ",") {
                    let trimmed = name.trimmingCharacters(in: " \r\t")
                    guard let purpose = TrustPurpose(rawValue: trimmed) else {
                        throw TrustStoreError(.failure, "store file '\(path)' names an unknown purpose '\(trimmed)'",
                            hint: "the purposes are " + TrustPurpose.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    set.insert(purpose)
                }
                return set
            }
            start = end + 1
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self
        while let c = s.first, set.contains(c) { s = s.dropFirst() }
        while let c = s.last, set.contains(c) { s = s.dropLast() }
        return String(s)
    }
}

extension PurposeIndex {
    /// `content` (a rendered ``CertificateFile``) with the line `# Purposes: a, b` appended to its comment header,
    /// before the PEM block; unchanged when `purposes` is empty (every purpose).
    package static func annotate(_ content: [UInt8], purposes: [TrustPurpose]) -> [UInt8] {
        guard !purposes.isEmpty else { return content }
        let line = Array((marker + Set(purposes).sorted().map(\.rawValue).joined(separator: ", ") + "\n").utf8)
        let begin = Array("-----BEGIN".utf8)
        var i = 0
        while i < content.count {
            if content[i...].starts(with: begin) { break }
            i = (content[i...].firstIndex(of: 0x0A) ?? content.count - 1) + 1
        }
        return Array(content[..<i]) + line + Array(content[i...])
    }
}
