internal import TrustStoreGit

extension BundleWriter {
    /// Writes `bytes` to `path` as ``write(_:to:overwrite:)`` writes text: atomically, never replacing an existing
    /// file without `overwrite`. Used by the binary export formats (`pkcs7`, `java`).
    /// - Throws: ``TrustStoreError``: rejected when the file exists and `overwrite` is false, or `path` is a
    ///   directory; failure on I/O errors.
    public static func write(bytes: [UInt8], to path: String, overwrite: Bool) throws(TrustStoreError) {
        if FileIO.isDirectory(path) {
            throw TrustStoreError(.rejected, "cannot write to '\(path)': it is a directory")
        }
        if !overwrite && FileIO.exists(path) {
            throw TrustStoreError(.rejected, "'\(path)' already exists; refusing to replace it",
                hint: "pass --overwrite to replace it")
        }
        do {
            try FileIO.writeAtomically(bytes, to: path, mode: 0o644, exclusive: !overwrite, durable: true)
        } catch {
            throw TrustStoreError(.failure, "cannot write '\(path)': \(error)")
        }
    }
}
