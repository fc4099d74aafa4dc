import PartnerCenter

/// Why a run stopped before every row was done (exit 3, resumable). The first reason given wins
/// (``StopSignal``); the text is what the operator reads after `stopped:`.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// SIGINT, SIGTERM or SIGHUP, by name.
    case signal(String)
    /// `--deadline` was reached.
    case deadline(Duration)
    /// Partner Center kept failing: the retry budget was spent, or it asked for a wait longer
    /// than allowed. The summary of the call that stopped the run.
    case outage(String)
    /// Sign-in failed, or Partner Center refused access on rows one after another.
    case accessRefused(String)
    /// Partner Center refuses the writes' ETag however fresh it is (`--etag-in`).
    case etagRefused(String)
    /// The journal could not be written.
    case journal(String)
    /// The row's task was cancelled (the run is ending).
    case cancelled

    public var description: String {
        switch self {
        case .signal(let name): "interrupted by \(name)"
        case .deadline(let limit): "the --deadline of \(limit.secondsText)s was reached"
        case .outage(let detail), .accessRefused(let detail), .etagRefused(let detail), .journal(let detail): detail
        case .cancelled: "cancelled"
        }
    }

    /// Why `error` stops the run, whatever row it came to: a spent retry budget or a wait longer
    /// than allowed, refused sign-in, cancellation. `nil` for an error of the row's own.
    public init?(_ error: PartnerCenterError) {
        switch error.kind {
        case .retryBudgetExhausted, .waitTooLong: self = .outage(error.summary)
        case .authentication: self = .accessRefused(error.summary)
        case .cancelled: self = .cancelled
        default: return nil
        }
    }
}
