import Synchronization

/// Why the run should stop taking rows: a signal, the deadline, an outage. Set from anywhere
/// (signal handlers, rows); the runner checks it before each new row. The first reason wins.
///
/// A stop lets the rows in flight finish (a write in doubt is read back); ``cancelInFlight()``
/// then cancels them too (their waits and requests end at once; their writes in doubt stay in
/// the journal, to be read back by the next run).
public final class StopSignal: Sendable {
    /// The first reason given, and what else a stop does (run once, with the first stop).
    private let reason = Mutex<(why: StopReason?, actions: [@Sendable () -> Void])>((nil, []))
    private struct Cancellation {
        var cancelled = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let cancellation = Mutex(Cancellation())

    public init() {}

    /// Asks the run to stop; keeps the first reason given, and runs the ``whenStopped(_:)`` actions
    /// with the first.
    public func stop(_ why: StopReason) {
        let actions = reason.withLock { state -> [@Sendable () -> Void] in
            guard state.why == nil else { return [] }
            state.why = why
            defer { state.actions = [] }
            return state.actions
        }
        for action in actions { action() }
    }

    /// What else must end when the run stops taking rows (the client's retries:
    /// ``PartnerCenter/PartnerCenterClient/stopRetrying()``): run with the first stop, or at once
    /// when the run has already stopped.
    public func whenStopped(_ action: @escaping @Sendable () -> Void) {
        let stopped = reason.withLock { state in
            if state.why == nil { state.actions.append(action) }
            return state.why != nil
        }
        if stopped { action() }
    }

    /// The reason, once one was given.
    public var stopReason: StopReason? { reason.withLock { $0.why } }

    /// Cancels the rows in flight (after ``stop(_:)``, once the grace period is over).
    public func cancelInFlight() {
        let waiters = cancellation.withLock { state in
            state.cancelled = true
            defer { state.waiters = [:] }
            return state.waiters.values
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

    /// Returns once ``cancelInFlight()`` is called, or the calling task is cancelled. A cancelled
    /// task's wait ends alone: every other waiter still waits for ``cancelInFlight()``.
    func inFlightCancelled() async {
        let id = cancellation.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = cancellation.withLock { state in
                    if state.cancelled || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            cancellation.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Waits registered for ``cancelInFlight()`` (for tests: a waiter is in place).
    var waiting: Int { cancellation.withLock { $0.waiters.count } }

    /// Whether ``cancelInFlight()`` was called.
    var isInFlightCancelled: Bool { cancellation.withLock { $0.cancelled } }
}
