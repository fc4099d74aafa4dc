import Migration

/// The closing summary on stdout: a table of outcomes.
enum SummaryTable {
    static func render(_ report: MigrationRun.Report, command: Command, input: String, journal: String?)
        -> String
    {
        let summary = report.outcome.summary
        var lines = ["", "\(command.rawValue) \(input)" + (journal.map { " (journal \($0))" } ?? "")]
        if report.alreadyComplete {
            lines.append("  every row was done by an earlier run; nothing was read or sent. Counts of that run:")
        }
        let rows = RowResult.Outcome.allCases.compactMap { outcome -> (String, Int)? in
            let count = summary.count(outcome)
            return count > 0 ? (outcome.rawValue, count) : nil
        }
        let width = max(12, rows.map(\.0.count).max() ?? 0)
        lines.append("  " + "outcome".padding(width) + "  rows")
        for (name, count) in rows {
            lines.append("  " + Console.paint(name.padding(width), colour(name)) + String(count).leftPadding(6))
        }
        lines.append("  " + "total".padding(width) + String(summary.rows).leftPadding(6))
        if !report.outcome.earlier.isEmpty {
            let earlier = report.outcome.earlier.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
            lines.append("  recorded by an earlier run of the journal (nothing sent for them): \(earlier)")
        }
        return lines.joined(separator: "\n")
    }

    private static func colour(_ outcome: String) -> Console.Colour {
        guard let outcome = RowResult.Outcome(rawValue: outcome) else { return .dim }
        if outcome.isUnsuccessful { return .red }
        switch outcome {
        case .applied, .valid, .exported: return .green
        case .wouldChange: return .cyan
        default: return .dim
        }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    fileprivate func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
