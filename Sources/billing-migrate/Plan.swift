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
            """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var run: RunOptions

    @Flag(help: "Let rows change a customer's country (refused by default).")
    var allowCountryChange = false

    func run() async throws {
        try await BatchCommand(
            command: .plan, input: input, reports: report.reports, connection: connection, runOptions: run,
            journal: nil,
            force: false, allowCountryChange: allowCountryChange
        ).run()
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

    @OptionGroup var input: InputOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var run: RunOptions

    @Option(help: ArgumentHelp("The journal file (created 0600); the same path resumes a run.", valueName: "file"))
    var journal: String

    @Flag(help: "Resume even though the input file changed since the journal was started.")
    var force = false

    @Flag(help: "Let rows change a customer's country (refused by default).")
    var allowCountryChange = false

    func run() async throws {
        try await BatchCommand(
            command: .apply, input: input, reports: report.reports, connection: connection, runOptions: run,
            journal: journal, force: force, allowCountryChange: allowCountryChange
        ).run()
    }
}
