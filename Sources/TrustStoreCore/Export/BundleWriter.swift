internal import TrustStoreGit

/// Writes an export to a file atomically: the whole bundle or nothing, never a partial file.
public enum BundleWriter {
    /// Writes `text` to `path` through a temporary file and a rename (`FileIO.writeAtomically`).
    /// Without `overwrite`, an existing file is never replaced (the final step is `link`, which fails
    /// with EEXIST even when another process created the file meanwhile).
    /// - Throws: ``TrustStoreError``: rejected when the file exists and `overwrite` is false; failure on I/O errors.
    public static func write(_ text: String, to path: String, overwrite: Bool) throws(TrustStoreError) {
        if !overwrite && FileIO.exists(path) {
            throw TrustStoreError(.rejected, "'\(path)' already exists; refusing to replace it",
                hint: "pass --overwrite to replace it")
        }
        do {
            try FileIO.writeAtomically(Array(text.utf8), to: path, mode: 0o644, exclusive: !overwrite, durable: true)
        } catch {
            throw TrustStoreError(.failure, "cannot write '\(path)': \(error)")
        }
    }
}
