import ArgumentParser
import Migration

/// The corrections file and how to read it (`validate`).
struct InputOptions: ParsableArguments {
    @Argument(help: InputFormatOptions.inputHelp, completion: .file())
    var input: String

    @OptionGroup var format: InputFormatOptions

    func fileOptions() throws -> InputFile.Options { try format.fileOptions() }
}

/// How to read the corrections file, shared by every command that reads one.
struct InputFormatOptions: ParsableArguments {
    static let inputHelp = ArgumentHelp(
        "The corrections file: a CSV with a customerId column and the address fields to change.")

    @Option(
        help: ArgumentHelp(
            "The field separator: a single character, or 'tab'.", valueName: "char"))
    var delimiter: String = ","

    @Flag(help: "Skip columns the tool does not know instead of refusing the file.")
    var ignoreUnknownColumns = false

    /// The reading options these flags describe.
    func fileOptions() throws -> InputFile.Options {
        var options = InputFile.Options()
        options.ignoreUnknownColumns = ignoreUnknownColumns
        options.delimiter = try Self.delimiterByte(delimiter)
        return options
    }

    static func delimiterByte(_ text: String) throws -> UInt8 {
        switch text.lowercased() {
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        default:
            guard text.utf8.count == 1, let byte = text.utf8.first, byte != UInt8(ascii: "\""), byte != 10, byte != 13
            else {
                throw ValidationError("--delimiter takes one ASCII character such as ';' or 'tab', not '\(text)'.")
            }
            return byte
        }
    }
}

/// `--report FILE`, repeatable; the format comes from the extension.
struct ReportOptions: ParsableArguments {
    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write a report; the format comes from the extension: .json, .csv (for Excel), .md (for a change "
                + "ticket), .html (one page to review). Repeatable.", valueName: "file"), completion: .file())
    var reports: [String] = []

    @Option(
        help: ArgumentHelp(
            "Write the rows that did not succeed (invalid, failed, conflict) here, with the input's header, to fix "
                + "and run again.", valueName: "file"), completion: .file())
    var failedRows: String?

    func validate() throws {
        for path in reports where ReportFormat(path: path) == nil {
            throw ValidationError(
                "--report \(path): the report format comes from the extension; use one of \(ReportFormat.extensions).")
        }
    }
}
