/// `--report x.csv`: one line per input row for a spreadsheet. UTF-8 with a byte-order mark (so
/// Excel reads it as UTF-8), CRLF, every cell neutralized against formula injection. Columns:
/// line, customerId, companyName, outcome, errorCodes, errors, warnings, changedFields, before, after,
/// httpStatus, partnerCenterCode, correlationId; `before` and `after` hold one `field: value` line
/// per changed field (`before` is empty for `validate`, which reads no profile). Written 0600 as
/// rows arrive; appears only once complete.
public final class CSVReportWriter: RowSink {
    static let columns = [
        "line", "customerId", "companyName", "outcome", "errorCodes", "errors", "warnings", "changedFields", "before",
        "after",
        "httpStatus", "partnerCenterCode", "correlationId",
    ]

    private let path: String
    /// `validate` knows no before-values: its `before` cells stay empty.
    private let knowsBefore: Bool
    private var file: PrivateFile

    public init(path: String, command: Command) throws(FileError) {
        self.path = path
        knowsBefore = command.readsProfiles
        file = try PrivateFile(path: path)
        try writeHeader()
    }

    public func restart() throws(FileError) {
        file = try PrivateFile(path: path)
        try writeHeader()
    }

    public func write(_ row: RowResult) throws(FileError) {
        let codes: [String] = (row.errors + row.warnings).map(\.code.rawValue)
        let before: [String] = knowsBefore ? row.changes.map { "\($0.field): \($0.before ?? "(none)")" } : []
        let after: [String] = row.changes.map { "\($0.field): \($0.after ?? "(none)")" }
        let status: String = row.httpStatus.map { String($0) } ?? ""
        let cells: [String] = [
            String(row.line), row.customerId, row.companyName ?? "", row.outcome.rawValue, codes.joined(separator: " "),
            row.errors.map(Self.describe).joined(separator: "\n"),
            row.warnings.map(Self.describe).joined(separator: "\n"),
            row.changes.map(\.field).joined(separator: " "), before.joined(separator: "\n"),
            after.joined(separator: "\n"), status, row.partnerCenterCode ?? "", row.correlationId ?? "",
        ]
        try file.write(CSVText.line(cells.map(CSVText.neutralized)))
    }

    public func finish(_ summary: RunSummary) throws(FileError) {
        try file.commit()
    }

    private func writeHeader() throws(FileError) {
        try file.write("\u{FEFF}" + CSVText.line(Self.columns))
    }

    private static func describe(_ issue: RowIssue) -> String {
        (issue.field.map { "\($0): " } ?? "") + issue.message
    }
}
