import Foundation

/// What a journal says (`billing-migrate status`): the run it belongs to, rows per outcome, writes
/// in doubt, what is left. Reading it changes nothing.
public struct JournalStatus: Sendable, CustomStringConvertible {
    public let path: String
    /// The run's header; `nil` for a journal no run has started with.
    public let header: JournalEntry.Header?
    /// Rows per outcome, each row's latest.
    public let outcomes: [RowResult.Outcome: Int]
    /// Writes with no recorded answer: read back on resume.
    public let inDoubt: Int
    /// Whether a run finished every row.
    public let isComplete: Bool
    /// When the journal was last written, ISO 8601.
    public let lastWritten: String
    /// `export`: the customers whose rows it records.
    public let exported: Int
    /// What the reader passed over: entries cut short by a failed write (``Journal/Replay/tornLinesWarning``).
    public let repaired: String?

    /// Reads the journal at `path`.
    /// - Throws: ``RunRefusal`` (`.input`) when it cannot be read as a journal.
    public init(path: String) throws(RunRefusal) {
        let replay = try Journal.read(path: path)
        self.path = path
        header = replay.header
        var outcomes: [RowResult.Outcome: Int] = [:]
        for outcome in replay.outcomes.values { outcomes[outcome.outcome, default: 0] += 1 }
        self.outcomes = outcomes
        inDoubt = replay.pendingIntents.count
        exported = replay.exported.count
        isComplete = replay.complete != nil
        repaired = replay.tornLinesWarning
        lastWritten =
            (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
            .map { ISO8601DateFormatter().string(from: $0) } ?? "unknown"
    }

    /// Rows no run has finished yet.
    public var left: Int { max(0, (header?.rows ?? 0) - outcomes.values.reduce(0, +)) }

    public var description: String {
        guard let header else { return "\(path): empty journal; no run has started with it." }
        if header.command == Command.export.rawValue {
            return [
                "journal  \(path)",
                "export   \(header.input)",
                "started  \(header.started) by billing-migrate \(header.toolVersion)",
                "last     \(lastWritten)",
                "exported \(exported) customers recorded",
                "state    run the same export again with this journal: it writes these rows from the journal and "
                    + "reads only the customers still to do",
            ].joined(separator: "\n")
        }
        var lines = [
            "journal  \(path)",
            "input    \(header.input) (SHA-256 \(header.inputSHA256.prefix(16))…, \(header.rows) rows)",
            "started  \(header.started) by billing-migrate \(header.toolVersion)",
            "last     \(lastWritten)",
            "outcomes",
        ]
        for (outcome, count) in outcomes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            lines.append("  \(outcome.rawValue): \(count)")
        }
        lines.append("in doubt \(inDoubt) (a write with no recorded answer; read back on resume)")
        lines.append("left     \(left) of \(header.rows) rows")
        lines.append("state    \(isComplete ? "complete" : "not finished: run apply again with this journal")")
        if let repaired { lines.append("repaired \(repaired)") }
        return lines.joined(separator: "\n")
    }
}
