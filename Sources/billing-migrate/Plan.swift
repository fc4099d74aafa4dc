import ArgumentParser
import Migration

/// `billing-migrate plan`: the dry run.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Dry run: read every customer's billing profile, merge and validate the changes, show the diff. Never writes.",
        discussion: """
            Validation runs on the merged address (current profile plus the row's changes), with Partner Center's \
            country rules fetched once per country. Outcomes: would-change, unchanged, invalid, failed. \
            --save-plan records, per row that would change, the profile's ETag and its before and after values, \
            for `apply --plan` to apply exactly that after review.

            Example:
              billing-migrate plan samples/corrections-valid.csv --sandbox --report plan.html --save-plan plan.json

            Exit codes: 0 nothing invalid or failed; 1 some rows invalid or failed; 2 usage or input error; 3 \
            interrupted or credentials refused; 4 (with --detailed-exitcode) changes pending.
            """
    )

    @Argument(help: InputFormatOptions.inputHelp, completion: .file())
    var input: String

    @OptionGroup var options: BatchOptions

    @Option(
        help: ArgumentHelp(
            "Save the plan here (0600): each changing row's ETag, before and after values, and the input's "
                + "SHA-256, for `apply --plan`.", valueName: "file"), completion: .file())
    var savePlan: String?

    @Flag(help: "Exit 4 when changes are pending and nothing is invalid or failed (0: everything already matches).")
    var detailedExitcode = false

    func run() async throws {
        var command = BatchCommand(command: .plan, input: input, options: options)
        command.configure = { [detailedExitcode, savePlan] configuration in
            configuration.detailedExitCode = detailedExitcode
            configuration.savePlan = savePlan
        }
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

            With --plan, the reviewed plan is applied exactly (the corrections file is then optional; when given, \
            it must be the file the plan was made from): a row whose profile changed in any way since the plan is \
            a conflict, and is not written. With --plan --trust-etag, each planned profile is written back with             the plan's ETag without reading it first (one request a row instead of two): Partner Center's ETag             check then refuses a profile changed since the plan, and that row is a conflict. Use it only where             `billing-migrate doctor --customer ID` shows that Partner Center enforces the ETag.

            Examples:
              billing-migrate apply samples/corrections-valid.csv --sandbox --journal run.journal
              billing-migrate apply --plan plan.json --journal run.journal --undo-file undo.csv
              billing-migrate apply --plan plan.json --trust-etag --journal run.journal
              billing-migrate apply undo.csv --journal undo.journal        (reverts the batch)
            """
    )

    @Argument(help: ArgumentHelp("The corrections file (optional with --plan)."), completion: .file())
    var input: String?

    @OptionGroup var options: BatchOptions

    @Option(
        help: ArgumentHelp("The journal file (created 0600); the same path resumes a run.", valueName: "file"),
        completion: .file())
    var journal: String

    @Option(
        help: ArgumentHelp("Apply exactly this plan, saved by `plan --save-plan`.", valueName: "file"),
        completion: .file())
    var plan: String?

    @Flag(
        help: ArgumentHelp(
            "With --plan: write each planned profile with the plan's ETag without reading it first (one request a "
                + "row). Only where `doctor` shows that Partner Center enforces the ETag."))
    var trustEtag = false

    @Option(
        help: ArgumentHelp(
            "Write the values the run replaced here (0600), as a corrections file: applying it reverts the batch.",
            valueName: "file"), completion: .file())
    var undoFile: String?

    @Flag(help: "Resume even though the input file changed since the journal was started.")
    var force = false

    @Option(help: "Refuse to start (exit 2, nothing written) when more than this many rows would change.")
    var maxChanges: Int?

    func validate() throws {
        if let maxChanges, maxChanges < 0 { throw ValidationError("--max-changes must be 0 or more.") }
        if input == nil, plan == nil {
            throw ValidationError("apply needs the corrections file, or --plan with a saved plan.")
        }
        if trustEtag, plan == nil {
            throw ValidationError(
                "--trust-etag applies a saved plan's documents: it needs --plan PLAN.json (from `plan --save-plan`).")
        }
    }

    func run() async throws {
        var command = BatchCommand(command: .apply, input: input ?? plan ?? "", options: options)
        command.configure = { [journal, force, maxChanges, undoFile, plan, input, trustEtag] configuration in
            configuration.journalPath = journal
            configuration.trustETag = trustEtag
            configuration.force = force
            configuration.maxChanges = maxChanges
            configuration.undoFile = undoFile
            configuration.plan = plan
            if plan != nil { configuration.planInput = input }
        }
        try await command.run()
    }
}

/// The options `plan` and `apply` share.
struct BatchOptions: ParsableArguments {
    @OptionGroup var format: InputFormatOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var run: RunOptions

    @Flag(help: "Let rows change a customer's country (refused by default).")
    var allowCountryChange = false

    @Option(
        help: ArgumentHelp(
            "Ask Partner Center's address validation about each address that would change: off; report (a "
                + "warning when not verified); strict (not verified: invalid, not written).",
            valueName: "off|report|strict"))
    var verifyAddress: AddressVerification = .off
}

extension AddressVerification: ExpressibleByArgument {}
