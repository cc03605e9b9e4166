#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Small POSIX file helpers shared by the git layer and the core: whole-file reads and atomic writes.
package enum FileIO {
    /// Reads the whole file at `path`.
    /// - Throws: ``GitError`` with function "open"/"read" and `strerror(errno)` as message.
    package static func read(_ path: String) throws(GitError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw posixError("open", path) }
        defer { close(fd) }
        return try readAll(fd: fd, name: path)
    }

    /// Reads a file descriptor to its end (used for standard input).
    package static func readAll(fd: Int32, name: String) throws(GitError) -> [UInt8] {
        var out: [UInt8] = []
        var st = stat()
        let regular = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        // A regular file is read in one buffer of its size (plus one byte to see the end).
        var chunk = [UInt8](repeating: 0, count: regular ? Int(st.st_size) + 1 : 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw posixError("read", name)
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Writes `content` to a temporary file beside `path` and renames it over `path`, so readers see the
    /// old file or the whole new one, never a part. With `durable`, the data is fsynced before the rename
    /// (exports); work-tree files are not, as git does not fsync them either. With `exclusive`, fails with
    /// EEXIST when `path` exists (checked with `link`, so a concurrent creator is not overwritten).
    package static func writeAtomically(_ content: [UInt8], to path: String, mode: mode_t = 0o644,
                                        exclusive: Bool = false, durable: Bool = false) throws(GitError)
    {
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw posixError("open", temp) }
        do {
            try writeAll(content, to: fd, name: temp)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        if (durable && fsync(fd) != 0) || fchmod(fd, mode) != 0 {
            let error = posixError("fsync", temp)
            close(fd)
            unlink(temp)
            throw error
        }
        close(fd)
        if exclusive {
            defer { unlink(temp) }
            if link(temp, path) != 0 { throw posixError("link", path) }
        } else if rename(temp, path) != 0 {
            let error = posixError("rename", path)
            unlink(temp)
            throw error
        }
    }

    /// Creates `path` with `content`; fails with EEXIST when it exists (`O_CREAT | O_EXCL`).
    package static func create(_ content: [UInt8], at path: String, mode: mode_t = 0o644) throws(GitError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw posixError("open", path) }
        defer { close(fd) }
        do {
            try writeAll(content, to: fd, name: path)
        } catch {
            unlink(path)
            throw error
        }
        if fchmod(fd, mode) != 0 { throw posixError("fchmod", path) }
    }

    /// Writes all of `content` to `fd`, retrying short writes and EINTR.
    static func writeAll(_ content: [UInt8], to fd: Int32, name: String) throws(GitError) {
        var written = 0
        while written < content.count {
            let n = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, content.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw posixError("write", name)
            }
            written += n
        }
    }

    /// Creates the directories above `path` as `mkdir -p` would.
    package static func makeDirectories(parentOf path: String) throws(GitError) {
        guard let slash = path.lastIndex(of: "/") else { return }
        try makeDirectories(String(path[..<slash]))
    }

    /// Creates `path` and its missing parents.
    package static func makeDirectories(_ path: String) throws(GitError) {
        if path.isEmpty || isDirectory(path) { return }
        try makeDirectories(parentOf: path)
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw posixError("mkdir", path) }
    }

    package static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    package static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// The names in a directory, sorted, without "." and "..".
    package static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Whether the file at `path` has an execute bit set.
    package static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & 0o111) != 0
    }

    static func posixError(_ function: String, _ path: String) -> GitError {
        GitError(function: function, code: -1, message: "'\(path)': " + String(cString: strerror(errno)))
    }
}

/// The content of some work-tree files saved before a change, so a failed change can put them back.
struct WorkTreeBackup {
    private var saved: [(path: String, content: [UInt8]?, mode: mode_t)] = []

    init(workdir: String, paths: [String]) throws(GitError) {
        for path in paths {
            let full = workdir + path
            var st = stat()
            if stat(full, &st) == 0 {
                saved.append((full, try FileIO.read(full), st.st_mode & 0o7777))
            } else {
                saved.append((full, nil, 0))
            }
        }
    }

    func restore() {
        for entry in saved {
            if let content = entry.content {
                try? FileIO.writeAtomically(content, to: entry.path, mode: entry.mode)
            } else {
                unlink(entry.path)
            }
        }
    }
}
