import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Validation and display times: seconds since the Unix epoch, always shown in UTC.
public enum Timestamp {
    /// Parses an RFC 3339 date-time such as `2025-06-01T00:00:00Z` or `2025-06-01T02:00:00+02:00`
    /// (Foundation's ISO 8601 parser), or a bare date `2025-06-01`, read as midnight UTC.
    /// - Returns: seconds since the epoch, or nil when the text is neither.
    public static func parse(_ text: String) -> Int64? {
        if let date = try? Date(text, strategy: .iso8601) { return Int64(date.timeIntervalSince1970.rounded(.down)) }
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) {
            return Int64(date.timeIntervalSince1970)
        }
        return nil
    }

    /// Parses `text` for a `--at`-style option, or returns the current time when `text` is nil.
    /// - Throws: ``TrustStoreError`` (usage) naming the option when the text is not RFC 3339.
    public static func resolve(_ text: String?, option: String = "--at") throws(TrustStoreError) -> Int64 {
        guard let text else { return now() }
        guard let value = parse(text) else {
            throw TrustStoreError(.usage, "invalid time '\(text)' for \(option): expected RFC 3339, "
                + "for example 2025-06-01T00:00:00Z")
        }
        return value
    }

    /// The current time, seconds since the epoch.
    public static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }

    /// `2035-06-04T11:04:38Z` (RFC 3339, UTC, whole seconds).
    public static func format(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var tm = tm()
        gmtime_r(&t, &tm)
        return "\(pad(Int(tm.tm_year) + 1900, 4))-\(pad(Int(tm.tm_mon) + 1))-\(pad(Int(tm.tm_mday)))T"
            + "\(pad(Int(tm.tm_hour))):\(pad(Int(tm.tm_min))):\(pad(Int(tm.tm_sec)))Z"
    }

    /// `2035-06-04` (UTC).
    public static func formatDate(_ seconds: Int64) -> String {
        String(format(seconds).prefix(10))
    }

    /// The local time zone's offset from UTC at `seconds`, in minutes (`localtime_r`'s tm_gmtoff).
    static func localOffsetMinutes(at seconds: Int64) -> Int {
        var t = time_t(seconds)
        var tm = tm()
        localtime_r(&t, &tm)
        return Int(tm.tm_gmtoff / 60)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
