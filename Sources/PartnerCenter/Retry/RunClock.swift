import Foundation

/// Time for the client: a monotonic reading for pacing and backoff, wall time for HTTP dates and
/// token expiry, and sleeping. Tests inject a manual clock so that retries take no real time.
public protocol RunClock: Sendable {
    /// Time elapsed since a fixed, arbitrary start; never goes back.
    func now() -> Duration
    /// The current date and time.
    func date() -> Date
    /// Suspends for `duration`.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemClock: RunClock {
    private let start = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - start }
    public func date() -> Date { Date() }
    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return }
        try await Task.sleep(for: duration)
    }
}
