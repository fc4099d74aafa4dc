import Synchronization

/// Live counts for the progress line, updated as rows finish.
public final class RunProgress: Sendable {
    private struct Counts {
        var done = 0
        var failures = 0
    }

    private let counts = Mutex(Counts())
    /// Rows in the input.
    public let total: Int

    public init(total: Int) {
        self.total = total
    }

    func record(_ outcome: RowResult.Outcome) {
        counts.withLock { counts in
            counts.done += 1
            if [.invalid, .failed, .conflict].contains(outcome) { counts.failures += 1 }
        }
    }

    /// Rows finished so far, and how many of them did not succeed.
    public var snapshot: (done: Int, failures: Int) { counts.withLock { ($0.done, $0.failures) } }
}
