internal import TrustStoreGit

/// One certificate as an export needs it: the sort key, the validity window and the rendered entry.
package struct ExportRecord: Sendable, Equatable {
    package var subject: String
    package var issuer: String
    /// Lowercase hex SHA-256.
    package var sha256: String
    /// Seconds since the epoch (UTC).
    package var notBefore: Int64
    /// Seconds since the epoch (UTC).
    package var notAfter: Int64
    /// Root or intermediate, as ``StoredCertificate/kind`` decides it.
    package var kind: CertificateKind
    /// Comment header and PEM block, as written to the bundle.
    package var entry: String
    /// The purposes the stored file limits it to (its `# Purposes:` header, ``PurposeIndex``); nil: every purpose,
    /// and always nil for a certificate of the system bundle.
    package var purposes: Set<TrustPurpose>? = nil
}

/// A content-addressed cache of export records, one file per git blob id, in
/// `.git/truststore/export-cache/` (local, never versioned).
///
/// A blob id is the hash of the stored file's content, so a cached record can never be stale: a changed
/// file has a new id. The cache spares each export OpenSSL's certificate parsing, whose public-key decoding
/// (`OSSL_DECODER`) dominates the cost of exporting. A missing, unreadable or malformed cache file is simply
/// a miss; writing is best-effort.
///
/// File format (version 4): the line `truststore-export-cache 4`, then per certificate the line
/// `NOTBEFORE NOTAFTER SHA256 KIND PURPOSES SUBJECT_BYTES ISSUER_BYTES ENTRY_BYTES` followed by the subject, issuer
/// and entry bytes. PURPOSES is `*` (every purpose) or the ``TrustPurpose`` names joined by commas.
/// A file of another version is a miss.
package struct ExportCache {
    private static let magic = "truststore-export-cache 4\n"
    package let directory: String

    package init(gitDirectory: String) {
        directory = gitDirectory + "truststore/export-cache"
    }

    /// The records cached for `blobID`, or nil on a miss.
    package func records(for blobID: String) -> [ExportRecord]? {
        guard let bytes = try? FileIO.read(path(blobID)) else { return nil }
        let magic = Array(Self.magic.utf8)
        guard bytes.starts(with: magic) else { return nil }
        var records: [ExportRecord] = []
        var i = magic.count
        while i < bytes.count {
            guard let newline = bytes[i...].firstIndex(of: 0x0A) else { return nil }
            let fields = String(decoding: bytes[i..<newline], as: UTF8.self).split(separator: " ")
            guard fields.count == 8, let notBefore = Int64(fields[0]), let notAfter = Int64(fields[1]),
                  let kind = CertificateKind(rawValue: String(fields[3])),
                  let subjectLength = Int(fields[5]), let issuerLength = Int(fields[6]), let entryLength = Int(fields[7]),
                  subjectLength >= 0, issuerLength >= 0, entryLength >= 0,
                  newline + 1 + subjectLength + issuerLength + entryLength <= bytes.count
            else { return nil }
            let subjectStart = newline + 1
            let issuerStart = subjectStart + subjectLength
            let entryStart = issuerStart + issuerLength
            var purposes: Set<TrustPurpose>?
            if fields[4] != "*" {
                let parsed = fields[4].split(separator: ",").map { TrustPurpose(rawValue: String($0)) }
                guard !parsed.contains(nil) else { return nil }
                purposes = Set(parsed.compactMap { $0 })
            }
            records.append(ExportRecord(
                subject: String(decoding: bytes[subjectStart..<issuerStart], as: UTF8.self),
                issuer: String(decoding: bytes[issuerStart..<entryStart], as: UTF8.self), sha256: String(fields[2]),
                notBefore: notBefore, notAfter: notAfter, kind: kind,
                entry: String(decoding: bytes[entryStart..<(entryStart + entryLength)], as: UTF8.self),
                purposes: purposes))
            i = entryStart + entryLength
        }
        return records.isEmpty ? nil : records
    }

    /// Stores `records` for `blobID`; failures are ignored (the cache is only an optimisation).
    package func store(_ records: [ExportRecord], for blobID: String) {
        var out = Array(Self.magic.utf8)
        for r in records {
            let subject = Array(r.subject.utf8)
            let issuer = Array(r.issuer.utf8)
            let entry = Array(r.entry.utf8)
            let purposes = r.purposes.map { $0.sorted().map(\.rawValue).joined(separator: ",") } ?? "*"
            out += Array(("\(r.notBefore) \(r.notAfter) \(r.sha256) \(r.kind.rawValue) \(purposes) \(subject.count) "
                + "\(issuer.count) \(entry.count)\n").utf8)
            out += subject + issuer + entry
        }
        try? FileIO.makeDirectories(directory)
        try? FileIO.writeAtomically(out, to: path(blobID))
    }

    private func path(_ blobID: String) -> String {
        directory + "/" + blobID
    }
}
