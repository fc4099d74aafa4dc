/// Writes the JSON report of SPEC §9 as rows arrive, so memory stays flat:
/// `{"command": …, "input": …, "rows": [ … ], "summary": {"rows": N, "<outcome>": count, …}}`.
///
/// Each row: `line`, `customerId`, `companyName` (`null` when not known), `outcome`, `errors` and `warnings` (`field`, `code`,
/// `message`, and `pattern` when a served pattern refused the value), `changes` (`field`, `before`, `after`), `httpStatus`, `partnerCenterCode`,
/// `correlationId`. The file is created 0600 and appears only once complete.
public final class JSONReportWriter: RowSink {
    private let path: String
    private let command: Command
    private let input: String
    private var file: PrivateFile
    private var text = JSONText()
    private var rowCount = 0

    /// Starts the report at `path`.
    public init(path: String, command: Command, input: String) throws(FileError) {
        self.path = path
        self.command = command
        self.input = input
        file = try PrivateFile(path: path)
        writeOpening()
    }

    private func writeOpening() {
        text.raw("{\"command\":")
        text.string(command.rawValue)
        text.raw(",\"input\":")
        text.string(input)
        text.raw(",\"rows\":[")
    }

    /// Drops what was written and starts the file again.
    public func restart() throws(FileError) {
        file = try PrivateFile(path: path)
        text.reset()
        rowCount = 0
        writeOpening()
    }

    /// Appends one row.
    public func write(_ row: RowResult) throws(FileError) {
        text.raw(rowCount == 0 ? "\n" : ",\n")
        rowCount += 1
        text.raw("{\"line\":")
        text.number(row.line)
        text.raw(",\"customerId\":")
        text.string(row.customerId)
        text.raw(",\"companyName\":")
        text.string(row.companyName)
        text.raw(",\"outcome\":")
        text.string(row.outcome.rawValue)
        text.raw(",\"errors\":")
        issues(row.errors)
        text.raw(",\"warnings\":")
        issues(row.warnings)
        text.raw(",\"changes\":[")
        for (index, change) in row.changes.enumerated() {
            if index > 0 { text.raw(",") }
            text.raw("{\"field\":")
            text.string(change.field)
            text.raw(",\"before\":")
            text.string(change.before)
            text.raw(",\"after\":")
            text.string(change.after)
            text.raw("}")
        }
        text.raw("],\"httpStatus\":")
        if let status = row.httpStatus { text.number(status) } else { text.raw("null") }
        text.raw(",\"partnerCenterCode\":")
        text.string(row.partnerCenterCode)
        text.raw(",\"correlationId\":")
        text.string(row.correlationId)
        text.raw("}")
        if text.bytes.count >= 1 << 16 { try drain() }
    }

    /// Closes the rows, writes the summary and moves the report into place.
    public func finish(_ summary: RunSummary) throws(FileError) {
        text.raw("\n],\"summary\":{\"rows\":")
        text.number(summary.rows)
        for outcome in RowResult.Outcome.allCases where summary.count(outcome) > 0 {
            text.raw(",")
            text.string(outcome.rawValue)
            text.raw(":")
            text.number(summary.count(outcome))
        }
        text.raw(",\"malformedRows\":")
        text.number(summary.malformedRows)
        text.raw(",\"warnings\":")
        text.number(summary.warnings)
        text.raw("}}\n")
        try drain()
        try file.commit()
    }

    private func issues(_ issues: [RowIssue]) {
        text.raw("[")
        for (index, issue) in issues.enumerated() {
            if index > 0 { text.raw(",") }
            text.raw("{\"field\":")
            text.string(issue.field)
            text.raw(",\"code\":")
            text.string(issue.code.rawValue)
            text.raw(",\"message\":")
            text.string(issue.message)
            if let pattern = issue.pattern {
                text.raw(",\"pattern\":")
                text.string(pattern)
            }
            text.raw("}")
        }
        text.raw("]")
    }

    private func drain() throws(FileError) {
        try file.write(bytes: text.bytes)
        text.reset()
    }
}
