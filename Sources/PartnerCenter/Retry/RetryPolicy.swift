import Foundation

/// When to retry a call, and how long to wait: exponential backoff with full jitter, with
/// `Retry-After` as a floor. Pure arithmetic; sleeping is the caller's (through a ``RunClock``).
///
/// The ceiling after attempt `n` is `min(cap, base × 2^(n−1))`; with the defaults:
///
/// | after attempt | 1 | 2 | 3 | 4 | 5 | 6 | 7+ |
/// |---|---|---|---|---|---|---|---|
/// | ceiling (s) | 0.5 | 1 | 2 | 4 | 8 | 16 | 30 |
///
/// The wait is a uniform draw in `[0, ceiling]` ("full jitter"), raised to `Retry-After` when
/// Partner Center asks for longer. Which statuses are retried is ``PartnerCenterError/isRetryable(status:)``.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per logical call, the first included. Default 6 (`--max-attempts`).
    public var maxAttempts: Int = 6
    /// The first ceiling. Default 0.5 s.
    public var base: Duration = .milliseconds(500)
    /// The largest ceiling. Default 30 s.
    public var cap: Duration = .seconds(30)
    /// The longest `Retry-After` the client waits out; a longer one stops the run (resumable)
    /// instead of sleeping through it. Default 120 s.
    public var longestRetryAfter: Duration = .seconds(120)

    public init(maxAttempts: Int = 6, base: Duration = .milliseconds(500), cap: Duration = .seconds(30)) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.cap = cap
    }

    /// The longest wait after attempt `attempt` (1-based).
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let doublings = min(max(attempt - 1, 0), 30)
        let ceiling = base * (1 << doublings)
        return min(ceiling, cap)
    }

    /// The wait after attempt `attempt`: `jitter` (in `0...1`) of the ceiling, at least `retryAfter`.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration?, jitter: Double) -> Duration {
        let drawn = ceiling(afterAttempt: attempt) * min(max(jitter, 0), 1)
        return max(drawn, retryAfter ?? .zero)
    }
}

/// Reads a `Retry-After` value: delay-seconds, or an HTTP date (RFC 9110).
public enum RetryAfter {
    /// The wait the header asks for, `nil` when absent or unreadable; a date in the past is zero.
    public static func parse(_ value: String?, now: Date) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return seconds >= 0 ? .seconds(seconds) : nil }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                let seconds = date.timeIntervalSince(now)
                return seconds > 0 ? .milliseconds(Int64(seconds * 1000)) : .zero
            }
        }
        return nil
    }
}
