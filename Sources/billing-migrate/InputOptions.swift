import ArgumentParser
import CSVReading
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

    @Option(
        help: ArgumentHelp(
            "The file's encoding: utf-8 (the default; a byte order mark is fine), utf-16 (Excel's \"Unicode Text\", "
                + "found by its byte order mark anyway), windows-1252 (Excel's \"CSV (Comma delimited)\" on a "
                + "Western-European Windows) or iso-8859-1.", valueName: "name"))
    var encoding: TextEncoding?

    /// The reading options these flags describe.
    func fileOptions() throws -> InputFile.Options {
        var options = InputFile.Options()
        options.ignoreUnknownColumns = ignoreUnknownColumns
        options.encoding = encoding
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

extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "utf-16", "utf16", "unicode": self = .utf16
        case "windows-1252", "cp1252", "1252": self = .windows1252
        case "iso-8859-1", "latin-1", "latin1": self = .latin1
        default: return nil
        }
    }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
