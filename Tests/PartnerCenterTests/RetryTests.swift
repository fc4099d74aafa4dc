import Foundation
import PartnerCenter
import Testing

@Suite("Retry policy, budget and pacing")
struct RetryTests {
    @Test(
        "backoff ceilings follow the documented table",
        arguments: [
            (1, 500), (2, 1000), (3, 2000), (4, 4000), (5, 8000), (6, 16000), (7, 30000), (40, 30000),
        ])
    func ceilings(attempt: Int, milliseconds: Int) {
        #expect(RetryPolicy().ceiling(afterAttempt: attempt) == .milliseconds(milliseconds))
    }

    @Test("full jitter draws within the ceiling, and Retry-After is a floor")
    func jitter() {
        let policy = RetryPolicy()
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 0) == .zero)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 0.5) == .seconds(1))
        #expect(policy.delay(afterAttempt: 3, retryAfter: .seconds(57), jitter: 0.5) == .seconds(57))
        #expect(policy.delay(afterAttempt: 7, retryAfter: .seconds(1), jitter: 1) == .seconds(30))
    }

    @Test("retryable statuses are 408, 429 and 500, 502, 503, 504 only")
    func retryable() {
        let retryable = (400...599).filter(RetryPolicy.isRetryable)
        #expect(retryable == [408, 429, 500, 502, 503, 504])
    }

    @Test("Retry-After reads delay-seconds and HTTP dates")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.parse("57", now: now) == .seconds(57))
        #expect(RetryAfter.parse(" 0 ", now: now) == .zero)
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:14:20 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.parse("Mon, 13 Nov 2023 00:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
    }

    @Test("the retry budget runs dry after capacity / cost retries and refills on success")
    func budget() {
        let budget = RetryBudget(capacity: 20, retryCost: 5, refund: 1)
        #expect((0..<4).allSatisfy { _ in budget.withdrawRetry() })
        #expect(!budget.withdrawRetry())
        for _ in 0..<5 { budget.recordSuccess() }
        #expect(budget.withdrawRetry())
        #expect(budget.remaining == 0)
    }

    @Test("the limiter is free until a throttle, then paces and grows back")
    func limiter() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        for _ in 0..<10 {
            try await limiter.acquire()
            clock.advance(by: .milliseconds(100))
        }
        #expect(clock.sleeps.isEmpty)
        await limiter.recordThrottle()
        let throttled = try #require(await limiter.rate)
        #expect(throttled > 7 && throttled < 10)
        await limiter.recordThrottle()
        #expect(await limiter.rate == throttled)
        try await limiter.acquire()
        try await limiter.acquire()
        let gap = Double(try #require(clock.sleeps.last).nanosecondsValue) / 1e9
        #expect(abs(gap - 1 / throttled) < 0.001)
        clock.advance(by: .seconds(10))
        await limiter.recordSuccess()
        #expect(try #require(await limiter.rate) > throttled * 1.15)
    }

    @Test("a hard rate limit paces from the first request")
    func hardLimit() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(configuration: .init(hardLimitPerMinute: 120), clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)])
    }
}
