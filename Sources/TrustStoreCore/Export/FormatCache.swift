internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// A content-addressed cache of rendered export outputs, for the formats that need OpenSSL to parse every
/// certificate (`openssl-directory` for the subject-name hashes and trust settings, `pkcs7`, and `java` without a
/// password): one file per output in
/// `.git/truststore/export-cache/` (local, never versioned), beside ``ExportCache``.
///
/// The key is the SHA-256 of everything the output depends on: the format, its options, and each certificate's
/// SHA-256 fingerprint (and purposes) in export order. The output is a function of those, so a cached output can
/// never be stale. A missing or malformed file is a miss; writing is best-effort.
///
/// File format (version 1): the line `truststore-format-cache 1`, then per file the line `NAME LENGTH` followed by
/// LENGTH bytes of content.
struct FormatCache {
    private static let magic = "truststore-format-cache 1\n"
    let directory: String

    init(gitDirectory: String) {
        directory = gitDirectory + "truststore/export-cache"
    }

    /// The key of an output described by `parts` (format, options, fingerprints…), as a file name.
    static func key(_ parts: [String]) -> String {
        "format-" + PEMBlocks.sha256(Array(parts.joined(separator: "\n").utf8)).hex
    }

    /// The cached files for `key`, or nil on a miss.
    func files(for key: String) -> [ExportFile]? {
        guard let bytes = try? FileIO.read(directory + "/" + key) else { return nil }
        let magic = Array(Self.magic.utf8)
        guard bytes.starts(with: magic) else { return nil }
        var files: [ExportFile] = []
        var i = magic.count
        while i < bytes.count {
            guard let newline = bytes[i...].firstIndex(of: 0x0A) else { return nil }
            let fields = String(decoding: bytes[i..<newline], as: UTF8.self).split(separator: " ")
            guard fields.count == 2, let length = Int(fields[1]), length >= 0, newline + 1 + length <= bytes.count
            else { return nil }
            files.append(ExportFile(name: String(fields[0]), content: Array(bytes[(newline + 1)..<(newline + 1 + length)])))
            i = newline + 1 + length
        }
        return files.isEmpty ? nil : files
    }

    /// Stores `files` for `key`; failures are ignored (the cache is only an optimisation).
    func store(_ files: [ExportFile], for key: String) {
        var out = Array(Self.magic.utf8)
        for file in files {
            out += Array("\(file.name) \(file.content.count)\n".utf8)
            out += file.content
        }
        try? FileIO.makeDirectories(directory)
        try? FileIO.writeAtomically(out, to: directory + "/" + key)
    }
}
