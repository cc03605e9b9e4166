/// The `[hooks]` table of `truststore.toml`: the time limit of each hook run, and one sub-table per hook,
/// named after the hook's file name, that can disable it and gives it settings.
///
/// ```toml
/// [hooks]
/// timeout_seconds = 30
///
/// [hooks.refuse-expiring]
/// enabled = true
/// days = 30            # the hook sees TRUSTSTORE_HOOK_DAYS=30
///
/// [hooks.roots-only]
/// environments = ["prod"]   # TRUSTSTORE_HOOK_ENVIRONMENTS="prod" (array items joined by spaces)
/// ```
///
/// A hook without a sub-table is enabled and gets no settings.
public struct HooksConfig: Codable, Sendable, Equatable {
    /// Wall-clock limit of one hook run, in seconds; a hook still running then is killed and, for a `pre-*`
    /// event, vetoes.
    public var timeoutSeconds: Double
    /// Per-hook settings by hook file name (`require-reason`, `check.py`).
    public var settings: [String: [String: HookSetting]]

    public static let defaultTimeoutSeconds = 30.0

    public init(timeoutSeconds: Double = HooksConfig.defaultTimeoutSeconds, settings: [String: [String: HookSetting]] = [:]) {
        self.timeoutSeconds = timeoutSeconds
        self.settings = settings
    }

    /// Whether the hook called `name` runs (`enabled = false` turns it off).
    public func isEnabled(_ name: String) -> Bool {
        if case .bool(let on)? = settings[name]?["enabled"] { return on }
        return true
    }

    /// The hook's settings as environment variables: `TRUSTSTORE_HOOK_<KEY>` (upper case, '-' as '_').
    public func environment(for name: String) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in settings[name] ?? [:] where key != "enabled" {
            let variable = "TRUSTSTORE_HOOK_" + String(key.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
            out[variable] = value.text
        }
        return out
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let timeoutKey = "timeout_seconds"

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        timeoutSeconds = HooksConfig.defaultTimeoutSeconds
        settings = [:]
        for key in c.allKeys {
            if key.stringValue == HooksConfig.timeoutKey {
                if let whole = try? c.decode(Int.self, forKey: key) {
                    timeoutSeconds = Double(whole)
                } else {
                    timeoutSeconds = try c.decode(Double.self, forKey: key)
                }
                guard timeoutSeconds > 0 else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c,
                        debugDescription: "hooks.timeout_seconds must be greater than 0")
                }
            } else {
                settings[key.stringValue] = try c.decode([String: HookSetting].self, forKey: key)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        if timeoutSeconds == timeoutSeconds.rounded() {
            try c.encode(Int(timeoutSeconds), forKey: Key(stringValue: HooksConfig.timeoutKey))
        } else {
            try c.encode(timeoutSeconds, forKey: Key(stringValue: HooksConfig.timeoutKey))
        }
        for (name, table) in settings { try c.encode(table, forKey: Key(stringValue: name)) }
    }
}

/// One value of a hook's settings table: a boolean, an integer, a string or an array of strings.
public enum HookSetting: Codable, Sendable, Equatable {
    case bool(Bool)
    case int(Int)
    case string(String)
    case strings([String])

    /// The value as a hook sees it in its environment (array items joined by spaces).
    public var text: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return s
        case .strings(let a): return a.joined(separator: " ")
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([String].self) {
            self = .strings(a)
        } else {
            throw DecodingError.dataCorruptedError(in: c,
                debugDescription: "a hook setting must be a boolean, an integer, a string or an array of strings")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .strings(let a): try c.encode(a)
        }
    }
}
