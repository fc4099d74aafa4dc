import ArgumentParser
import Logging
import Migration

/// `billing-migrate validate`: the offline check of a corrections file.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a corrections file offline: CSV structure, columns, and address rules. Sends nothing.",
        discussion: """
            Checks each row's own fields: customerId format, country code, state, postal code format and its \
            agreement with the state, required fields being cleared, and lengths, against the tool's offline \
            table only. Rules that need the customer's current profile, and Partner Center's own rules for each \
            country (which decide where they differ from the offline table), wait for `plan`.

            Example:
              billing-migrate validate samples/corrections-valid.csv --report validation.json

            Exit codes: 0 every row valid; 1 some rows invalid; 2 the file cannot be used as it is (unreadable, bad \
            header, malformed CSV).
            """
    )

    @OptionGroup var input: InputOptions
    @OptionGroup var report: ReportOptions

    @Flag(name: .shortAndLong, help: "Print only the closing summary, not each problem.")
    var quiet = false

    @Option(help: LogFormat.help)
    var logFormat: LogFormat = .text

    func run() throws {
        Console.use(logFormat)
        let options = try input.fileOptions()
        var files = CommandFiles()
        files.reads("the corrections file", input.input, once: true)
        for path in report.reports { files.writes("--report", path) }
        files.writes("--failed-rows", report.failedRows)
        try files.checkDistinct()
        let writers = try ReportFormat.writers(
            reports: report.reports, failedRows: report.failedRows, command: .validate, input: input.input,
            csv: input.input, options: options)
        let sink = SinkGroup([ListingSink(quiet: quiet)] + writers)
        let summary = try OfflineValidation.run(path: input.input, options: options, sink: sink)
        print(RowListing.closing(summary, input: input.input))
        if !quiet {
            Console.message(
                "note: validate checks the tool's offline rules only; plan and apply judge each address by "
                    + "Partner Center's own rules for its country, which decide where the two differ.", level: .info)
        }
        let status = ExitStatus(summary)
        if status != .success { throw status }
    }
}
