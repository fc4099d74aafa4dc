import Synchronization

/// Why the run should stop taking rows: a signal, the deadline, an outage. Set from anywhere
/// (signal handlers, rows); the runner checks it before each new row. The first reason wins.
///
/// A stop lets the rows in flight finish (a write in doubt is read back); ``cancelInFlight()``
/// then cancels them too (their waits and requests end at once; their writes in doubt stay in
/// the journal, to be read back by the next run).
public final class StopSignal: Sendable {
    private let reason = Mutex<String?>(nil)
    private struct Cancellation {
        var cancelled = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let cancellation = Mutex(Cancellation())

    /// What the first stop also does (the client's retries end with it).
    private let onStop: @Sendable () -> Void

    /// - Parameter onStop: called once, with the first stop: what else must end when the run
    ///   stops taking rows (``PartnerCenter/PartnerCenterClient/stopRetrying()``: no retry starts).
    public init(onStop: @escaping @Sendable () -> Void = {}) {
        self.onStop = onStop
    }

    /// Asks the run to stop; keeps the first reason given.
    public func stop(_ why: String) {
        let first = reason.withLock { reason in
            guard reason == nil else { return false }
            reason = why
            return true
        }
        if first { onStop() }
    }

    /// The reason, once one was given.
    public var stopReason: String? { reason.withLock { $0 } }

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

    /// Whether ``cancelInFlight()`` was called.
    var isInFlightCancelled: Bool { cancellation.withLock { $0.cancelled } }
}
