internal import TrustStoreGit

/// Writes git's own `pre-commit` and `commit-msg` hooks into the store's repository (`.git/hooks/`), each a
/// two-line shell script that runs `truststore githooks run EVENT`, so that a plain `git commit` in the store is
/// checked as `truststore add` is (see ``StagedChangeCheck``).
public enum GitHooksInstaller {
    /// The git hooks written.
    public static let events = ["pre-commit", "commit-msg"]
    /// The line that marks a git hook as truststore's (so that `install` may replace it).
    static let marker = "# truststore githooks"

    /// - Parameters:
    ///   - executable: absolute path of the truststore binary the hooks run (falling back to `truststore` on PATH
    ///     when it is gone).
    ///   - force: replace git hooks that are not truststore's.
    /// - Returns: the paths written.
    /// - Throws: ``TrustStoreError``: rejected when a hook of another origin exists and `force` is false;
    ///   failure on I/O errors.
    public static func install(in store: TrustStore, executable: String, force: Bool) throws(TrustStoreError) -> [String] {
        let directory = store.repository.configString("core.hooksPath").map {
            $0.hasPrefix("/") ? $0 : store.root + "/" + $0
        } ?? store.repository.gitDirectory + "hooks"
        var written: [String] = []
        for event in events {
            let path = directory + "/" + event
            if !force, let existing = try? FileIO.read(path),
               !String(decoding: existing, as: UTF8.self).contains(marker)
            {
                throw TrustStoreError(.rejected, "'\(path)' exists and was not written by truststore; left as it was",
                    hint: "merge it by hand, or pass --force to replace it")
            }
            let quoted = "'" + executable.split(separator: "'", omittingEmptySubsequences: false)
                .joined(separator: "'\\''") + "'"
            let script = """
                #!/bin/sh
                \(marker): checks staged certificates as 'truststore add' does and runs the store's
                # pre-commit hooks (see docs/hooks.md). Written by 'truststore githooks install'; delete to uninstall.
                truststore=\(quoted)
                [ -x "$truststore" ] || truststore=truststore
                exec "$truststore" githooks run \(event) "$@"

                """
            do {
                try FileIO.makeDirectories(directory)
                try FileIO.writeAtomically(Array(script.utf8), to: path, mode: 0o755, exclusive: false, durable: true)
            } catch {
                throw TrustStoreError(.failure, "cannot write '\(path)': \(error)")
            }
            written.append(path)
        }
        return written
    }
}
