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
