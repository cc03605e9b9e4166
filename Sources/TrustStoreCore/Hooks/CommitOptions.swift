/// Options of a command that commits, which shape the commit rather than the change: they become trailers,
/// so reviewers see them in `git show`.
public struct CommitOptions: Sendable {
    /// Skip the `pre-commit` hooks (recorded as `Truststore-No-Verify: true`).
    public var noVerify: Bool
    /// `Name <email>` of each reviewer (recorded as `Reviewed-by:` trailers, as the Linux kernel does).
    public var reviewedBy: [String]

    public init(noVerify: Bool = false, reviewedBy: [String] = []) {
        self.noVerify = noVerify
        self.reviewedBy = reviewedBy
    }

    /// `message` with the trailers of these options appended to its trailer paragraph.
    func apply(to message: String) -> String {
        var lines = reviewedBy.map { "Reviewed-by: \(CommitMessage.oneLine($0))" }
        if noVerify { lines.append("\(CommitMessage.Key.noVerify): true") }
        guard !lines.isEmpty else { return message }
        return (message.hasSuffix("\n") ? message : message + "\n") + lines.joined(separator: "\n") + "\n"
    }
}
