import AddressRules

/// The listing people read on stdout: one line per problem, naming the line, the customer, the
/// field, what is wrong and what would be accepted; then a closing summary.
public enum RowListing {
    /// The lines for `row`: nothing for a clean row.
    public static func lines(for row: RowResult) -> [String] {
        let issues = row.errors.map { ("error", $0) } + row.warnings.map { ("warning", $0) }
        return issues.map { kind, issue in
            VisibleText.escaped(
                "line \(row.line): \(kind) [\(issue.code.rawValue)] customer \(customer(row))"
                    + (issue.field.map { ", \($0)" } ?? "") + ": \(issue.message)")
        }
    }

    /// The change line of a row that changes (or would): `line 3: applied customer …: city 'A' -> 'B', …`.
    public static func changes(for row: RowResult) -> [String] {
        guard [.wouldChange, .applied].contains(row.outcome), !row.changes.isEmpty else { return [] }
        let fields = row.changes.map { change in
            "\(change.field) \(quoted(change.before)) -> \(quoted(change.after))"
        }
        return [
            VisibleText.escaped(
                "line \(row.line): \(row.outcome.rawValue) customer \(customer(row)): \(fields.joined(separator: ", "))"
            )
        ]
    }

    /// The customer's GUID, then its company name in parentheses when known.
    static func customer(_ row: RowResult) -> String {
        (row.customerId.isEmpty ? "-" : row.customerId) + (row.companyName.map { " (\($0))" } ?? "")
    }

    private static func quoted(_ value: String?) -> String {
        value.map { "'\($0)'" } ?? "(none)"
    }

    /// The closing summary for `summary` of the file at `input`.
    public static func closing(_ summary: RunSummary, input: String) -> String {
        if summary.rows == 0 { return "\(input): no data rows; nothing to check." }
        var parts = RowResult.Outcome.allCases.compactMap { outcome -> String? in
            let count = summary.count(outcome)
            return count > 0 ? "\(count) \(outcome.rawValue)" : nil
        }
        if summary.warnings > 0 { parts.append("\(summary.warnings) warning\(summary.warnings == 1 ? "" : "s")") }
        var text = "\(input): \(summary.rows) row\(summary.rows == 1 ? "" : "s"): \(parts.joined(separator: ", "))."
        if summary.malformedRows > 0 {
            text +=
                " \(summary.malformedRows) row\(summary.malformedRows == 1 ? " is" : "s are") not well-formed "
                + "CSV: fix the file before anything can be applied from it."
        }
        return text
    }
}
