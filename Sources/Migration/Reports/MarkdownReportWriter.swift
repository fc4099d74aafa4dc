import AddressRules
import Foundation

/// `--report x.md`: a report to paste into a change ticket: the counts, then a before/after table
/// of the rows that change (or would), then the rows that need attention with what to do. Rows
/// that need nothing (valid, unchanged) are counted, not listed. The tables are spooled until the
/// counts are known; written 0600, and only once complete.
public final class MarkdownReportWriter: RowSink {
    private let file: PrivateFile
    private let command: Command
    private let input: String
    private let changes = Spool()
    private let attention = Spool()
    private var changeRows = 0
    private var attentionRows = 0

    /// Creates the report's file now, so that a path that cannot be written fails before the run.
    public init(path: String, command: Command, input: String) throws(FileError) {
        file = try PrivateFile(path: path)
        self.command = command
        self.input = input
    }

    public func restart() {
        changes.reset()
        attention.reset()
        changeRows = 0
        attentionRows = 0
    }

    public func write(_ row: RowResult) throws {
        let guid = Self.cell(row.customerId.isEmpty ? "-" : row.customerId)
        let customer = row.companyName.map { "\(Self.cell($0))<br>`\(guid)`" } ?? guid
        if [.wouldChange, .applied].contains(row.outcome) {
            changeRows += 1
            for (index, change) in row.changes.enumerated() {
                let lead = index == 0 ? "| \(row.line) | \(customer) | \(row.outcome.rawValue) |" : "| | | |"
                try changes.append(
                    "\(lead) \(change.field) | \(Self.cell(change.before)) | \(Self.cell(change.after)) |\n")
            }
        }
        let issues = row.errors + row.warnings.filter { $0.code != .doneEarlier }
        guard row.outcome.isUnsuccessful || !issues.isEmpty else { return }
        attentionRows += 1
        for (index, issue) in issues.enumerated() {
            let lead = index == 0 ? "| \(row.line) | \(customer) | \(row.outcome.rawValue) |" : "| | | |"
            try attention.append(
                "\(lead) \(Self.cell(issue.field ?? "")) | \(issue.code.rawValue) | \(Self.cell(issue.message)) |\n")
        }
    }

    public func finish(_ summary: RunSummary) throws {
        var head = "# billing-migrate \(command.rawValue): \(Self.cell(input))\n\n"
        head += "Generated \(ISO8601DateFormatter().string(from: Date())).\n\n"
        head += "| outcome | rows |\n|:--|--:|\n"
        for outcome in RowResult.Outcome.allCases where summary.count(outcome) > 0 {
            head += "| \(outcome.rawValue) | \(summary.count(outcome)) |\n"
        }
        head += "| **total** | **\(summary.rows)** |\n"
        if summary.malformedRows > 0 {
            head += "\n**\(summary.malformedRows) row(s) are not well-formed CSV: fix the file before applying.**\n"
        }
        try file.write(head)
        let changeTitle = command == .apply ? "Changes applied" : "Changes"
        try section(
            "\(changeTitle) (\(Self.rows(changeRows)))",
            header: "| line | customer | outcome | field | before | after |\n|--:|:--|:--|:--|:--|:--|\n", changes,
            into: file)
        try section(
            "Needs attention (\(Self.rows(attentionRows)))",
            header: "| line | customer | outcome | field | code | what to do |\n|--:|:--|:--|:--|:--|:--|\n",
            attention, into: file)
        try file.commit()
    }

    private func section(_ title: String, header: String, _ spool: Spool, into file: PrivateFile) throws {
        try file.write("\n## \(title)\n\n")
        guard !spool.isEmpty else {
            try file.write("None.\n")
            return
        }
        try file.write(header)
        try spool.drain { try file.write(bytes: $0) }
    }

    private static func rows(_ count: Int) -> String { count == 1 ? "1 row" : "\(count) rows" }

    /// A table cell: Markdown's and HTML's special characters escaped, line breaks as `<br>`, and
    /// an absent value as *(none)*.
    static func cell(_ value: String?) -> String {
        guard let value else { return "*(none)*" }
        if value.isEmpty { return "*(empty)*" }
        var text = ""
        let visible = value.split(separator: "\n", omittingEmptySubsequences: false)
            .map { VisibleText.escaped(String($0)) }.joined(separator: "\n")
        for character in visible {
            switch character {
            case "\\", "`", "*", "_", "|", "[", "]", "#": text += "\\\(character)"
            case "<": text += "&lt;"
            case ">": text += "&gt;"
            case "&": text += "&amp;"
            case "\n", "\r\n", "\r": text += "<br>"
            default: text.append(character)
            }
        }
        return text
    }
}
