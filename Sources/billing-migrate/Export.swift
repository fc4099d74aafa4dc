import ArgumentParser
import Migration

/// `billing-migrate export`: the customers' current addresses, as a corrections file.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the customers' current billing addresses as a corrections file, to edit and apply.",
        discussion: """
            One row per customer, in the corrections-file format: customerId, then the read-only context columns \
            companyName and domain (validate, plan and apply accept and ignore them), then every address field \
            with its current value. Applying the file unedited changes nothing; edit a cell, and applying it \
            changes exactly that field. Customers that cannot be read (404, 403, …) are not in the file: they are \
            listed on the terminal and in the --report files (exit 1).

            The file is UTF-8 with a byte-order mark (--no-bom without), written 0600 under a temporary name and \
            renamed into place when every customer has a result. Cells a spreadsheet would take for a formula \
            (starting with = + - @) get a leading ' that the tool reads back without; --raw leaves them as they are. \
            With --journal, a stopped export (Ctrl-C, --deadline, an outage) resumes where it stopped: run the \
            same command again.

            Examples:
              billing-migrate export customers.csv --all --sandbox
              billing-migrate export current.csv --customers corrections.csv --journal export.journal

            Exit codes: 0 every customer exported; 1 some could not be read; 2 usage or input error; 3 \
            interrupted or credentials refused (resumable with --journal).
            """
    )

    @Argument(help: ArgumentHelp("The file to write (0600).", valueName: "output.csv"), completion: .file())
    var output: String

    @Option(
        help: ArgumentHelp(
            "Export the customers of this CSV's customerId column (any CSV with one, e.g. a corrections file; "
                + "other columns are ignored).", valueName: "file"), completion: .file())
    var customers: String?

    @Flag(help: "Export every customer of the partner (GET /v1/customers, page by page).")
    var all = false

    @Option(
        help: ArgumentHelp(
            "The journal file (created 0600); the same path resumes a stopped export.", valueName: "file"),
        completion: .file())
    var journal: String?

    @Flag(help: "Write cells exactly, without the ' that keeps spreadsheets from reading them as formulas.")
    var raw = false

    @Flag(
        help: ArgumentHelp(
            "Write <clear> for the fields a customer has no value for, so that applying the export later also "
                + "removes what was added since: a snapshot to restore from."))
    var snapshot = false

    @Flag(help: "Leave out the UTF-8 byte-order mark that tells Excel the file is UTF-8.")
    var noBom = false

    @Flag(help: "Resume with the journal even though the --customers file changed since it was started.")
    var force = false

    @Option(help: ArgumentHelp("The --customers file's field separator: one character, or 'tab'.", valueName: "char"))
    var delimiter: String = ","

    @OptionGroup var report: ReportOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var run: RunOptions

    func validate() throws {
        guard (customers != nil) != all else {
            throw ValidationError("export needs one of --customers FILE (the customers to export) or --all.")
        }
        if report.failedRows != nil, customers == nil {
            throw ValidationError(
                "--failed-rows copies the rows of the --customers file that could not be exported; --all has no such "
                    + "file (the --report files list the customers that failed).")
        }
        _ = try InputFormatOptions.delimiterByte(delimiter)
    }

    func run() async throws {
        var command = BatchCommand(
            command: .export, input: customers ?? "", connection: connection, run: run, reports: report.reports,
            failedRows: report.failedRows)
        command.configure = { [output, journal, raw, snapshot, noBom, force, delimiter] configuration in
            configuration.export.output = output
            configuration.export.raw = raw
            configuration.export.snapshot = snapshot
            configuration.export.byteOrderMark = !noBom
            configuration.journalPath = journal
            configuration.force = force
            configuration.inputOptions.delimiter =
                (try? InputFormatOptions.delimiterByte(delimiter)) ?? UInt8(ascii: ",")
        }
        try await command.run()
    }
}
