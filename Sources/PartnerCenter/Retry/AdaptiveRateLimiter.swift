/// The run's shared pace: every request to Partner Center takes a slot here first.
///
/// It only carries events to ``Pace`` (the state machine that decides, documented there) and
/// sleeps when told to: a slot asked, an answer with the time its request was sent.
/// A 429 does not pause every other request for its `Retry-After`; the throttled request itself
/// waits it out (``RetryPolicy``). `--rate-limit` caps the pace in every state.
public actor AdaptiveRateLimiter {
    public typealias Configuration = Pace.Configuration

    private var pace: Pace
    private let clock: any RunClock

    public init(configuration: Configuration = Configuration(), clock: any RunClock = SystemClock()) {
        self.clock = clock
        pace = Pace(configuration: configuration, at: clock.now())
    }

    /// The pace in requests per second; `nil` while there is none.
    public var rate: Double? { pace.rate }
    /// The share of requests Partner Center throttles whatever the pace, once one was found.
    public var baseline: Double { pace.baseline }

    /// Waits for this request's slot; returns the time it was given, to pass back with the answer.
    /// A waiter asks again at least every ``Pace/recheck``, so that a pace that changed while it
    /// waited (up or down) applies to it at once; no slot is booked ahead.
    /// - Parameter inOpeningWindow: `false` for a call the opening window neither holds nor counts.
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    @discardableResult
    public func acquire(inOpeningWindow: Bool = true) async throws -> Duration {
        while true {
            let now = clock.now()
            switch pace.ask(at: now, inOpeningWindow: inOpeningWindow) {
            case .go: return now
            case .wait(let wait): try await clock.sleep(for: wait)
            }
        }
    }

    /// The answer to the request given its slot at `sentAt` (what ``acquire(inOpeningWindow:)``
    /// returned); `nil` for a request sent now.
    public func record(_ answer: Pace.Answer, sentAt: Duration? = nil, inOpeningWindow: Bool = true) {
        let now = clock.now()
        pace.record(answer, sentAt: sentAt ?? now, at: now, inOpeningWindow: inOpeningWindow)
    }
}
