#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Whole-directory writes for directory exports (`truststore export --format pem-directory` and the like).
extension FileIO {
    /// Writes `files` (flat names, no `/`) into a new directory beside `path` and puts it at `path` in one
    /// `rename`, so readers see the old directory or the whole new one and files of the old one that the new one
    /// lacks disappear. An existing directory at `path` is first renamed aside and removed after the swap (the only
    /// moment `path` is missing is between those two renames); on any failure before the swap the temporary
    /// directory is removed and `path` is left as it was.
    /// - Parameters:
    ///   - path: the target directory, without a trailing `/`; its parent must exist.
    ///   - mode: permission bits of each file (less the umask).
    ///   - reuseUnchanged: a file of the existing directory that is a regular file with exactly the new content is
    ///     hard-linked into the new directory instead of written again (files are never changed in place, so the old
    ///     and the new directory may share it); for directories written by this function only.
    /// - Throws: ``GitError`` with the failing POSIX function and `strerror(errno)`; `path` is unchanged unless the
    ///   final rename succeeded.
    package static func replaceDirectory(_ path: String, files: [(name: String, content: [UInt8])],
                                         mode: mode_t = 0o644, reuseUnchanged: Bool = false) throws(GitError)
    {
        let (parent, base) = split(path)
        let tag = "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let temp = parent + "/." + base + ".tmp-" + tag
        if mkdir(temp, 0o755) != 0 { throw posixError("mkdir", temp) }
        do {
            for file in files {
                let target = temp + "/" + file.name
                if reuseUnchanged && linkIfSame(path + "/" + file.name, file.content, to: target) { continue }
                try createPlain(file.content, at: target, mode: mode)
            }
        } catch {
            removeTree(temp)
            throw error
        }
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if rename(temp, path) != 0 {
                let error = posixError("rename", path)
                removeTree(temp)
                throw error
            }
            return
        }
        let aside = parent + "/." + base + ".old-" + tag
        if rename(path, aside) != 0 {
            let error = posixError("rename", path)
            removeTree(temp)
            throw error
        }
        if rename(temp, path) != 0 {
            let error = posixError("rename", path)
            _ = rename(aside, path)
            removeTree(temp)
            throw error
        }
        removeTree(aside)
    }

    /// Removes `path` and, when it is a directory (not a symbolic link to one), everything under it; errors are
    /// ignored (best effort, for temporary and replaced directories).
    package static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in list(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Creates a new file with `content` (`O_CREAT | O_EXCL`, `mode` less the umask, as p11-kit and `openssl rehash`
    /// create theirs): one open, the writes and a close, since a directory export creates many small files.
    private static func createPlain(_ content: [UInt8], at path: String, mode: mode_t) throws(GitError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw posixError("open", path) }
        defer { close(fd) }
        try writeAll(content, to: fd, name: path)
    }

    /// Hard-links `existing` to `target` when it is a regular file (not followed through a symbolic link) holding
    /// exactly `content`; false otherwise (the caller then writes `target`).
    private static func linkIfSame(_ existing: String, _ content: [UInt8], to target: String) -> Bool {
        var st = stat()
        guard lstat(existing, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, Int(st.st_size) == content.count,
              let old = try? read(existing), old == content
        else { return false }
        return link(existing, target) == 0
    }

    /// Whether `path` exists (a symbolic link is not followed) and is not a directory.
    package static func existsAsNonDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) != S_IFDIR
    }

    private static func split(_ path: String) -> (parent: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = String(path[..<slash])
        return (parent.isEmpty ? "/" : parent, String(path[path.index(after: slash)...]))
    }
}
