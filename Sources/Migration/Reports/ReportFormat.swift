/// The report formats `--report` knows, chosen by the file's extension.
public enum ReportFormat: String, Sendable, CaseIterable {
    case json, csv, markdown, html

    /// The format for `path`'s extension (`.json`, `.csv`, `.md` or `.markdown`, `.html` or `.htm`,
    /// any case); `nil` for any other.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "json": self = .json
        case "csv": self = .csv
        case "md", "markdown": self = .markdown
        case "html", "htm": self = .html
        default: return nil
        }
    }

    /// The extensions, for messages.
    public static let extensions = ".json, .csv, .md, .html"

    /// A writer of this format at `path`.
    public func writer(path: String, command: Command, input: String) throws(FileError) -> any RowSink {
        switch self {
        case .json: try JSONReportWriter(path: path, command: command, input: input)
        case .csv: try CSVReportWriter(path: path, command: command)
        case .markdown: try MarkdownReportWriter(path: path, command: command, input: input)
        case .html: try HTMLReportWriter(path: path, command: command, input: input)
        }
    }

    /// The writers for `reports` (by extension, JSON for an unknown one) and the failed-rows file.
    /// `input` names the run's input in reports; `csv` is the corrections file the failed rows are
    /// copied from.
    public static func writers(
        reports: [String], failedRows: String?, command: Command, input: String, csv: String,
        options: InputFile.Options
    ) throws(FileError) -> [any RowSink] {
        var sinks: [any RowSink] = try reports.map { path throws(FileError) -> any RowSink in
            try (ReportFormat(path: path) ?? .json).writer(path: path, command: command, input: input)
        }
        if let failedRows { sinks.append(try FailedRowsWriter(path: failedRows, input: csv, options: options)) }
        return sinks
    }
}
