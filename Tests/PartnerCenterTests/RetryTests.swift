import Foundation
import PartnerCenter
import PartnerCenterSimulator
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

    @Test("one status policy: every status 400-599 and the codes that matter mean one thing everywhere")
    func statusPolicy() {
        typealias Meaning = PartnerCenterError.Meaning
        func expected(_ status: Int, _ code: String?) -> Meaning {
            if [408, 429, 500, 502, 503, 504].contains(status) { return .transient }
            if status == 401 { return .accessRefused }
            if status == 403 { return code == "20002" ? .customerRefused : .accessRefused }
            if status == 409 || status == 412 || (status == 400 && code == "2055") { return .conflict }
            return .final
        }
        for status in 400...599 {
            for code in [nil, "20002", "2055", "900421", "60003"] {
                let meaning = PartnerCenterError.meaning(status: status, code: code)
                #expect(meaning == expected(status, code), "\(status) \(code ?? "-")")
                #expect(PartnerCenterError.isRetryable(status: status) == (expected(status, nil) == .transient))
                let transient = PartnerCenterError.isTransientFailure(status: status, code: code)
                #expect(transient == [.transient, .accessRefused].contains(meaning), "\(status) \(code ?? "-")")
                let error = PartnerCenterError(kind: .http, status: status, code: code)
                #expect(error.isConflict == (meaning == .conflict))
                #expect(error.refusesAccess == (meaning == .accessRefused))
            }
        }
        #expect(PartnerCenterError.isTransientFailure(status: nil, code: nil), "no answer: done again")
        #expect(PartnerCenterError(kind: .transport(ambiguous: true)).meaning == nil)
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
        budget.recordSuccess(afterRetry: true)
        #expect(budget.remaining == 5, "a retry that worked pays its whole cost back")
    }

    @Test("a brownout whose retries succeed never spends the budget: 18 % of calls retried over 10,000 calls")
    func budgetUnderBrownout() {
        let budget = RetryBudget()
        var random = SeededGenerator(seed: 7)
        for _ in 0..<10_000 {
            var attempt = 1
            while random.unit() < 0.18 {
                #expect(budget.withdrawRetry(), "spent after a brownout's retries")
                attempt += 1
            }
            budget.recordSuccess(afterRetry: attempt > 1)
        }
        #expect(budget.remaining == budget.capacity)
    }

    /// Drives `limiter` for `seconds` ticks against a token bucket of `quota` requests a second
    /// holding `burst` tokens (one second's by default), `demand` requests offered per 10 ms step;
    /// the accepted and throttled counts.
    private static func drive(
        _ limiter: AdaptiveRateLimiter, _ clock: ManualClock, quota: Double, burst: Double? = nil, seconds: Int,
        demand: Int = 1
    ) async throws -> (accepted: Int, throttled: Int) {
        let capacity = burst ?? quota
        var tokens = capacity
        var last = clock.now()
        var accepted = 0
        var throttled = 0
        let end = clock.now() + .seconds(seconds)
        while clock.now() < end {
            for _ in 0..<demand {
                try await limiter.acquire()
                let now = clock.now()
                tokens = min(capacity, tokens + (now - last).inSeconds * quota)
                last = now
                if tokens >= 1 {
                    tokens -= 1
                    accepted += 1
                    await limiter.record(.accepted)
                } else {
                    throttled += 1
                    await limiter.record(.throttled)
                }
            }
            clock.advance(by: .milliseconds(10))
        }
        return (accepted, throttled)
    }

    @Test("the limiter is free until a throttle, then finds the quota: paced just under it, few throttles")
    func limiterFindsQuota() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        for _ in 0..<10 { try await limiter.acquire() }
        #expect(clock.sleeps.isEmpty, "no pace before the first throttle")
        // 300 requests offered a second against a quota of 20 a second, for a minute.
        let (accepted, throttled) = try await Self.drive(limiter, clock, quota: 20, seconds: 60, demand: 3)
        let rate = try #require(await limiter.rate)
        #expect(rate > 17 && rate < 21.5, "paced just under the quota: \(rate)")
        #expect(Double(accepted) >= 0.9 * 20 * 60, "at least 90 % of the quota used: \(accepted)")
        #expect(Double(throttled) < 0.05 * Double(accepted + throttled), "under 5 % throttled: \(throttled)")
        // The quota doubles: the pace probes up to it.
        let (more, _) = try await Self.drive(limiter, clock, quota: 40, seconds: 120, demand: 3)
        #expect(Double(more) > 0.8 * 40 * 120, "\(more)")
    }

    @Test("a bucket of half a second's quota: the ramp's overshoot is taken back at once, and the quota is used")
    func limiterSmallBurst() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        let (accepted, throttled) = try await Self.drive(limiter, clock, quota: 20, burst: 10, seconds: 60, demand: 3)
        #expect(Double(accepted) >= 0.9 * 20 * 60, "at least 90 % of the quota used: \(accepted)")
        #expect(Double(throttled) < 0.05 * Double(accepted + throttled), "under 5 % throttled: \(throttled)")
        let rate = try #require(await limiter.rate)
        #expect(rate > 17 && rate < 21.5, "paced just under the quota: \(rate)")
    }

    @Test(
        "the opening window: before answers come, 16 requests leave; each answer lets one more go; after the first second none is held"
    )
    func openingWindow() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        for _ in 0..<16 { try await limiter.acquire() }
        #expect(clock.now() == .zero, "the first 16 leave at once")
        await limiter.record(.accepted)
        try await limiter.acquire()
        #expect(clock.now() == .zero, "an answer lets one more go at once")
        try await limiter.acquire()
        #expect(clock.now() >= .seconds(1), "no answer: held until the first second is over")
        #expect(clock.now() < .milliseconds(1010))
        let held = clock.now()
        for _ in 0..<50 { try await limiter.acquire() }
        #expect(clock.now() == held, "after the first second, no window")
    }

    @Test(
        "calls outside the opening window (the country rules the first rows wait for) neither wait for it nor count in it"
    )
    func outsideOpeningWindow() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        for _ in 0..<16 { try await limiter.acquire() }
        for _ in 0..<12 { try await limiter.acquire(inOpeningWindow: false) }
        #expect(clock.now() == .zero, "the window is full, yet the rules calls leave at once")
        for _ in 0..<12 { await limiter.record(.accepted, inOpeningWindow: false) }
        try await limiter.acquire()
        #expect(clock.now() >= .seconds(1), "their answers let no row's call go: held until the first second is over")
    }

    @Test("a throttle while the pace ramps up takes it two steps back at once, not at the end of the tick")
    func rampOvershootTakenBack() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        for _ in 0..<10 {
            try await limiter.acquire()
            await limiter.record(.accepted)
        }
        // Two 429s in a row: a quota's empty bucket (one alone among answers let through is not).
        await limiter.record(.throttled)
        #expect(await limiter.rate == nil, "a lone 429 sets no pace")
        await limiter.record(.throttled)
        #expect(await limiter.rate != nil)
        // Requests wait for their slots, none throttled: the trial says "quota", then the pace
        // ramps up tick after tick.
        for _ in 0..<60 {
            try await limiter.acquire()
            await limiter.record(.accepted)
        }
        let ramped = try #require(await limiter.rate)
        #expect(ramped > 12, "ramped up from the first guess of 10: \(ramped)")
        await limiter.record(.throttled)
        let after = try #require(await limiter.rate)
        #expect(after < ramped * 0.7, "\(ramped) -> \(after)")
    }

    @Test("throttles that do not depend on the rate are learned as a baseline, and the run is not paced for them")
    func rateIndependentThrottles() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(clock: clock)
        for second in 0..<60 {
            for request in 0..<50 {
                try await limiter.acquire()
                // Every tenth request throttled, whatever the pace.
                if request % 10 == 9 { await limiter.record(.throttled) } else { await limiter.record(.accepted) }
                if second == 0 { clock.advance(by: .milliseconds(20)) }
            }
            if second > 0 { clock.advance(by: .milliseconds(10)) }
        }
        let rate = await limiter.rate ?? .infinity
        #expect(rate > 40, "not talked down to a crawl: \(rate)")
        let baseline = await limiter.baseline
        #expect(baseline > 0.05 && baseline < 0.15, "\(baseline)")
    }

    @Test("a hard rate limit paces from the first request")
    func hardLimit() async throws {
        let clock = ManualClock()
        let limiter = AdaptiveRateLimiter(configuration: .init(hardLimitPerMinute: 120), clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(clock.now() == .seconds(1), "two slots of 0.5 s after the first: \(clock.sleeps)")
    }
}
