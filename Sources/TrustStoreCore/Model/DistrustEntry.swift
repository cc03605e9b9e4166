package import TrustStoreOpenSSL

/// One distrust entry of an environment, stored in `truststore.toml` as an array of tables, so that a
/// distrust is versioned and reviewable in `git show` like any trust change (author, date and provenance
/// come from its commit):
///
/// ```toml
/// [[environments.prod.distrust]]
/// spki_sha256 = "5c1f…"          # or sha256 = "…", or issuer = "CN=…" with serial = "1001"
/// subject = "CN=Test Root CA,O=truststore tests"   # for readers; not used for matching
/// reason = "CA compromised"
/// after = "2025-02-01T00:00:00Z" # optional: distrust only certificates issued after this time
/// ```
///
/// The key is exactly one of: the SHA-256 fingerprint of the DER certificate (`sha256`), the issuer name
/// (OpenSSL's RFC 2253 form, as `list` shows it) with the serial number in hex (`issuer` + `serial`), or the
/// SHA-256 of the DER SubjectPublicKeyInfo (`spki_sha256`), which also covers re-issued and cross-signed
/// certificates with the same key.
///
/// Without `after`, a matching certificate is left out of the environment's exports and every path through
/// it is rejected by `verify`. With `after` (Mozilla's and Chrome's "distrust after"), the CA stays trusted
/// and `verify` rejects a path through it whose end-entity certificate has a notBefore later than `after`.
public struct DistrustEntry: Codable, Sendable, Equatable {
    /// How an entry identifies certificates (`distrust --by`).
    public enum Key: String, Sendable, CaseIterable {
        case fingerprint
        case issuerSerial = "issuer-serial"
        case spki
    }

    /// Lowercase hex SHA-256 of the DER certificate.
    public var sha256: String?
    /// Issuer distinguished name, OpenSSL RFC 2253 form (with ``serial``).
    public var issuer: String?
    /// Serial number, uppercase hex without leading zeros (with ``issuer``).
    public var serial: String?
    /// Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    public var spkiSHA256: String?
    /// Subject of the certificate the entry was made from, for readers; never used for matching.
    public var subject: String?
    public var reason: String
    /// RFC 3339 UTC; see the type's documentation.
    public var after: String?

    public init(sha256: String? = nil, issuer: String? = nil, serial: String? = nil, spkiSHA256: String? = nil,
                subject: String? = nil, reason: String, after: String? = nil)
    {
        self.sha256 = sha256?.lowercased()
        self.issuer = issuer
        self.serial = serial.map(Self.normalizedSerial)
        self.spkiSHA256 = spkiSHA256?.lowercased()
        self.subject = subject
        self.reason = reason
        self.after = after
    }

    enum CodingKeys: String, CodingKey {
        case sha256, issuer, serial
        case spkiSHA256 = "spki_sha256"
        case subject, reason, after
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sha256: try c.decodeIfPresent(String.self, forKey: .sha256),
            issuer: try c.decodeIfPresent(String.self, forKey: .issuer),
            serial: try c.decodeIfPresent(String.self, forKey: .serial),
            spkiSHA256: try c.decodeIfPresent(String.self, forKey: .spkiSHA256),
            subject: try c.decodeIfPresent(String.self, forKey: .subject),
            reason: try c.decodeIfPresent(String.self, forKey: .reason) ?? "",
            after: try c.decodeIfPresent(String.self, forKey: .after))
        let keys = [sha256 != nil, issuer != nil || serial != nil, spkiSHA256 != nil].filter { $0 }.count
        guard keys == 1, (issuer == nil) == (serial == nil) else {
            throw DecodingError.dataCorruptedError(forKey: .sha256, in: c, debugDescription:
                "a distrust entry needs exactly one key: sha256, issuer with serial, or spki_sha256")
        }
        if let after, Timestamp.parse(after) == nil {
            throw DecodingError.dataCorruptedError(forKey: .after, in: c, debugDescription:
                "distrust 'after' must be an RFC 3339 time, not '\(after)'")
        }
    }

    /// The kind of key this entry uses.
    public var key: Key {
        if sha256 != nil { return .fingerprint }
        if spkiSHA256 != nil { return .spki }
        return .issuerSerial
    }

    /// The ``after`` time in seconds since the epoch (UTC), nil when the entry distrusts outright.
    public var afterTime: Int64? { after.flatMap(Timestamp.parse) }

    /// The entry for messages: `sha256 3f1c…`, `issuer 'CN=…' serial 1001` or `spki sha256 5c1f…`
    /// (16 hex digits of a hash).
    public var label: String {
        switch key {
        case .fingerprint: return "sha256 \(sha256!.prefix(16))"
        case .spki: return "spki sha256 \(spkiSHA256!.prefix(16))"
        case .issuerSerial: return "issuer '\(issuer ?? "")' serial \(serial ?? "")"
        }
    }

    /// True when the entry has the same key as `other` (reason and `after` aside).
    public func sameKey(as other: DistrustEntry) -> Bool {
        sha256 == other.sha256 && issuer == other.issuer && serial == other.serial && spkiSHA256 == other.spkiSHA256
    }

    /// True when `certificate` is one the entry names (cheap OpenSSL reads: hashes, issuer, serial).
    package func matches(_ certificate: X509Certificate) -> Bool {
        switch key {
        case .fingerprint: return certificate.sha256.hex == sha256
        case .spki: return certificate.spkiSHA256.hex == spkiSHA256
        case .issuerSerial:
            return certificate.issuer == issuer && Self.normalizedSerial(certificate.serialHex) == serial
        }
    }

    /// The entry for `certificate` keyed as `key`.
    package static func make(for certificate: X509Certificate, key: Key, reason: String, after: Int64?) -> DistrustEntry {
        let after = after.map(Timestamp.format)
        switch key {
        case .fingerprint:
            return DistrustEntry(sha256: certificate.sha256.hex, subject: certificate.subject, reason: reason, after: after)
        case .spki:
            return DistrustEntry(spkiSHA256: certificate.spkiSHA256.hex, subject: certificate.subject, reason: reason,
                                 after: after)
        case .issuerSerial:
            return DistrustEntry(issuer: certificate.issuer, serial: certificate.serialHex, subject: certificate.subject,
                                 reason: reason, after: after)
        }
    }

    /// Uppercase hex without colons or leading zeros ("0" for zero).
    static func normalizedSerial(_ text: String) -> String {
        let hex = text.uppercased().filter { $0 != ":" }
        let trimmed = hex.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}

/// A distrust entry as it applies to one environment: the entry and the environment that records it
/// (the environment itself or one it extends).
public struct AppliedDistrust: Sendable, Equatable {
    /// The environment whose `truststore.toml` table holds the entry.
    public var environment: String
    public var entry: DistrustEntry

    /// `distrusted in 'prod' by spki sha256 5c1f…: CA compromised`, or for a distrust-after entry
    /// `distrusted in 'prod' for certificates issued after 2025-02-01T00:00:00Z by sha256 …: reason`.
    public var message: String {
        let scope = entry.after.map { " for certificates issued after \($0)" } ?? ""
        return "distrusted in '\(environment)'\(scope) by \(entry.label): \(entry.reason)"
    }
}
