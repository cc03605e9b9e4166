internal import TrustStoreGit
internal import TrustStoreOpenSSL

/// One input of `add`: a name for messages and provenance, and its bytes (or why it could not be read).
public struct AddInput: Sendable {
    /// The path as the user gave it, or "(stdin)".
    public var name: String
    public var bytes: Result<[UInt8], TrustStoreError>
    /// The purposes this input's certificates are trusted for, overriding ``AddRequest/purposes``: `promote` carries
    /// each certificate's own limit this way (nil: the request's).
    public var purposes: [TrustPurpose]?

    public init(name: String, bytes: Result<[UInt8], TrustStoreError>, purposes: [TrustPurpose]? = nil) {
        self.name = name
        self.bytes = bytes
        self.purposes = purposes
    }

    /// Reads the file at `path` (absolute), naming it `name` in messages and provenance.
    public static func file(_ name: String, path: String) -> AddInput {
        do {
            return AddInput(name: name, bytes: .success(try FileIO.read(path)))
        } catch {
            return AddInput(name: name, bytes: .failure(TrustStoreError(.failure, "cannot read: \(error.message)")))
        }
    }

    /// Reads standard input to its end, named "(stdin)".
    public static func standardInput() -> AddInput {
        do {
            return AddInput(name: "(stdin)", bytes: .success(try FileIO.readAll(fd: 0, name: "standard input")))
        } catch {
            return AddInput(name: "(stdin)", bytes: .failure(TrustStoreError(.failure, "cannot read: \(error.message)")))
        }
    }
}

/// What `truststore add` was asked to do.
public struct AddRequest: Sendable {
    public var inputs: [AddInput]
    public var environment: String
    public var reason: String?
    /// Free-text provenance (`--source`); when nil each input is recorded as `file:NAME`.
    public var source: String?
    public var author: Author
    /// Validation time, seconds since the epoch (UTC).
    public var time: Int64
    /// Import the valid certificates and skip the rejected ones instead of rejecting the whole invocation.
    public var skipInvalid: Bool
    /// Set by `promote`: the environment the certificates come from (recorded as a promotion, not an add).
    public var promotedFrom: String?
    /// The purposes the added certificates are trusted for (`--purpose`); empty: every purpose. Recorded in each
    /// stored file's header (``PurposeIndex``) and in a `Truststore-Purpose` trailer.
    public var purposes: [TrustPurpose] = []

    public init(inputs: [AddInput], environment: String, reason: String?, source: String?, author: Author,
                time: Int64, skipInvalid: Bool)
    {
        self.inputs = inputs
        self.environment = environment
        self.reason = reason
        self.source = source
        self.author = author
        self.time = time
        self.skipInvalid = skipInvalid
    }
}

/// The outcome of `add` for each certificate and each input.
public struct AddReport: Sendable {
    public enum Outcome: String, Sendable {
        /// Committed to the environment.
        case added
        /// Valid, but not committed because another certificate of the invocation was rejected.
        case notAdded = "not-added"
        /// An exact duplicate (same SHA-256) of a certificate already in the environment or earlier in the input.
        case duplicate
        /// Rejected by a rule (its error findings say why).
        case rejected
    }

    public struct Item: Sendable {
        public var input: String
        /// 1-based position of the certificate in its input.
        public var position: Int
        public var summary: CertificateSummary
        public var outcome: Outcome
        public var findings: [Finding]
        /// Why it is a duplicate, or its relation to certificates with the same subject or key.
        public var note: String?
    }

    /// An input rejected as a whole (unreadable, no certificate, private key, wrong type).
    public struct InputError: Sendable {
        public var input: String
        public var message: String
        /// True for private keys: the whole invocation stops, even with --skip-invalid.
        public var isPrivateKey: Bool
    }

    public var environment: String
    public var items: [Item] = []
    public var inputErrors: [InputError] = []
    /// Per input: notes about the encoding (BOM stripped, CRLF normalised, legacy label).
    public var inputNotes: [(input: String, note: String)] = []
    /// The new commit, when something was committed.
    public var commit: String?

    /// True when the request as a whole was refused (nothing committed because of a rejection).
    public var isRejected: Bool {
        commit == nil && (!inputErrors.isEmpty || items.contains { $0.outcome == .rejected })
    }
}

/// `truststore add`: decode, validate and commit certificates to one environment, atomically.
package struct AddOperation {
    package var store: TrustStore

    package init(store: TrustStore) {
        self.store = store
    }

    private struct Candidate {
        var input: String
        var position: Int
        var certificate: X509Certificate
        var info: CertificateInfo
        var auxiliaryTrust: String?
        /// The purposes it is stored with; empty: every purpose.
        var purposes: [TrustPurpose]
        var findings: [Finding]
        var outcome: AddReport.Outcome
        var note: String?

        var kind: CertificateKind { info.isSelfSigned ? .root : .intermediate }
        var passes: Bool { outcome != .rejected && outcome != .duplicate }
    }

    /// Runs the request. Nothing is committed when any input or certificate is rejected, unless
    /// `skipInvalid`, and never when an input holds a private key.
    /// - Throws: ``TrustStoreError`` for an unknown environment (usage) or a failed commit (failure).
    package func run(_ request: AddRequest) throws(TrustStoreError) -> AddReport {
        try store.requireEnvironment(request.environment)
        let env = request.environment
        let context = ValidationContext(policy: store.config.policy, time: request.time, environment: env)
        var report = AddReport(environment: env)
        // What the environment trusts, inherited certificates included; distrust entries refuse their certificates.
        let trust = try store.effectiveTrust(of: env)
        let existing = trust.certificates
        let existingByFingerprint = Dictionary(existing.map { ($0.info.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })

        // 1. Decode every input; per-certificate rules.
        var candidates: [Candidate] = []
        var encodings: [(input: String, encoding: InputEncoding, count: Int)] = []
        var seen: [String: String] = [:]
        for input in request.inputs {
            let bytes: [UInt8]
            switch input.bytes {
            case .success(let b): bytes = b
            case .failure(let error):
                report.inputErrors.append(.init(input: input.name, message: error.message, isPrivateKey: false))
                continue
            }
            let decoded: DecodedInput
            do {
                decoded = try InputDecoder.decode(bytes)
            } catch {
                var isKey = false
                if case .privateKey = error { isKey = true }
                report.inputErrors.append(.init(input: input.name, message: error.description, isPrivateKey: isKey))
                continue
            }
            encodings.append((input.name, decoded.encoding, decoded.certificates.count))
            for note in decoded.notes { report.inputNotes.append((input.name, note)) }
            for item in decoded.certificates {
                let info = item.certificate.info
                var candidate = Candidate(
                    input: input.name, position: item.position, certificate: item.certificate, info: info,
                    auxiliaryTrust: item.auxiliaryTrust?.summary, purposes: input.purposes ?? request.purposes,
                    findings: [], outcome: .added)
                if let stored = existingByFingerprint[info.fingerprint] {
                    candidate.outcome = .duplicate
                    candidate.note = "already in '\(env)'"
                        + (trust.origin(of: stored).map { " (inherited from '\($0)')" } ?? "") + " as \(stored.path)"
                } else if let first = seen[info.fingerprint] {
                    candidate.outcome = .duplicate
                    candidate.note = "same certificate as \(first); kept once"
                } else {
                    seen[info.fingerprint] = "\(input.name) certificate \(item.position)"
                    candidate.findings = standardCertificateRules.flatMap { $0.evaluate(info, in: context) }
                    if let aux = item.auxiliaryTrust, !aux.rejected.isEmpty {
                        // A PEM bundle cannot carry OpenSSL's reject bits: exporting it would trust it for exactly
                        // the uses its owner rejected.
                        candidate.findings.append(Finding(.error, "auxiliary-trust",
                            "TRUSTED CERTIFICATE marks it rejected for " + aux.rejected.joined(separator: ", ")
                                + "; a PEM bundle cannot carry that distrust, so truststore will not trust it"))
                    } else if let aux = candidate.auxiliaryTrust {
                        candidate.findings.append(Finding(.warning, "auxiliary-trust",
                            "TRUSTED CERTIFICATE: OpenSSL auxiliary trust (\(aux)) kept as metadata in the store; "
                                + "exports carry plain CERTIFICATE blocks, trusted for every purpose"))
                    }
                    if let entry = trust.outrightDistrust(of: item.certificate) {
                        candidate.findings.append(Finding(.error, "distrust", "conflicting trust: \(entry.message)"))
                    }
                    if candidate.findings.hasError { candidate.outcome = .rejected }
                }
                candidates.append(candidate)
            }
        }

        // 2. Intermediates must chain to a root of the environment; the input may complete the path in any
        //    order. Repeat until stable, since rejecting one intermediate can cut the path of another.
        let rule = ChainRule(context: context)
        while true {
            let anchors = existing.filter { $0.kind == .root }.map(\.certificate)
                + candidates.filter { $0.passes && $0.kind == .root }.map(\.certificate)
            let untrusted = existing.filter { $0.kind == .intermediate }.map(\.certificate)
                + candidates.filter { $0.passes && $0.kind == .intermediate }.map(\.certificate)
            var changed = false
            for i in candidates.indices where candidates[i].passes && candidates[i].kind == .intermediate {
                let findings = rule.evaluate(candidates[i].certificate, anchors: anchors, untrusted: untrusted)
                if findings.hasError {
                    candidates[i].findings += findings
                    candidates[i].outcome = .rejected
                    changed = true
                }
            }
            if !changed { break }
        }

        // 3. Relations: same subject or same key with another fingerprint (re-issued or cross-signed).
        let accepted = candidates.filter(\.passes)
        let pool = existing.map { ($0.info, "in '\(env)'") } + accepted.map { ($0.info, "in this input") }
        for i in candidates.indices where candidates[i].outcome != .duplicate {
            let me = candidates[i].info
            let sameSubject = pool.filter { $0.0.subject == me.subject && $0.0.fingerprint != me.fingerprint }
            let sameKeyOnly = pool.filter {
                $0.0.spkiSHA256 == me.spkiSHA256 && $0.0.subject != me.subject && $0.0.fingerprint != me.fingerprint
            }
            var relations: [String] = []
            if !sameSubject.isEmpty {
                let others = sameSubject.map { other in
                    "\(other.0.fingerprint.prefix(16)) \(other.1), \(other.0.spkiSHA256 == me.spkiSHA256 ? "same key" : "another key"), "
                        + "valid until \(Timestamp.formatDate(other.0.notAfter))"
                }
                relations.append("\(sameSubject.count + 1) certificates share subject \(me.subject) ("
                    + others.joined(separator: "; ") + ")")
            }
            if !sameKeyOnly.isEmpty {
                relations.append("shares its key with " + sameKeyOnly.map { "'\($0.0.subject)' \($0.0.fingerprint.prefix(16)) \($0.1)" }
                    .joined(separator: ", "))
            }
            guard !relations.isEmpty else { continue }
            let text = relations.joined(separator: "; ")
            if candidates[i].outcome == .rejected {
                let valid = sameSubject.contains { $0.1 == "in this input" && $0.0.spkiSHA256 == me.spkiSHA256 }
                candidates[i].note = valid ? "a valid certificate with the same subject and key is in the same input: \(text)" : text
            } else {
                candidates[i].findings.append(Finding(.warning, "related-certificate",
                    "\(text): re-issued or cross-signed certificates; all are kept"))
            }
        }

        // 4. Atomicity.
        let rejected = candidates.contains { $0.outcome == .rejected } || !report.inputErrors.isEmpty
        let privateKey = report.inputErrors.contains { $0.isPrivateKey }
        let toAdd = candidates.filter { $0.outcome == .added }
        if privateKey || (rejected && !request.skipInvalid) || toAdd.isEmpty {
            for i in candidates.indices where candidates[i].outcome == .added { candidates[i].outcome = .notAdded }
            report.items = candidates.map { item(from: $0, environment: env) }
            return report
        }

        // 5. One commit.
        var changes: [TreeChange] = []
        for c in toAdd {
            let path = CertificateFile.path(for: c.info, in: env)
            changes.append(.write(
                path: path,
                content: PurposeIndex.annotate(
                    CertificateFile.render(c.certificate, info: c.info, kind: c.kind, auxiliaryTrust: c.auxiliaryTrust),
                    purposes: c.purposes)))
        }
        let message = request.promotedFrom.map { from in
            CommitMessage.promote(
                from: from, to: env, promoted: toAdd.map { ($0.info, $0.kind) }, reason: request.reason,
                source: request.source, validatedAt: request.time)
        } ?? CommitMessage.add(
            environment: env, added: toAdd.map { ($0.info, $0.kind, $0.input) }, reason: request.reason,
            source: request.source, inputs: encodings.map { "\($0.input) (\($0.encoding.rawValue), \($0.count) "
                + "certificate\($0.count == 1 ? "" : "s"))" },
            validatedAt: request.time, purposes: Array(Set(toAdd.flatMap(\.purposes))).sorted())
        report.commit = try store.commit(changes, message: message, author: request.author)
        report.items = candidates.map { item(from: $0, environment: env) }
        return report
    }

    private func item(from c: Candidate, environment: String) -> AddReport.Item {
        let stored = StoredCertificate(
            certificate: c.certificate, environment: environment,
            path: CertificateFile.path(for: c.info, in: environment), auxiliaryTrust: c.auxiliaryTrust)
        return AddReport.Item(
            input: c.input, position: c.position, summary: CertificateSummary(stored), outcome: c.outcome,
            findings: c.findings, note: c.note)
    }
}
