import Synchronization

/// Live counts for the progress line, updated as rows finish.
public final class RunProgress: Sendable {
    private struct Counts {
        var total = 0
        var done = 0
        var failures = 0
    }

    private let counts = Mutex(Counts())

    /// Progress of a run whose row count is not known yet (``start(total:)`` sets it).
    public init() {}

    public init(total: Int) {
        counts.withLock { $0.total = total }
    }

    /// Rows in the input.
    public var total: Int { counts.withLock { $0.total } }

    /// Sets the row count, once the input is surveyed.
    func start(total: Int) {
        counts.withLock { $0.total = total }
    }

    func record(_ outcome: RowResult.Outcome) {
        counts.withLock { counts in
            counts.done += 1
            if outcome.isUnsuccessful { counts.failures += 1 }
        }
    }

    /// Rows finished so far, and how many of them did not succeed.
    public var snapshot: (done: Int, failures: Int) { counts.withLock { ($0.done, $0.failures) } }
}
