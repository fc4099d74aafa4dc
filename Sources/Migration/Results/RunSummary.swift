/// Counts for a finished run: what the closing table shows and the exit code is drawn from.
public struct RunSummary: Sendable, Equatable {
    public let command: Command
    public private(set) var rows = 0
    /// Rows per outcome, by the outcome's position in ``RowResult/Outcome/allCases``.
    private var counts = Array(repeating: 0, count: RowResult.Outcome.allCases.count)
    /// Rows whose CSV was malformed: the file must be fixed before anything is applied.
    public private(set) var malformedRows = 0
    public private(set) var warnings = 0

    public init(command: Command) {
        self.command = command
    }

    /// Counts `result`.
    public mutating func add(_ result: RowResult) {
        rows += 1
        counts[result.outcome.index] += 1
        if result.errors.contains(where: \.code.isMalformedInput) { malformedRows += 1 }
        warnings += result.warnings.count
    }

    public func count(_ outcome: RowResult.Outcome) -> Int { counts[outcome.index] }

    /// Adds the counts a completed journal recorded (resuming a finished run sends nothing).
    public mutating func addEarlier(_ earlier: [String: Int]) {
        for (name, count) in earlier {
            guard let outcome = RowResult.Outcome(rawValue: name) else { continue }
            counts[outcome.index] += count
            rows += count
        }
    }

    /// Rows that did not succeed.
    public var unsuccessful: Int {
        RowResult.Outcome.allCases.filter(\.isUnsuccessful).reduce(0) { $0 + count($1) }
    }
}
