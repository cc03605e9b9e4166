internal import TrustStoreGit

/// How `truststore NAME …` is dispatched, git-style: built-in commands always win; otherwise `truststore-NAME`
/// found on PATH runs (the first in PATH order); otherwise NAME is unknown (exit 64, with a suggestion).
public enum PluginResolution: Equatable, Sendable {
    /// Let the built-in command line parser handle the arguments (a built-in, an option, or no command).
    case builtin
    /// Run this executable with the remaining arguments.
    case plugin(path: String)
    /// No such command; `suggestion` is the closest built-in or plugin name, if any is close.
    case unknown(name: String, suggestion: String?)
}

/// A pure function from arguments, built-in names and PATH to a ``PluginResolution`` (as git's `run_argv`).
public enum PluginResolver {
    /// The prefix of plugin executables.
    public static let prefix = "truststore-"

    /// - Parameters:
    ///   - arguments: the arguments after the program name.
    ///   - builtins: the names of the built-in subcommands (and `help`).
    ///   - path: the value of PATH.
    public static func resolve(_ arguments: [String], builtins: Set<String>, path: String) -> PluginResolution {
        guard let name = arguments.first, !name.hasPrefix("-"), !builtins.contains(name) else { return .builtin }
        if let found = executable(prefix + name, path: path) { return .plugin(path: found) }
        let candidates = Array(builtins) + plugins(path: path).map(\.name)
        return .unknown(name: name, suggestion: Suggestion.closest(to: name, among: candidates))
    }

    /// The plugins on PATH: each `truststore-NAME` executable, the first per name in PATH order, sorted by name.
    public static func plugins(path: String) -> [(name: String, path: String)] {
        var seen = Set<String>()
        var out: [(String, String)] = []
        for dir in path.split(separator: ":").map(String.init) where !dir.isEmpty {
            for file in FileIO.list(dir) where file.hasPrefix(prefix) && file.count > prefix.count {
                let full = dir + "/" + file
                guard !FileIO.isDirectory(full), FileIO.isExecutable(full) else { continue }
                let name = String(file.dropFirst(prefix.count))
                if seen.insert(name).inserted { out.append((name, full)) }
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// The export plugin for a format that is not built in: `truststore-export-FORMAT`, the first on PATH.
    public static func exportPlugin(format: String, path: String) -> String? {
        guard !format.isEmpty, !format.contains("/") else { return nil }
        return executable(prefix + "export-" + format, path: path)
    }

    private static func executable(_ file: String, path: String) -> String? {
        for dir in path.split(separator: ":").map(String.init) where !dir.isEmpty {
            let full = dir + "/" + file
            if FileIO.exists(full) && !FileIO.isDirectory(full) && FileIO.isExecutable(full) { return full }
        }
        return nil
    }
}
