internal import TrustStoreGit

/// Writes a directory export whole (``FileIO/replaceDirectory(_:files:mode:)``): the files go into a temporary
/// directory beside the target, which is then renamed over it, so readers never see a half-written directory and
/// files of an earlier export that the new one lacks disappear.
///
/// Each directory export holds a marker file, ``marker`` (a dotfile that `-CApath` lookups and `openssl rehash`
/// ignore), naming the environment, format and commit. An existing directory is replaced when it is empty or holds
/// the marker (it is an earlier export); any other directory only with `overwrite`, since everything in it is
/// removed.
public enum DirectoryWriter {
    /// The marker file's name.
    public static let marker = ".truststore-export"

    /// - Parameters:
    ///   - path: the target directory (absolute); its parent must exist. Trailing `/` are ignored.
    ///   - markerText: the marker file's content.
    /// - Throws: ``TrustStoreError``: rejected when `path` exists and is not a directory, or is a non-empty directory
    ///   without the marker and `overwrite` is false; failure on I/O errors. `path` is left as it was on any error.
    public static func write(_ files: [ExportFile], to path: String, markerText: String, overwrite: Bool)
        throws(TrustStoreError)
    {
        var target = path
        while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
        if FileIO.existsAsNonDirectory(target) {
            throw TrustStoreError(.rejected, "cannot write to '\(path)': it exists and is not a directory",
                                  hint: "directory formats write a directory: give -o a directory path")
        }
        var ours = false
        if FileIO.isDirectory(target) {
            let names = FileIO.list(target)
            ours = names.contains(marker)
            if !names.isEmpty && !names.contains(marker) && !overwrite {
                throw TrustStoreError(.rejected, "'\(path)' is a directory not written by truststore export; "
                    + "refusing to replace it", hint: "pass --overwrite to replace it and everything in it")
            }
        }
        let parent = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        if !parent.isEmpty && !FileIO.isDirectory(parent) {
            throw TrustStoreError(.failure, "cannot write '\(path)': no directory '\(parent)'")
        }
        let all = files.map { ($0.name, $0.content) } + [(marker, Array(markerText.utf8))]
        do {
            // An earlier export's unchanged files are shared with the new directory rather than written again.
            try FileIO.replaceDirectory(target, files: all, reuseUnchanged: ours)
        } catch {
            throw TrustStoreError(.failure, "cannot write '\(path)': \(error)")
        }
    }
}
