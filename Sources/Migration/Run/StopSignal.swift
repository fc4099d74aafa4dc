import Synchronization

/// Why the run should stop taking rows: a signal, the deadline, an outage. Set from anywhere
/// (signal handlers, rows); the runner checks it before each new row. The first reason wins.
///
/// A stop lets the rows in flight finish (a write in doubt is read back); ``cancelInFlight()``
/// then cancels them too (their waits and requests end at once; their writes in doubt stay in
/// the journal, to be read back by the next run).
public final class StopSignal: Sendable {
    private let reason = Mutex<String?>(nil)
    private let cancellation = Mutex<(cancelled: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    /// Asks the run to stop; keeps the first reason given.
    public func stop(_ why: String) {
        reason.withLock { if $0 == nil { $0 = why } }
    }

    /// The reason, once one was given.
    public var stopReason: String? { reason.withLock { $0 } }

    /// Cancels the rows in flight (after ``stop(_:)``, once the grace period is over).
    public func cancelInFlight() {
        let waiters = cancellation.withLock { state in
            state.cancelled = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Runs `work`, cancelling it when ``cancelInFlight()`` is called.
    /// - Returns: what `work` returned, `nil` when it was cancelled.
    public func cancellable<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T? {
        await withTaskGroup(of: T?.self) { group in
            group.addTask { await work() }
            group.addTask {
                await self.inFlightCancelled()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Returns once ``cancelInFlight()`` is called, or the calling task is cancelled.
    func inFlightCancelled() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = cancellation.withLock { state in
                    if state.cancelled || Task.isCancelled { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiters = cancellation.withLock { state in
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Whether ``cancelInFlight()`` was called.
    var isInFlightCancelled: Bool { cancellation.withLock { $0.cancelled } }
}
