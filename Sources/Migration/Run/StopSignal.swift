import Synchronization

/// Why the run should stop taking rows: a signal, the deadline, an outage. Set from anywhere
/// (signal handlers, rows); the runner checks it before each new row. The first reason wins.
public final class StopSignal: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Asks the run to stop; keeps the first reason given.
    public func stop(_ why: String) {
        reason.withLock { if $0 == nil { $0 = why } }
    }

    /// The reason, once one was given.
    public var stopReason: String? { reason.withLock { $0 } }
}

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
