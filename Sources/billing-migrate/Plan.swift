import ArgumentParser
import Migration

/// `billing-migrate plan`: the dry run.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Dry run: read every customer's billing profile, merge and validate the changes, show the diff. Never writes.",
        discussion: """
            Validation runs on the merged address (current profile plus the row's changes), with Partner Center's \
            country rules fetched once per country. Outcomes: would-change, unchanged, invalid, failed.

            Example:
              billing-migrate plan samples/corrections-valid.csv --sandbox --report plan.json

            Exit codes: 0 nothing invalid or failed; 1 some rows invalid or failed; 2 usage or input error; 3 \
            interrupted or credentials refused; 4 (with --detailed-exitcode) changes pending.
            """
    )

    @OptionGroup var options: BatchOptions

    @Flag(help: "Exit 4 when changes are pending and nothing is invalid or failed (0: everything already matches).")
    var detailedExitcode = false

    func run() async throws {
        var command = BatchCommand(command: .plan, options: options)
        command.detailedExitCode = detailedExitcode
        try await command.run()
    }
}

/// `billing-migrate apply`: the real thing, journaled and resumable.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the changes: write each changed profile back with its ETag, keeping a resumable journal.",
        discussion: """
            Rows whose merged address equals the current one get no write. Before each write the row's intent is \
            on disk in the journal; after it, the outcome. Run the same command again after a crash, Ctrl-C, \
            --deadline or an outage: finished rows are skipped without a request, and writes in doubt are read \
            back, never blindly repeated. Outcomes: applied, unchanged, invalid, failed, conflict, skipped.

            Example:
              billing-migrate apply samples/corrections-valid.csv --sandbox --journal run.journal
            """
    )

    @OptionGroup var options: BatchOptions

    @Option(help: ArgumentHelp("The journal file (created 0600); the same path resumes a run.", valueName: "file"))
    var journal: String

    @Flag(help: "Resume even though the input file changed since the journal was started.")
    var force = false

    @Option(help: "Refuse to start (exit 2, nothing written) when more than this many rows would change.")
    var maxChanges: Int?

    func validate() throws {
        if let maxChanges, maxChanges < 0 { throw ValidationError("--max-changes must be 0 or more.") }
    }

    func run() async throws {
        var command = BatchCommand(command: .apply, options: options)
        command.journal = journal
        command.force = force
        command.maxChanges = maxChanges
        try await command.run()
    }
}

/// The options `plan` and `apply` share.
struct BatchOptions: ParsableArguments {
    @OptionGroup var input: InputOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var run: RunOptions

    @Flag(help: "Let rows change a customer's country (refused by default).")
    var allowCountryChange = false
}
