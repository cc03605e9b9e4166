#if canImport(Glibc)
    import Glibc
#endif

/// Runs one program to completion under a time limit, as hooks need: its standard input from a file, its
/// standard output and standard error merged into one captured stream, its working directory and environment
/// given, in a process group of its own so that a time-out kills the program and everything it started.
///
/// Built on `posix_spawn(3)` (glibc): signal mask emptied and every signal reset to its default action in the
/// child, since the parent may block or ignore some (test runners block SIGTERM, shells ignore SIGPIPE).
public enum ChildProcess {
    /// How the program ended.
    package enum Termination: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it (a crash: SIGSEGV, SIGABRT…, or a kill from outside).
        case signaled(Int32)
        /// It ran longer than the limit and was killed (SIGKILL to its process group).
        case timedOut
        /// It could not be started: `posix_spawn` failed with this errno (ENOEXEC for a script without `#!`).
        case notStarted(Int32)
    }

    package struct Result: Sendable {
        package var termination: Termination
        /// Standard output and standard error, interleaved as written, at most `outputLimit` bytes.
        package var output: [UInt8]
    }

    /// Output kept per run; the rest is read and dropped so the child never blocks on a full pipe.
    package static let outputLimit = 64 * 1024

    /// - Parameters:
    ///   - executable: absolute path, run as is (no PATH search).
    ///   - arguments: argv[1...].
    ///   - environment: the child's whole environment.
    ///   - directory: the child's working directory.
    ///   - stdinPath: file opened read-only as standard input (`/dev/null` when nil).
    ///   - timeout: seconds of wall time before the process group is killed.
    package static func run(_ executable: String, arguments: [String], environment: [String: String],
                            directory: String, stdinPath: String?, timeout: Double) -> Result
    {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return Result(termination: .notStarted(errno), output: []) }
        let readEnd = fds[0]
        let writeEnd = fds[1]
        // Not inherited by the child beyond its stdout and stderr (nor by hooks run later).
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        guard let addChdir = addChdir else { return Result(termination: .notStarted(ENOSYS), output: []) }
        _ = addChdir(&actions, directory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes,
            Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(writeEnd)
        guard rc == 0 else {
            close(readEnd)
            return Result(termination: .notStarted(rc), output: [])
        }

        let deadline = monotonicSeconds() + timeout
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var timedOut = false
        // Read until end of file (every holder of the pipe's write end is gone) or the deadline.
        while true {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 {
                timedOut = true
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 1000)) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if output.count < outputLimit { output += buffer[0..<min(n, outputLimit - output.count)] }
        }
        close(readEnd)
        // The pipe is closed; the program may still run (it closed its output, or a child kept it open).
        var status: Int32 = 0
        while !timedOut {
            let done = waitpid(pid, &status, WNOHANG)
            if done == pid { return Result(termination: termination(status), output: output) }
            if done < 0 && errno != EINTR { return Result(termination: .exited(127), output: output) }
            if monotonicSeconds() >= deadline {
                timedOut = true
                break
            }
            usleep(2_000)
        }
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Result(termination: .timedOut, output: output)
    }

    private typealias AddChdir = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), looked up with `dlsym` because Swift's Glibc
    /// module is imported without `_GNU_SOURCE`, which hides its declaration.
    private static let addChdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    private static func termination(_ status: Int32) -> Termination {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// This process's environment (`environ`) as a dictionary.
    public static func currentEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                out[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return out
    }

    /// The conventional name of a signal ("SIGSEGV"), or its number.
    package static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGTERM: "SIGTERM",
        ]
        return names[signal] ?? "signal \(signal)"
    }
}
