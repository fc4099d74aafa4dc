/// The run's shared pace: every request to Partner Center takes a slot here first.
///
/// It finds Partner Center's quota instead of bouncing off it. Partner Center does not say its
/// quota; a 429 only says that the partner's bucket is empty. So the limiter counts, second by
/// second ("ticks"), the answers: in a tick with a throttle, the bucket was empty, and what
/// Partner Center accepted in it is its rate (the estimate). The run is then paced just under it, and probes upward slowly while no throttle comes.
///
/// | state | event | what it does | next state |
/// |---|---|---|---|
/// | open, in the run's first second | a request while `openingWindow` (16) more have been sent than answered | it waits for an answer (each lets one more go), at most until that second is over: a high concurrency does not open with a burst into the quota's bucket. A call outside the window (the country rules, which the first rows wait for) neither waits nor counts | open |
/// | open (no pace) | a 429 | pace at the successes of the last second (a first guess, low: the rest of the opening burst is still in flight) | ramping, settling |
/// | ramping, settling | the first tick after the first 429 ends | pace at least at the successes answered in it (the opening burst's); throttles in it are the opening burst's | ramping |
/// | ramping | a tick without a 429 in which a request waited for its slot | pace × `rampUp` (1.25) | ramping |
/// | ramping, after settling | a 429 | at once, not at the end of the tick: pace ÷ `rampUp`² (two steps back: the quota's bucket can hide an overshoot for a tick or two) | paced |
/// | ramping or paced | a tick with a 429 | estimate = what Partner Center accepted in it (per second; or the mean of it and the tick before, when higher); pace = `target` (0.95) × estimate, never above the pace of the moment | paced |
/// | paced | a tick without a 429 in which a request waited for its slot | estimate × (1 + `probe`), pace likewise (1 % a second) | paced |
/// | ramping or paced | a tick without a 429 in which no request waited for a slot | nothing: the run, not the pace, is the limit | same |
/// | paced | a tick with a 429 after 4 lowerings in a row (fewer than 5 throttle-free ticks between them) that took the pace to 85 % of their highest estimate or less, in which Partner Center let through at least 85 % of the pace (a quota throttling at the pace never does both) | when a request waited for its slot, pace × `rampUp`: lowering the pace did not stop the throttles, so they do not depend on the rate (a server failing a share of all requests; the throttled requests are retried) | paced |
///
/// A 429 does not pause every other request for its `Retry-After`; the throttled request itself
/// waits it out (``RetryPolicy``). `--rate-limit` caps the pace in every state.
public actor AdaptiveRateLimiter {
    /// How the limiter reacts; the defaults are documented on each field.
    public struct Configuration: Sendable, Equatable {
        /// A hard ceiling in requests per minute (`--rate-limit`); `nil` for none. Default `nil`.
        public var hardLimitPerMinute: Double?
        /// The share of the estimated quota the run is paced at. Default 0.95.
        public var target: Double = 0.95
        /// Growth of the estimate per throttle-free tick once paced. Default 0.01.
        public var probe: Double = 0.01
        /// Growth of the pace per throttle-free tick before the quota is first measured. Default 1.25.
        public var rampUp: Double = 1.25
        /// The pace never drops below this, in requests per second. Default 0.2.
        public var minimumRate: Double = 0.2
        /// The length of a tick. Default 1 s.
        public var tick: Duration = .seconds(1)
        /// In the run's first tick, before a throttle: how many more requests may be out than
        /// have been answered. Default 16 (a run of `--concurrency 16` is not held; the preflight
        /// and the country rules are outside the window).
        public var openingWindow = 16

        public init(hardLimitPerMinute: Double? = nil) {
            self.hardLimitPerMinute = hardLimitPerMinute
        }
    }

    private enum State {
        case open, ramping, paced
    }

    /// One tick's counts.
    private struct Tick {
        var start: Duration
        var accepted = 0
        var throttled = 0
        /// A request had to wait for its slot: the pace held the run back.
        var waited = false
        /// The first tick after the first throttle: the opening burst's answers still arrive in it.
        var settling = false
    }

    private let configuration: Configuration
    private let clock: any RunClock
    private var state = State.open
    /// The pace in requests per second; `nil` until the first throttle.
    public private(set) var rate: Double?
    /// Partner Center's estimated rate, in requests per second, once measured.
    public private(set) var estimate: Double?
    /// When the last slot was given.
    private var lastSlot: Duration?
    private var tick: Tick
    /// Requests accepted in the tick before the current one.
    private var previousAccepted = 0
    /// Throttled ticks in a row that lowered the pace.
    private var loweredInARow = 0
    /// Throttle-free ticks in a row since then.
    private var cleanTicks = 0
    /// The highest estimate since the lowerings in a row began: throttles count as independent
    /// of the rate only once lowering has taken the pace well under it.
    private var seriesPeak: Double?
    /// Lowerings in a row (with fewer than ``cleanTicksToForget`` throttle-free ticks between
    /// them) after which throttles count as independent of the rate.
    static let loweringsBeforeIgnoring = 4
    /// Throttle-free ticks in a row after which earlier lowerings are forgotten.
    static let cleanTicksToForget = 5
    private var accepted: [Duration] = []
    /// Requests given a slot, and answers recorded (either kind), for the opening window.
    private var sent = 0
    private var answered = 0
    /// When the first slot was given.
    private var firstSlot: Duration?

    public init(configuration: Configuration = Configuration(), clock: any RunClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
        tick = Tick(start: clock.now())
    }

    /// Waits for this request's slot: one pace interval after the last slot given, at the pace of
    /// the moment. A waiter looks again at least every `recheck`, so that a pace that changed
    /// while it waited (up or down) applies to it at once; no slot is booked ahead.
    /// - Parameter inOpeningWindow: `false` for a call the opening window neither holds nor counts
    ///   (pass the same to ``recordSuccess(inOpeningWindow:)`` and ``recordThrottle(inOpeningWindow:)``
    ///   for its answer).
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    public func acquire(inOpeningWindow: Bool = true) async throws {
        while true {
            let now = clock.now()
            advance(to: now)
            if inOpeningWindow, state == .open, let first = firstSlot, now - first < configuration.tick,
                sent >= answered + configuration.openingWindow
            {
                try await clock.sleep(for: Self.openingRecheck)
                continue
            }
            if let interval = slotInterval {
                let slot = lastSlot.map { $0 + interval } ?? now
                if slot > now {
                    tick.waited = true
                    try await clock.sleep(for: min(slot - now, Self.recheck))
                    continue
                }
                lastSlot = now
            }
            if inOpeningWindow { sent += 1 }
            if firstSlot == nil { firstSlot = now }
            return
        }
    }

    /// How often a waiting request looks at the pace again.
    static let recheck = Duration.milliseconds(50)
    /// How often a request held by the opening window looks for answers.
    static let openingRecheck = Duration.milliseconds(2)

    /// A 429: the partner's bucket is empty.
    public func recordThrottle(inOpeningWindow: Bool = true) {
        let now = clock.now()
        advance(to: now)
        if inOpeningWindow { answered += 1 }
        tick.throttled += 1
        if state == .ramping, !tick.settling, let current = rate {
            // The ramp went over the quota: back under it now, not at the end of the tick (every
            // request until then would be throttled too), to the pace of two steps back (the
            // quota's bucket can hide an overshoot for a tick or two).
            let held = max(configuration.minimumRate, current / (configuration.rampUp * configuration.rampUp))
            estimate = held
            rate = held
            state = .paced
            seriesPeak = held
            return
        }
        guard state == .open else { return }
        let inLastSecond = accepted.reversed().prefix { now - $0 <= .seconds(1) }.count
        rate = max(configuration.minimumRate, Double(inLastSecond))
        state = .ramping
        tick = Tick(start: now, settling: true)
    }

    /// An answer the quota let through (any status but 429).
    public func recordSuccess(inOpeningWindow: Bool = true) {
        let now = clock.now()
        advance(to: now)
        if inOpeningWindow { answered += 1 }
        tick.accepted += 1
        if state == .open {
            accepted.append(now)
            if accepted.count > 4096 { accepted.removeFirst(2048) }
        }
    }

    /// Closes the ticks that have ended by `now`.
    private func advance(to now: Duration) {
        while now - tick.start >= configuration.tick {
            close(tick)
            previousAccepted = tick.accepted
            tick = Tick(start: tick.start + configuration.tick)
            if now - tick.start >= configuration.tick * 2 {
                // Idle for more than a tick: nothing to learn from the empty ones.
                previousAccepted = 0
                tick = Tick(start: now)
            }
        }
    }

    /// Judges a tick that has ended.
    private func close(_ ended: Tick) {
        guard state != .open, let current = rate else { return }
        let seconds = configuration.tick.inSeconds
        if ended.settling {
            // The opening burst's successes, answered in this tick, are a better first guess.
            rate = max(current, Double(ended.accepted) / seconds)
            return
        }
        // Lowering the pace tick after tick has not stopped the throttles, and Partner Center
        // accepts about the pace: the throttles do not depend on the rate (a server failing a
        // share of all requests), and the tick counts as one without them.
        let independent =
            loweredInARow >= Self.loweringsBeforeIgnoring
            && Double(ended.accepted) >= current * seconds * 0.85 - 1
            && current <= (seriesPeak ?? .infinity) * 0.85
        // Once so, they stay so while Partner Center keeps accepting about the pace.
        if independent { seriesPeak = nil }
        if ended.throttled > 0, !independent {
            loweredInARow += 1
            cleanTicks = 0
            // The bucket ran dry in this tick: what it accepted is its rate (and the tick before
            // it, when that was as busy, smooths a throttle that came early or late in the tick).
            let measured = Double(max(ended.accepted, (ended.accepted + previousAccepted) / 2)) / seconds
            let estimate = max(configuration.minimumRate, measured)
            self.estimate = estimate
            seriesPeak = max(seriesPeak ?? 0, estimate)
            rate = max(configuration.minimumRate, min(current, estimate * configuration.target))
            state = .paced
            return
        }
        if ended.throttled == 0 {
            cleanTicks += 1
            if cleanTicks >= Self.cleanTicksToForget {
                loweredInARow = 0
                seriesPeak = nil
            }
        } else {
            cleanTicks = 0
        }
        // Grow only when the pace was what held the run back.
        guard ended.waited else { return }
        if independent {
            // Back towards what the run asks for, which the throttles do not limit.
            rate = current * configuration.rampUp
            return
        }
        switch state {
        case .ramping:
            rate = current * configuration.rampUp
        case .paced:
            estimate = estimate.map { $0 * (1 + configuration.probe) }
            rate = current * (1 + configuration.probe)
        case .open:
            break
        }
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
}
