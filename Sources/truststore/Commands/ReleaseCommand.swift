import ArgumentParser
import TrustStoreCore

struct ReleaseCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Tag the current state with a semantic version derived from the trust changes since the last release.",
        discussion: """
            Major when a certificate was removed from any environment, minor when one was added, patch otherwise \
            (for example a configuration change); the first release is v1.0.0. The annotated tag's message holds \
            release notes listing each change. --list shows the releases.
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Text to put at the top of the release notes.")
    var message: String?

    @Flag(help: "List the releases instead of making one.")
    var list = false

    @Option(help: ArgumentHelp("Tagger.", valueName: "Name <email>"))
    var author: String?

    func run(in store: TrustStore) throws(TrustStoreError) {
        let operation = ReleaseOperation(store: store)
        if list {
            let releases = try operation.list()
            for r in releases {
                let summary = r.notes.split(separator: "\n").first.map(String.init) ?? ""
                Console.line("\(r.tag.padding(10)) \(r.date ?? "?")  \(r.commit.prefix(12))  \(summary)")
            }
            if releases.isEmpty { Console.error("no releases yet; make one with 'truststore release'") }
            return
        }
        let who = try Author.resolve(explicit: author, environment: ProcessEnvironment.current, repository: store.repository)
        let release = try operation.run(message: message, author: who)
        Console.out(release.notes)
        Console.error("tagged \(release.tag) on \(release.commit.prefix(12))")
    }
}
