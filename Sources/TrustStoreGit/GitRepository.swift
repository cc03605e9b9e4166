internal import CLibGit2

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A person and a time as git records them (author or committer).
package struct GitSignature: Sendable, Hashable {
    package var name: String
    package var email: String
    /// Seconds since the epoch, UTC.
    package var time: Int64
    /// Offset of the local time zone from UTC, in minutes.
    package var offsetMinutes: Int

    package init(name: String, email: String, time: Int64, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }
}

/// One change to the committed tree: write a file (a blob, optionally executable) or remove one.
package enum TreeChange: Sendable {
    case write(path: String, content: [UInt8], executable: Bool = false)
    case remove(path: String)

    package var path: String {
        switch self {
        case .write(let path, _, _), .remove(let path): return path
        }
    }
}

/// A file of a commit's tree.
package struct TreeFile: Sendable {
    /// Path relative to the repository root, '/'-separated.
    package var path: String
    /// Hex object id of the blob.
    package var blobID: String
    package var content: [UInt8]
}

/// One file difference between a commit and its first parent.
package struct FileDelta: Sendable {
    package enum Status: Sendable { case added, deleted, modified }
    package var status: Status
    package var path: String
    /// Blob id before (nil when added).
    package var oldBlobID: String?
    /// Blob id after (nil when deleted).
    package var newBlobID: String?
}

/// A commit read out of libgit2 into Swift values.
package struct CommitRecord: Sendable {
    package var id: String
    package var parents: [String]
    package var author: GitSignature
    package var committer: GitSignature
    /// The whole message, as stored.
    package var message: String
    /// The subject line (`git_commit_summary`).
    package var summary: String
    /// Trailers as parsed by `git_message_trailers` (git's `interpret-trailers --parse` rules), in order.
    package var trailers: [(key: String, value: String)]
    /// Differences against the first parent (or the empty tree for a root commit), restricted to paths
    /// under the prefix the caller asked for.
    package var deltas: [FileDelta]
    /// For a merge: the differences against each further parent (second, third, …), same restriction.
    package var otherParentDeltas: [[FileDelta]] = []
}

/// A git repository opened with libgit2, owning its `git_repository*`.
///
/// All git work of truststore goes through this type; it never runs the `git` program. Commits are
/// built from HEAD's tree with `git_tree_create_updated`, so the user's index never leaks into a commit.
package final class GitRepository {
    private let repo: OpaquePointer
    /// Absolute path of the work tree, with a trailing '/'.
    package let workdir: String
    /// Absolute path of the `.git` directory (`git_repository_path`), with a trailing '/'.
    package let gitDirectory: String
    /// Problems that did not stop an operation but that the user must hear about (for stderr).
    package private(set) var warnings: [String] = []

    /// Initialises libgit2 for one repository object (reference-counted, see `deinit`). Objects read are not
    /// re-hashed (`GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION` off), as git itself does not re-hash on every read:
    /// `git fsck` is the integrity check. Re-hashing made reading a long history about a third slower.
    private static func initialiseLibrary() {
        git_libgit2_init()
        ts_git_set_strict_hash_verification(0)
    }

    private init(repo: OpaquePointer) {
        self.repo = repo
        workdir = git_repository_workdir(repo).map { String(cString: $0) } ?? ""
        gitDirectory = git_repository_path(repo).map { String(cString: $0) } ?? ""
    }

    deinit {
        git_repository_free(repo)
        git_libgit2_shutdown()
    }

    /// Creates a new repository with a work tree at `path` whose HEAD points at the unborn
    /// `refs/heads/<initialBranch>` (`git_repository_init_ext`).
    package static func create(at path: String, initialBranch: String = "main") throws(GitError) -> GitRepository {
        initialiseLibrary()
        var opts = git_repository_init_options()
        git_repository_init_options_init(&opts, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION))
        opts.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        var out: OpaquePointer?
        let rc = initialBranch.withCString { branch in
            opts.initial_head = branch
            return git_repository_init_ext(&out, path, &opts)
        }
        if rc < 0 {
            let error = GitError.last("git_repository_init_ext", rc)
            git_libgit2_shutdown()
            throw error
        }
        return GitRepository(repo: out!)
    }

    /// Opens the repository whose work tree is exactly `path` (`git_repository_open_ext`, no search).
    package static func open(at path: String) throws(GitError) -> GitRepository {
        initialiseLibrary()
        var out: OpaquePointer?
        let rc = git_repository_open_ext(&out, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
        if rc < 0 {
            let error = GitError.last("git_repository_open_ext", rc)
            git_libgit2_shutdown()
            throw error
        }
        return GitRepository(repo: out!)
    }

    // MARK: Reading

    /// The commit HEAD points at, as a hex id, or nil on an unborn branch.
    package func headCommitID() throws(GitError) -> String? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, repo, "HEAD")
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue { return nil }
        try check("git_reference_name_to_id", rc)
        return oid.hex
    }

    /// Resolves a revision (`git_revparse_single` + peel to commit): a commit id or prefix, a branch,
    /// a tag or an expression such as `HEAD~2`. Returns the hex commit id.
    package func resolveCommit(_ revision: String) throws(GitError) -> String {
        var obj: OpaquePointer?
        try check("git_revparse_single", git_revparse_single(&obj, repo, revision))
        defer { git_object_free(obj) }
        var commit: OpaquePointer?
        try check("git_object_peel", git_object_peel(&commit, obj, GIT_OBJECT_COMMIT))
        defer { git_object_free(commit) }
        return git_object_id(commit)!.pointee.hex
    }

    /// The committer time of a commit, seconds since the epoch (UTC).
    package func commitTime(_ commitID: String) throws(GitError) -> Int64 {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, commitID))
        var commit: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commit, repo, &oid))
        defer { git_commit_free(commit) }
        return Int64(git_commit_time(commit))
    }

    /// The newest commit on HEAD's first-parent line whose committer time is at or before `time`
    /// (seconds since the epoch), or nil when HEAD is unborn or every commit is newer.
    package func lastCommit(atOrBefore time: Int64) throws(GitError) -> String? {
        guard let head = try headCommitID() else { return nil }
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, head))
        var commit: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commit, repo, &oid))
        while let current = commit {
            if Int64(git_commit_time(current)) <= time {
                let id = git_commit_id(current)!.pointee.hex
                git_commit_free(current)
                return id
            }
            var parent: OpaquePointer?
            let rc = git_commit_parentcount(current) > 0 ? git_commit_parent(&parent, current, 0) : GIT_ENOTFOUND.rawValue
            git_commit_free(current)
            if rc == GIT_ENOTFOUND.rawValue { return nil }
            try check("git_commit_parent", rc)
            commit = parent
        }
        return nil
    }

    /// Every file of `commitID`'s tree whose path starts with `prefix`, in path order, with its content
    /// unless `readContent` is false (then `content` is empty and only paths and blob ids are read).
    package func files(at commitID: String, under prefix: String, readContent: Bool = true) throws(GitError)
        -> [TreeFile]
    {
        let tree = try lookupTree(ofCommit: commitID)
        defer { git_tree_free(tree) }
        var subtree: OpaquePointer? = tree
        var ownsSubtree = false
        let trimmed = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        if !trimmed.isEmpty {
            let found = try withEntry(in: tree, path: trimmed) { entry throws(GitError) -> OpaquePointer? in
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
                var sub: OpaquePointer?
                try check("git_tree_lookup", git_tree_lookup(&sub, repo, git_tree_entry_id(entry)))
                return sub
            }
            guard let found, let sub = found else { return [] }
            subtree = sub
            ownsSubtree = true
        }
        defer { if ownsSubtree { git_tree_free(subtree) } }
        var result: [TreeFile] = []
        try collect(subtree!, base: trimmed.isEmpty ? "" : trimmed + "/", readContent: readContent, into: &result)
        return result
    }

    /// The object id (hex) of the tree or blob at `path` in `commitID`'s tree, or nil when there is none.
    package func objectID(at commitID: String, path: String) throws(GitError) -> String? {
        try withEntry(at: commitID, path: path) { entry throws(GitError) in git_tree_entry_id(entry)!.pointee.hex }
    }

    /// The content of the file at `path` in `commitID`'s tree, or nil when there is no such file.
    package func file(at commitID: String, path: String) throws(GitError) -> [UInt8]? {
        try withEntry(at: commitID, path: path) { entry throws(GitError) -> [UInt8]? in
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
            return try blob(git_tree_entry_id(entry)!.pointee)
        } ?? nil
    }

    /// Looks up `path` in `commitID`'s tree (`git_tree_entry_bypath`) and lends the entry to `body`;
    /// nil when there is no such path.
    private func withEntry<T>(at commitID: String, path: String,
                              _ body: (OpaquePointer?) throws(GitError) -> T) throws(GitError) -> T? {
        let tree = try lookupTree(ofCommit: commitID)
        defer { git_tree_free(tree) }
        return try withEntry(in: tree, path: path, body)
    }

    private func withEntry<T>(in tree: OpaquePointer, path: String,
                              _ body: (OpaquePointer?) throws(GitError) -> T) throws(GitError) -> T? {
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, tree, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check("git_tree_entry_bypath", rc)
        defer { git_tree_entry_free(entry) }
        return try body(entry)
    }

    private func collect(_ tree: OpaquePointer, base: String, readContent: Bool, into result: inout [TreeFile])
        throws(GitError)
    {
        for i in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, i) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let id = git_tree_entry_id(entry)!
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                var sub: OpaquePointer?
                try check("git_tree_lookup", git_tree_lookup(&sub, repo, id))
                defer { git_tree_free(sub) }
                try collect(sub!, base: base + name + "/", readContent: readContent, into: &result)
            case GIT_OBJECT_BLOB:
                result.append(TreeFile(
                    path: base + name, blobID: id.pointee.hex, content: readContent ? try blob(id.pointee) : []))
            default:
                continue
            }
        }
    }

    /// The content of the blob with hex id `id`.
    package func blob(_ id: String) throws(GitError) -> [UInt8] {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, id))
        return try blob(oid)
    }

    private func blob(_ oid: git_oid) throws(GitError) -> [UInt8] {
        var oid = oid
        var blob: OpaquePointer?
        try check("git_blob_lookup", git_blob_lookup(&blob, repo, &oid))
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    private func lookupTree(ofCommit commitID: String) throws(GitError) -> OpaquePointer {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, commitID))
        var commit: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commit, repo, &oid))
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, commit))
        return tree!
    }

    /// A string from the repository's configuration, including the user's global and system files
    /// (`git_repository_config_snapshot` + `git_config_get_string`); nil when unset or unreadable.
    package func configString(_ key: String) -> String? {
        var cfg: OpaquePointer?
        guard git_repository_config_snapshot(&cfg, repo) == 0 else { return nil }
        defer { git_config_free(cfg) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, cfg, key) == 0, let value else { return nil }
        return String(cString: value)
    }

    /// The ids of the commits reachable from HEAD, newest first (topological and time order), without reading
    /// them; with `excluding`, those reachable from that commit are left out.
    package func commitIDs(excluding: String? = nil) throws(GitError) -> [String] {
        guard try headCommitID() != nil else { return [] }
        var walk: OpaquePointer?
        try check("git_revwalk_new", git_revwalk_new(&walk, repo))
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        try check("git_revwalk_push_head", git_revwalk_push_head(walk))
        if let excluding {
            var hidden = git_oid()
            try check("git_oid_fromstr", git_oid_fromstr(&hidden, excluding))
            try check("git_revwalk_hide", git_revwalk_hide(walk, &hidden))
        }
        var ids: [String] = []
        var oid = git_oid()
        while true {
            let rc = git_revwalk_next(&oid, walk)
            if rc == GIT_ITEROVER.rawValue { break }
            try check("git_revwalk_next", rc)
            ids.append(oid.hex)
        }
        return ids
    }

    /// Whether `commit` is `ancestor` or descends from it (`git_graph_descendant_of`).
    package func isDescendant(_ commit: String, of ancestor: String) -> Bool {
        if commit == ancestor { return true }
        var a = git_oid()
        var b = git_oid()
        guard git_oid_fromstr(&a, commit) == 0, git_oid_fromstr(&b, ancestor) == 0 else { return false }
        return git_graph_descendant_of(repo, &a, &b) == 1
    }

    /// One commit, with its differences against its first parent under `prefix`.
    package func commitRecord(_ commitID: String, under prefix: String) throws(GitError) -> CommitRecord {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, commitID))
        return try record(oid, prefix: prefix)
    }

    private func record(_ oid: git_oid, prefix: String) throws(GitError) -> CommitRecord {
        var oid = oid
        var commit: OpaquePointer?
        try check("git_commit_lookup", git_commit_lookup(&commit, repo, &oid))
        defer { git_commit_free(commit) }
        let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
        let summary = git_commit_summary(commit).map { String(cString: $0) } ?? ""
        var parents: [String] = []
        for i in 0..<git_commit_parentcount(commit) {
            if let id = git_commit_parent_id(commit, i) { parents.append(id.pointee.hex) }
        }
        var tree: OpaquePointer?
        try check("git_commit_tree", git_commit_tree(&tree, commit))
        defer { git_tree_free(tree) }
        var parentDeltas: [[FileDelta]] = []
        for index in 0..<max(1, git_commit_parentcount(commit)) {
            var parentTree: OpaquePointer?
            if git_commit_parentcount(commit) > 0 {
                var parent: OpaquePointer?
                try check("git_commit_parent", git_commit_parent(&parent, commit, index))
                defer { git_commit_free(parent) }
                try check("git_commit_tree", git_commit_tree(&parentTree, parent))
            }
            defer { if parentTree != nil { git_tree_free(parentTree) } }
            parentDeltas.append(try deltas(from: parentTree, to: tree, prefix: prefix))
        }
        var record = CommitRecord(
            id: oid.hex, parents: parents,
            author: signature(git_commit_author(commit)), committer: signature(git_commit_committer(commit)),
            message: message, summary: summary, trailers: trailers(message), deltas: parentDeltas[0])
        record.otherParentDeltas = Array(parentDeltas.dropFirst())
        return record
    }

    private func signature(_ sig: UnsafePointer<git_signature>?) -> GitSignature {
        guard let sig = sig?.pointee else { return GitSignature(name: "", email: "", time: 0) }
        return GitSignature(
            name: sig.name.map { String(cString: $0) } ?? "", email: sig.email.map { String(cString: $0) } ?? "",
            time: Int64(sig.when.time), offsetMinutes: Int(sig.when.offset))
    }

    private func trailers(_ message: String) -> [(key: String, value: String)] { Self.trailers(of: message) }

    /// The trailers of a commit message (`git_message_trailers`), in order.
    package static func trailers(of message: String) -> [(key: String, value: String)] {
        var arr = git_message_trailer_array()
        guard git_message_trailers(&arr, message) == 0 else { return [] }
        defer { git_message_trailer_array_free(&arr) }
        var out: [(key: String, value: String)] = []
        for i in 0..<arr.count {
            let t = arr.trailers[i]
            out.append((String(cString: t.key), String(cString: t.value)))
        }
        return out
    }

    private func deltas(from old: OpaquePointer?, to new: OpaquePointer?, prefix: String) throws(GitError)
        -> [FileDelta]
    {
        var opts = git_diff_options()
        git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION))
        var diff: OpaquePointer?
        try check("git_diff_tree_to_tree", git_diff_tree_to_tree(&diff, repo, old, new, &opts))
        defer { git_diff_free(diff) }
        return Self.fileDeltas(diff, prefix: prefix)
    }

    /// The added, deleted and modified (or type-changed) files of a `git_diff` whose path starts with `prefix`.
    private static func fileDeltas(_ diff: OpaquePointer?, prefix: String) -> [FileDelta] {
        var out: [FileDelta] = []
        for i in 0..<git_diff_num_deltas(diff) {
            guard let d = git_diff_get_delta(diff, i)?.pointee else { continue }
            let oldPath = d.old_file.path.map { String(cString: $0) } ?? ""
            let newPath = d.new_file.path.map { String(cString: $0) } ?? ""
            switch d.status {
            case GIT_DELTA_ADDED where newPath.hasPrefix(prefix):
                out.append(FileDelta(status: .added, path: newPath, oldBlobID: nil, newBlobID: d.new_file.id.hex))
            case GIT_DELTA_DELETED where oldPath.hasPrefix(prefix):
                out.append(FileDelta(status: .deleted, path: oldPath, oldBlobID: d.old_file.id.hex, newBlobID: nil))
            case GIT_DELTA_MODIFIED where newPath.hasPrefix(prefix), GIT_DELTA_TYPECHANGE where newPath.hasPrefix(prefix):
                out.append(FileDelta(
                    status: .modified, path: newPath, oldBlobID: d.old_file.id.hex, newBlobID: d.new_file.id.hex))
            default:
                continue
            }
        }
        return out
    }

    /// The repository's index, or the index file at `path` (`git_index_open`) when given: git hands its hooks
    /// a temporary index in `GIT_INDEX_FILE` for `git commit -a` and `git commit PATH…`. The caller frees it.
    private func openIndex(_ path: String?) throws(GitError) -> OpaquePointer? {
        var index: OpaquePointer?
        if let path {
            try check("git_index_open", git_index_open(&index, path))
        } else {
            try check("git_repository_index", git_repository_index(&index, repo))
        }
        return index
    }

    /// What `git commit` would commit: the differences between HEAD's tree (none while HEAD is unborn) and the
    /// index (`git_diff_tree_to_index`), every path, in path order; renames appear as a deletion and an addition.
    /// - Parameter indexFile: the index to read instead of the repository's (git's `GIT_INDEX_FILE`).
    package func stagedChanges(indexFile: String? = nil) throws(GitError) -> [FileDelta] {
        let index = try openIndex(indexFile)
        defer { git_index_free(index) }
        var tree: OpaquePointer?
        if let head = try headCommitID() { tree = try lookupTree(ofCommit: head) }
        defer { if tree != nil { git_tree_free(tree) } }
        var opts = git_diff_options()
        git_diff_options_init(&opts, UInt32(GIT_DIFF_OPTIONS_VERSION))
        var diff: OpaquePointer?
        try check("git_diff_tree_to_index", git_diff_tree_to_index(&diff, repo, tree, index, &opts))
        defer { git_diff_free(diff) }
        return Self.fileDeltas(diff, prefix: "")
    }

    /// The index's files under `prefix` (stage 0), with their blob ids: the tree `git commit` would write.
    package func indexFiles(under prefix: String, indexFile: String? = nil) throws(GitError) -> [TreeFile] {
        let index = try openIndex(indexFile)
        defer { git_index_free(index) }
        var out: [TreeFile] = []
        for i in 0..<git_index_entrycount(index) {
            guard let entry = git_index_get_byindex(index, i)?.pointee, let cPath = entry.path else { continue }
            let path = String(cString: cPath)
            guard path.hasPrefix(prefix) else { continue }
            let oid = entry.id
            out.append(TreeFile(path: path, blobID: oid.hex, content: try blob(oid)))
        }
        return out
    }

    /// The paths among `paths` whose index or work-tree state differs from HEAD, ignored files excepted:
    /// changes a commit of truststore would overwrite. One `git_status_list_new` limited to exactly those
    /// paths (`GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH`), untracked files included.
    package func uncommittedChanges(among paths: [String]) throws(GitError) -> [String] {
        guard !paths.isEmpty else { return [] }
        var opts = git_status_options()
        git_status_options_init(&opts, UInt32(GIT_STATUS_OPTIONS_VERSION))
        opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
        opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
            | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
        var pointers: [UnsafeMutablePointer<CChar>?] = paths.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var list: OpaquePointer?
        let rc = pointers.withUnsafeMutableBufferPointer { buf in
            opts.pathspec = git_strarray(strings: buf.baseAddress, count: buf.count)
            return git_status_list_new(&list, repo, &opts)
        }
        try check("git_status_list_new", rc)
        defer { git_status_list_free(list) }
        var dirty: [String] = []
        for i in 0..<git_status_list_entrycount(list) {
            guard let entry = git_status_byindex(list, i)?.pointee,
                  entry.status.rawValue & ~GIT_STATUS_IGNORED.rawValue != 0
            else { continue }
            let delta = entry.index_to_workdir ?? entry.head_to_index
            if let path = delta?.pointee.new_file.path ?? delta?.pointee.old_file.path {
                dirty.append(String(cString: path))
            }
        }
        return dirty
    }

    // MARK: Tags

    /// An annotated tag as read back.
    package struct Tag: Sendable {
        package var name: String
        /// The commit it points at (hex).
        package var target: String
        package var tagger: GitSignature?
        package var message: String
    }

    /// The tags whose names match `pattern` (`git_tag_list_match`, fnmatch), peeled to their commits.
    package func tags(matching pattern: String) throws(GitError) -> [Tag] {
        var names = git_strarray()
        try check("git_tag_list_match", git_tag_list_match(&names, pattern, repo))
        defer { git_strarray_dispose(&names) }
        var out: [Tag] = []
        for i in 0..<names.count {
            guard let cName = names.strings[i] else { continue }
            let name = String(cString: cName)
            var obj: OpaquePointer?
            guard git_revparse_single(&obj, repo, "refs/tags/" + name) == 0 else { continue }
            defer { git_object_free(obj) }
            var tagger: GitSignature?
            var message = ""
            if git_object_type(obj) == GIT_OBJECT_TAG {
                tagger = git_tag_tagger(obj).map { signature($0) }
                message = git_tag_message(obj).map { String(cString: $0) } ?? ""
            }
            var commit: OpaquePointer?
            guard git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0 else { continue }
            defer { git_object_free(commit) }
            out.append(Tag(name: name, target: git_object_id(commit)!.pointee.hex, tagger: tagger, message: message))
        }
        return out
    }

    /// Creates the annotated tag `name` on `commitID` (`git_tag_create`, never replacing an existing tag).
    package func createTag(_ name: String, on commitID: String, tagger: GitSignature, message: String)
        throws(GitError) -> String
    {
        var oid = git_oid()
        try check("git_oid_fromstr", git_oid_fromstr(&oid, commitID))
        var target: OpaquePointer?
        try check("git_object_lookup", git_object_lookup(&target, repo, &oid, GIT_OBJECT_COMMIT))
        defer { git_object_free(target) }
        var sig: UnsafeMutablePointer<git_signature>?
        try check("git_signature_new", git_signature_new(&sig, tagger.name, tagger.email, git_time_t(tagger.time),
                                                         Int32(tagger.offsetMinutes)))
        defer { git_signature_free(sig) }
        var tagID = git_oid()
        try check("git_tag_create", git_tag_create(&tagID, repo, name, target, sig, message, 0))
        return tagID.hex
    }

    // MARK: Writing

    /// Commits `changes` on top of HEAD as one commit and brings the work tree and index in line.
    ///
    /// Order, so that a failure leaves HEAD, index and work tree as they were: blobs and the new tree
    /// are written to the object database (`git_blob_create_from_buffer`, `git_tree_create_updated`
    /// on HEAD's tree); the files are written to the work tree (temporary file + rename) after their old
    /// content is saved; the commit is created and HEAD moved in one step (`git_commit_create` with
    /// update_ref "HEAD", which refuses when HEAD moved meanwhile); the index entries of the changed
    /// paths are refreshed (`git_index_add_bypath` / `git_index_remove_bypath`). When a step before the
    /// commit fails, the saved files are put back. Unreferenced objects are left for `git gc`.
    /// - Returns: the hex id of the new commit.
    package func commit(_ changes: [TreeChange], message: String, author: GitSignature, committer: GitSignature)
        throws(GitError) -> String
    {
        // The index is refreshed after the commit; refuse up front when another git process holds its lock,
        // rather than commit and then fail to bring the index in line.
        if FileIO.exists(gitDirectory + "index.lock") {
            throw GitError(function: "git_index_write", code: GIT_ELOCKED.rawValue,
                           message: "the index is locked by another git process ('\(gitDirectory)index.lock' exists)")
        }
        let parent = try headCommitID()
        // A root commit is built on no baseline tree (git_tree_create_updated accepts NULL).
        var baseline: OpaquePointer?
        if let parent { baseline = try lookupTree(ofCommit: parent) }
        defer { if baseline != nil { git_tree_free(baseline) } }

        var updates: [git_tree_update] = []
        var blobs: [String: git_oid] = [:]
        var paths: [UnsafeMutablePointer<CChar>] = []
        defer { paths.forEach { free($0) } }
        for change in changes {
            var update = git_tree_update()
            let cPath = strdup(change.path)!
            paths.append(cPath)
            update.path = UnsafePointer(cPath)
            switch change {
            case .write(_, let content, let executable):
                var oid = git_oid()
                try check("git_blob_create_from_buffer",
                    content.withUnsafeBytes { git_blob_create_from_buffer(&oid, repo, $0.baseAddress, $0.count) })
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = oid
                blobs[change.path] = oid
                update.filemode = executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB
            case .remove:
                update.action = GIT_TREE_UPDATE_REMOVE
            }
            updates.append(update)
        }
        var treeID = git_oid()
        try check("git_tree_create_updated",
            updates.withUnsafeBufferPointer { git_tree_create_updated(&treeID, repo, baseline, $0.count, $0.baseAddress) })
        var tree: OpaquePointer?
        try check("git_tree_lookup", git_tree_lookup(&tree, repo, &treeID))
        defer { git_tree_free(tree) }

        let saved = try WorkTreeBackup(workdir: workdir, paths: changes.map(\.path))
        do {
            try apply(changes)
        } catch {
            saved.restore()
            throw error
        }

        var authorSig: UnsafeMutablePointer<git_signature>?
        var committerSig: UnsafeMutablePointer<git_signature>?
        defer {
            git_signature_free(authorSig)
            git_signature_free(committerSig)
        }
        var commitID = git_oid()
        do {
            try check("git_signature_new",
                git_signature_new(&authorSig, author.name, author.email, git_time_t(author.time),
                    Int32(author.offsetMinutes)))
            try check("git_signature_new",
                git_signature_new(&committerSig, committer.name, committer.email, git_time_t(committer.time),
                    Int32(committer.offsetMinutes)))
            var parentCommit: OpaquePointer?
            if let parent {
                var poid = git_oid()
                try check("git_oid_fromstr", git_oid_fromstr(&poid, parent))
                try check("git_commit_lookup", git_commit_lookup(&parentCommit, repo, &poid))
            }
            defer { if parentCommit != nil { git_commit_free(parentCommit) } }
            var parents: [OpaquePointer?] = parentCommit.map { [$0] } ?? []
            let rc = parents.withUnsafeMutableBufferPointer { buf in
                git_commit_create(
                    &commitID, repo, "HEAD", authorSig, committerSig, "UTF-8", message, tree, buf.count,
                    buf.baseAddress)
            }
            try check("git_commit_create", rc)
        } catch {
            saved.restore()
            throw error
        }
        do {
            try refreshIndex(changes, blobs: blobs)
        } catch {
            // The commit stands (HEAD moved): say so rather than claim nothing happened.
            warnings.append("committed \(commitID.hex.prefix(12)), but the index could not be updated (\(error.message)); "
                + "run 'git reset -q' in the store to bring it in line")
        }
        return commitID.hex
    }

    private func apply(_ changes: [TreeChange]) throws(GitError) {
        for change in changes {
            let full = workdir + change.path
            switch change {
            case .write(_, let content, let executable):
                try FileIO.makeDirectories(parentOf: full)
                // A file that did not exist is created in place (exclusively); an existing one is replaced
                // through a temporary file and a rename. Either way a failure is undone from the backup.
                if FileIO.exists(full) {
                    try FileIO.writeAtomically(content, to: full, mode: executable ? 0o755 : 0o644)
                } else {
                    try FileIO.create(content, at: full, mode: executable ? 0o755 : 0o644)
                }
            case .remove:
                if unlink(full) != 0 && errno != ENOENT {
                    throw GitError(function: "unlink", code: -1, message: "cannot remove '\(full)': "
                        + String(cString: strerror(errno)))
                }
            }
        }
    }

    /// Brings the index entries of the changed paths in line with the new commit: an entry with the blob id
    /// already written and the file's stat data (`git_index_add`, as `git update-index` records them, so
    /// `git status` sees the file clean without hashing it again), or the entry removed.
    private func refreshIndex(_ changes: [TreeChange], blobs: [String: git_oid]) throws(GitError) {
        var index: OpaquePointer?
        try check("git_repository_index", git_repository_index(&index, repo))
        defer { git_index_free(index) }
        try check("git_index_read", git_index_read(index, 0))
        for change in changes {
            switch change {
            case .write(let path, _, let executable):
                var st = stat()
                guard let oid = blobs[path], stat(workdir + path, &st) == 0 else {
                    try check("git_index_add_bypath", git_index_add_bypath(index, path))
                    continue
                }
                var entry = git_index_entry()
                entry.ctime = git_index_time(seconds: Int32(truncatingIfNeeded: st.st_ctim.tv_sec),
                                             nanoseconds: UInt32(truncatingIfNeeded: st.st_ctim.tv_nsec))
                entry.mtime = git_index_time(seconds: Int32(truncatingIfNeeded: st.st_mtim.tv_sec),
                                             nanoseconds: UInt32(truncatingIfNeeded: st.st_mtim.tv_nsec))
                entry.dev = UInt32(truncatingIfNeeded: st.st_dev)
                entry.ino = UInt32(truncatingIfNeeded: st.st_ino)
                entry.mode = executable ? GIT_FILEMODE_BLOB_EXECUTABLE.rawValue : GIT_FILEMODE_BLOB.rawValue
                entry.uid = st.st_uid
                entry.gid = st.st_gid
                entry.file_size = UInt32(truncatingIfNeeded: st.st_size)
                entry.id = oid
                let rc = path.withCString { cPath in
                    entry.path = cPath
                    return git_index_add(index, &entry)
                }
                try check("git_index_add", rc)
            case .remove(let path):
                let rc = git_index_remove_bypath(index, path)
                if rc != GIT_ENOTFOUND.rawValue { try check("git_index_remove_bypath", rc) }
            }
        }
        try check("git_index_write", git_index_write(index))
    }
}

extension git_oid {
    /// The 40-character lowercase hex form (`git_oid_tostr`).
    var hex: String {
        var copy = self
        var buf = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buf, buf.count, &copy)
        return buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
