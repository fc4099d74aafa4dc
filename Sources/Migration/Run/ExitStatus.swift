import PartnerCenter

/// The exit codes of SPEC §7, and the one place every way a command ends is mapped to them.
public enum ExitStatus: Int32, Error, Sendable {
    /// Every row fine.
    case success = 0
    /// The run finished but some rows are invalid, failed or in conflict.
    case rowsFailed = 1
    /// Usage, configuration or input-file error: nothing was sent.
    case usage = 2
    /// Interrupted, aborted or locked: resumable.
    case interrupted = 3
    /// `plan --detailed-exitcode` with changes pending.
    case changesPending = 4

    /// The code for a command that ended with `error`: the file, the journal, the input or the
    /// options cannot be used (2), or the service or the process stopped it (3).
    public init(_ error: any Error) {
        switch error {
        case let status as ExitStatus: self = status
        case let refusal as RunRefusal: self = refusal.kind == .input ? .usage : .interrupted
        case is InputError, is FileError, is ConfigurationError: self = .usage
        default: self = .interrupted
        }
    }

    /// The code for a command that went through its rows: malformed CSV under `validate` is 2;
    /// a row invalid, failed or in conflict is 1; under `detailed`, changes pending are 4.
    public init(_ summary: RunSummary, detailed: Bool = false) {
        if summary.command == .validate, summary.malformedRows > 0 {
            self = .usage
        } else if summary.unsuccessful > 0 {
            self = .rowsFailed
        } else if detailed, summary.count(.wouldChange) > 0 {
            self = .changesPending
        } else {
            self = .success
        }
    }

    /// The code for `doctor`: 1 when a check failed.
    public init(_ checks: [Doctor.Check]) {
        self = checks.contains { $0.verdict == .fail } ? .rowsFailed : .success
    }

    /// The code for a `plan` or `apply` run.
    public init(_ end: RunEnd, detailed: Bool) {
        switch end {
        case .notStarted: self = .interrupted
        case .tooManyChanges: self = .usage
        case .ran(let report):
            self =
                report.outcome.stopReason != nil || !report.outputFailures.isEmpty
                ? .interrupted : ExitStatus(report.outcome.summary, detailed: detailed)
        }
    }
}
