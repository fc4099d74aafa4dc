/// The run's shared pace: every request to Partner Center takes a slot here first.
///
/// Unlimited until Partner Center first throttles. A 429 then sets the rate to `decrease` × the
/// rate Partner Center has been accepting (the successes of the last second; under a quota, the
/// quota), once per `cooldown` however many in-flight requests were throttled together, and only
/// rarely when the rate is already below the one that drew the last decrease (such throttles do
/// not depend on the rate); the throttled request itself waits
/// its `Retry-After` before it is retried. The rate grows back by `increase` per second and by
/// `increasePerSuccess` per accepted request,
/// so the run settles just under the server's quota instead of bouncing off it, and throttles that
/// do not depend on the rate (a server throttling a share of all requests) cannot talk it down
/// to a crawl. `--rate-limit` caps it all.
///
/// A 429 does not pause every other request for its `Retry-After`: under a quota that refills
/// continuously, that idles the run for a second each time and costs more of the quota than
/// the throttles it saves.
public actor AdaptiveRateLimiter {
    /// How the limiter reacts; the defaults are documented on each field.
    public struct Configuration: Sendable, Equatable {
        /// A hard ceiling in requests per minute (`--rate-limit`); `nil` for none. Default `nil`.
        public var hardLimitPerMinute: Double?
        /// The factor applied to the rate on a throttle. Default 0.85.
        public var decrease: Double = 0.85
        /// Growth per second of success, as a fraction of the rate. Default 0.02 (2 % a second).
        public var increase: Double = 0.02
        /// Growth per accepted request, as a fraction of the rate. Default 0.001.
        public var increasePerSuccess: Double = 0.001
        /// The rate never drops below this, in requests per second. Default 0.2.
        public var minimumRate: Double = 0.2
        /// Throttles closer together than this count as one. Default 1 s.
        public var cooldown: Duration = .seconds(1)
        /// Throttles that arrive while the rate is already below 95 % of the rate that drew the
        /// last decrease do not depend on the rate (a server failing a share of all requests), and
        /// only every this many of them lowers it further. Default 10.
        public var throttlesBelowLastDecrease = 10

        public init(hardLimitPerMinute: Double? = nil) {
            self.hardLimitPerMinute = hardLimitPerMinute
        }
    }

    private let configuration: Configuration
    private let clock: any RunClock
    /// The adaptive rate in requests per second; `nil` until the first throttle.
    public private(set) var rate: Double?
    private var nextSlot: Duration = .zero
    private var lastDecrease: Duration?
    private var lastIncrease: Duration = .zero
    private var recent: [Duration] = []
    private var accepted: [Duration] = []
    private var throttledAt: Double?
    private var ignoredThrottles = 0

    public init(configuration: Configuration = Configuration(), clock: any RunClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    /// Waits for this request's slot.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire() async throws {
        let now = clock.now()
        var start = now
        if let interval = slotInterval {
            start = max(start, nextSlot)
            nextSlot = start + interval
        }
        recent.append(start)
        if recent.count > 64 { recent.removeFirst(recent.count - 64) }
        if start > now { try await clock.sleep(for: start - now) }
    }

    /// A 429: slow the whole run down.
    public func recordThrottle() {
        let now = clock.now()
        if let lastDecrease, now - lastDecrease < configuration.cooldown { return }
        let sent = rate ?? observedRate(now: now)
        if let throttledAt, sent < throttledAt * 0.95 {
            ignoredThrottles += 1
            if ignoredThrottles < configuration.throttlesBelowLastDecrease { return }
        }
        ignoredThrottles = 0
        throttledAt = sent
        lastDecrease = now
        lastIncrease = now
        let base = acceptedRate(now: now).map { min($0, sent) } ?? sent
        rate = max(configuration.minimumRate, base * configuration.decrease)
    }

    /// A success: let the rate grow back.
    public func recordSuccess() {
        let now = clock.now()
        accepted.append(now)
        if accepted.count > 8192 { accepted.removeFirst(4096) }
        guard let current = rate else { return }
        let elapsed = Double((now - lastIncrease).nanoseconds) / 1e9
        lastIncrease = now
        rate = current * (1 + configuration.increase * max(0, elapsed)) * (1 + configuration.increasePerSuccess)
    }

    private var slotInterval: Duration? {
        let hard = configuration.hardLimitPerMinute.map { $0 / 60 }
        let effective: Double? =
            switch (rate, hard) {
            case (let rate?, let hard?): min(rate, hard)
            case (let rate?, nil): rate
            case (nil, let hard?): hard
            case (nil, nil): nil
            }
        return effective.map { .nanoseconds(Int64(1e9 / $0)) }
    }

    /// Successes in the last second: what the server has been accepting. Counted over a whole
    /// second even when the run is younger, so that a first burst (a server's saved-up quota)
    /// does not pass for its steady rate. `nil` before any success.
    private func acceptedRate(now: Duration) -> Double? {
        let inWindow = accepted.reversed().prefix { now - $0 <= .seconds(1) }.count
        return inWindow > 0 ? Double(inWindow) : nil
    }

    /// Requests per second over the recent slots, the rate the server was seeing.
    private func observedRate(now: Duration) -> Double {
        guard let first = recent.first, recent.count > 1 else { return 1 }
        let span = Double((now - first).nanoseconds) / 1e9
        return span > 0 ? Double(recent.count) / span : Double(recent.count)
    }
}
