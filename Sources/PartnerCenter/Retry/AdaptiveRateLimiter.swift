/// The run's shared pace: every request to Partner Center takes a slot here first.
///
/// Unlimited until Partner Center first throttles. A 429 then sets the rate to `decrease` × the
/// rate that drew it (once per `cooldown`, however many in-flight requests were throttled
/// together); the throttled request itself waits its `Retry-After` before it is retried. The rate
/// grows back by `increase` per second elapsed and by `increasePerSuccess` per accepted request,
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
        /// Growth per accepted request, as a fraction of the rate. Default 0.005.
        public var increasePerSuccess: Double = 0.005
        /// The rate never drops below this, in requests per second. Default 0.2.
        public var minimumRate: Double = 0.2
        /// Throttles closer together than this count as one. Default 1 s.
        public var cooldown: Duration = .seconds(1)

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
        lastDecrease = now
        lastIncrease = now
        let current = rate ?? observedRate(now: now)
        rate = max(configuration.minimumRate, current * configuration.decrease)
    }

    /// A success: let the rate grow back.
    public func recordSuccess() {
        guard let current = rate else { return }
        let now = clock.now()
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

    /// Requests per second over the recent slots, the rate the server was seeing.
    private func observedRate(now: Duration) -> Double {
        guard let first = recent.first, recent.count > 1 else { return 1 }
        let span = Double((now - first).nanoseconds) / 1e9
        return span > 0 ? Double(recent.count) / span : Double(recent.count)
    }
}
