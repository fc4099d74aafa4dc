import ArgumentParser
import Migration

/// `billing-migrate status`: what a journal says.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize a journal: rows per outcome, writes in doubt, what is left, when it ran. Reads only.",
        discussion: """
            Example:
              billing-migrate status --journal run.journal
            """
    )

    @Option(help: ArgumentHelp("The journal to read.", valueName: "file"), completion: .file())
    var journal: String

    func run() throws {
        print(try JournalStatus(path: journal))
    }
}
