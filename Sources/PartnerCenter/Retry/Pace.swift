import Foundation

/// The run's pace as a pure state machine: events in (a slot asked, an answer with the time its
/// request was sent), decisions out (go now, or wait this long). No clock and no sleeping inside:
/// every event carries the time, and ``AdaptiveRateLimiter`` only feeds it. Tested event by event.
///
/// Partner Center does not say its quota; a 429 only says that the partner's bucket was empty
/// when that request came. Two kinds of 429 look alike one by one:
/// - a **quota**: the throttles follow the pace (send slower and they stop);
/// - **throttles that do not follow the pace**: a share of all requests, whatever the rate (a
///   brownout, a busy front door).
///
/// So every lowering of the pace is a **trial**: the pace is lowered, and the answers to the
/// requests sent *after* the lowering decide (a sequential likelihood-ratio test, after Wald:
/// each answer moves the score towards "quota", a share of throttles as low as the baseline, or
/// "independent", the share seen before the lowering). When the throttles went on at about the
/// same share, they do not follow the pace: the pace goes back to where it was, and that share
/// becomes the **baseline**, which later ticks are judged against (only throttles clearly above
/// it count). So throttles that do not follow the pace never hold the run below what its
/// successes support, while a real quota is found and used. Throttles answered to requests sent
/// before the last lowering say nothing about the pace of the moment and are not counted.
///
/// | phase | event | what it does | next phase |
/// |---|---|---|---|
/// | open (no pace) | a slot asked in the run's first tick while `openingWindow` (16) more requests are out than answered | wait (each answer lets one more go); a call outside the window neither waits nor counts | open |
/// | open, no baseline | a second 429 among the last four answers (a lone one says nothing yet) | pace = `target` × the successes of the last second (a first guess, low: the rest of the opening burst is still in flight); a trial starts | ramping |
/// | ramping, no baseline, no trial | a 429 | at once: pace ÷ `rampUp`² (two steps back: a bucket can hide an overshoot for a tick or two); estimate = that; a trial starts | paced |
/// | any | a tick ends with more 429s than the baseline explains, no trial, and the pace held the run back in it (or it had 20 answers, or half of them throttled) | estimate = what Partner Center accepted in it (or the mean with the tick before, when higher); pace = `target` × estimate, never above the pace of the moment; a trial starts if that lowered it | paced (ramping when there was no pace) |
/// | any | a trial's answers say "independent", its pace at most `deepEnough` (0.6) × the pace before the lowerings in a row | pace, estimate and phase back to before them; the baseline counts the answers seen | as before |
/// | any | a trial's answers say "independent", its pace above that | a deeper trial: pace × 0.75 (a quota the pace is still over throttles on too) | same |
/// | any | a trial's answers say "quota" (or it ran `trialTicks` (3) ticks with the evidence leaning that way) | the lowering stands, watched for 3 ticks: 429s again at no higher pace and about the same share take it back | same |
/// | ramping, no trial | a tick ends without excess 429s, a request waited for its slot | pace × `rampUp` (1.25) | ramping |
/// | paced, no trial | a tick ends without excess 429s, a request waited for its slot | pace × `rampUp` up to `target` × estimate when under it (a trial went deeper); else estimate and pace × (1 + `probe`) (1 % a tick) | paced |
/// | any | a tick ends in which no request waited | nothing: the run, not the pace, is the limit | same |
///
/// `hardLimitPerMinute` (`--rate-limit`) caps the pace in every phase.
public struct Pace: Sendable {
    /// How the pace reacts; the defaults are documented on each field.
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
        /// have been answered. Default 16.
        public var openingWindow = 16
        /// The most ticks a trial lasts; then the evidence so far decides. Default 3.
        public var trialTicks = 3

        public init(hardLimitPerMinute: Double? = nil) {
            self.hardLimitPerMinute = hardLimitPerMinute
        }
    }

    /// One answer, as the pace counts it.
    public enum Answer: Sendable, Equatable {
        /// Any status but 429: the partner's quota let the request through.
        case accepted
        /// A 429.
        case throttled
        /// No answer (a dropped connection, a timeout): it only frees the opening window.
        case failed
    }

    /// What a request asking for its slot is told.
    public enum Decision: Sendable, Equatable {
        /// Send now; the slot is taken.
        case go
        /// Ask again after this long (the pace, or the opening window, holds it).
        case wait(Duration)
    }

    public enum Phase: Sendable, Equatable {
        case open, ramping, paced
    }

    /// A lowering under test: what it replaced, and the answers to the requests sent since.
    struct Trial: Sendable {
        var started: Duration
        var rateBefore: Double?
        var estimateBefore: Double?
        var phaseBefore: Phase
        /// The fresh answers, and the 429s among them, that led to the lowering: their share is
        /// what "independent" predicts.
        var before: (answers: Int, throttled: Int)
        /// With a prior of ``priorAnswers`` answers at 5 %: a share from a handful of answers (a
        /// 429 early in a tick) would predict far too much.
        var shareBefore: Double {
            (Double(before.throttled) + Pace.priorAnswers * 0.05) / (Double(before.answers) + Pace.priorAnswers)
        }
        /// The pace the lowering set.
        var pace: Double
        /// The log-likelihood ratio, "independent" over "quota", of the answers so far.
        var score = 0.0
        var accepted = 0
        var throttled = 0
        var ticks = 0
        /// When the 429 that led to the lowering was sent, for a lowering at once: the requests sent
        /// after it, at the old pace, answer first. A quota throttles most of them (its bucket is
        /// empty); throttles that do not follow the pace, few.
        var tailFrom: Duration?
        var tail = (answers: 0, throttled: 0)
    }

    /// One tick's counts.
    struct Tick: Sendable {
        var start: Duration
        /// Every answer the quota let through in the tick.
        var accepted = 0
        /// 429s to requests sent at the pace of the moment (after the last lowering).
        var throttled = 0
        /// Answers (either kind) to requests sent after the last lowering.
        var fresh = 0
        /// A request had to wait for its slot: the pace held the run back.
        var waited = false
    }

    public let configuration: Configuration
    public private(set) var phase = Phase.open
    /// The pace in requests per second; `nil` while there is none.
    public private(set) var rate: Double?
    /// Partner Center's estimated rate, in requests per second, once measured.
    public private(set) var estimate: Double?
    /// The share of requests throttled whatever the pace, once a trial found such throttles.
    public private(set) var baseline = 0.0
    /// Fresh answers, and the 429s among them, behind ``baseline``: the trials that took a
    /// lowering back, then every tick judged against it that the baseline explained.
    private var counted = (answers: 0, throttled: 0)
    /// Lowerings that a trial took back (the throttles did not follow the pace).
    public private(set) var lowerings = 0, takenBack = 0
    private(set) var trial: Trial?
    /// The pace, estimate and phase before the first of lowerings in a row (a trial saying
    /// "quota" and throttles again before its verdict's watch ended).
    private var series: (rate: Double?, estimate: Double?, phase: Phase)?
    /// The last trial that said "quota", while its verdict is watched.
    private var confirmed: (trial: Trial, ticksLeft: Int)?
    private var tick: Tick
    private var previousAccepted = 0
    /// When the pace was last lowered: a 429 to a request sent before says nothing about the pace now.
    private var loweredAt: Duration?
    private var lastSlot: Duration?
    private var firstSlot: Duration?
    /// Answers of the run's first ticks, for the first guess (open phase only).
    private var recentAccepted: [Duration] = []
    private var sent = 0
    private var answered = 0

    /// How often a request held by the pace asks again, so that a pace that changed applies at once.
    public static let recheck = Duration.milliseconds(50)
    /// How often a request held by the opening window asks again.
    public static let openingRecheck = Duration.milliseconds(2)
    /// The weight, in answers, of the prior a trial's "independent" share starts from.
    static let priorAnswers = 10.0
    /// A tick the pace did not hold back needs this many answers (or half of them throttled) for its
    /// 429s to lower the pace: with fewer, the run was asking little (rows waiting out retries),
    /// and what it got says nothing of Partner Center's rate.
    static let evidence = 20

    /// The scores at which a trial decides. Deciding "quota" wrongly costs more (a run held
    /// below what it could do) than deciding "independent" wrongly (one tick over the quota, then
    /// a new lowering and a new trial), so "quota" asks for more evidence.
    static let decideIndependent = 2.0
    static let decideQuota = -4.0
    /// The share of 429s "quota" predicts after a lowering when no baseline is known.
    static let quotaShare = 0.005

    public init(configuration: Configuration = Configuration(), at now: Duration = .zero) {
        self.configuration = configuration
        tick = Tick(start: now)
    }

    /// A request asks for its slot at `now`.
    /// - Parameter inOpeningWindow: `false` for a call the opening window neither holds nor counts
    ///   (pass the same to ``record(_:sentAt:at:inOpeningWindow:)`` for its answer).
    public mutating func ask(at now: Duration, inOpeningWindow: Bool = true) -> Decision {
        advance(to: now)
        if inOpeningWindow, phase == .open, let first = firstSlot, now - first < configuration.tick,
            sent >= answered + configuration.openingWindow
        {
            return .wait(Self.openingRecheck)
        }
        if let interval = slotInterval, let last = lastSlot, last + interval > now {
            tick.waited = true
            return .wait(min(last + interval - now, Self.recheck))
        }
        lastSlot = now
        if inOpeningWindow { sent += 1 }
        if firstSlot == nil { firstSlot = now }
        return .go
    }

    /// The answer to a request sent at `sentAt` (its ``ask(at:inOpeningWindow:)`` that said go)
    /// came at `now`.
    public mutating func record(_ answer: Answer, sentAt: Duration, at now: Duration, inOpeningWindow: Bool = true) {
        advance(to: now)
        if inOpeningWindow { answered += 1 }
        let fresh = loweredAt.map { sentAt >= $0 } ?? true
        if fresh, phase == .open, answer != .failed {
            lastAnswers.append(answer == .throttled)
            if lastAnswers.count > Self.denseAnswers { lastAnswers.removeFirst() }
        }
        if !fresh, answer != .failed { weighTail(throttled: answer == .throttled, sentAt: sentAt, at: now) }
        switch answer {
        case .failed:
            return
        case .accepted:
            tick.accepted += 1
            if phase == .open {
                recentAccepted.append(now)
                if recentAccepted.count > 4096 { recentAccepted.removeFirst(2048) }
            }
            guard fresh else { return }
            tick.fresh += 1
            weigh(throttled: false, at: now)
        case .throttled:
            guard fresh else { return }
            tick.fresh += 1
            tick.throttled += 1
            weigh(throttled: true, at: now)
            guard baseline == 0, trial == nil else { return }
            switch phase {
            case .open:
                // A quota's empty bucket throttles the requests that follow at once; a lone 429
                // among answers let through says nothing yet (the tick's end judges it).
                guard lastAnswers.filter({ $0 }).count >= 2 else { return }
                // Pace at what was accepted in the last second.
                let inLastSecond = recentAccepted.reversed().prefix { now - $0 <= .seconds(1) }.count
                recentAccepted = []
                lower(
                    to: max(configuration.minimumRate, configuration.target * Double(inLastSecond)), estimate: nil,
                    phase: .ramping, before: (inLastSecond + 1, 1), at: now, tailFrom: sentAt)
            case .ramping:
                // The ramp went over the quota: back under it now, not at the end of the tick.
                guard let current = rate else { return }
                if let confirmed, current <= confirmed.trial.pace, Self.canTakeBack(confirmed.trial) {
                    // Throttled again without the pace having grown: the verdict was wrong.
                    takeBack(confirmed.trial)
                    return
                }
                let held = max(configuration.minimumRate, current / (configuration.rampUp * configuration.rampUp))
                lower(
                    to: held, estimate: held, phase: .paced, before: (tick.fresh, tick.throttled), at: now,
                    tailFrom: sentAt)
            case .paced:
                break
            }
        }
    }

    /// The answer to a request of the tail (sent after the 429 that lowered the pace at once, and
    /// before the lowering): once four are in, a tail mostly let through says the throttles do not
    /// follow the pace, and the lowering is taken back without waiting for the slower evidence.
    private mutating func weighTail(throttled: Bool, sentAt: Duration, at now: Duration) {
        guard var trial, let from = trial.tailFrom, sentAt >= from, sentAt < trial.started else { return }
        trial.tail.answers += 1
        if throttled { trial.tail.throttled += 1 }
        self.trial = trial
        guard trial.tail.answers >= Self.tailAnswers else { return }
        if trial.tail.throttled * 4 <= trial.tail.answers {
            independent(trial, at: now)
        } else {
            self.trial?.tailFrom = nil
        }
    }

    /// The run's last answers while it has no pace (`true`: a 429): two 429s among them are the
    /// first sign of a quota.
    private var lastAnswers: [Bool] = []
    static let denseAnswers = 4

    /// The answers of a tail that decide it.
    static let tailAnswers = 4

    /// Whether a trial's lowering went deep enough to test anything: a quota the pace was only
    /// a little over (a bucket can hide a ramp's overshoot for a second or two) throttles on at
    /// about the same share after a small lowering.
    private static func canTakeBack(_ trial: Trial) -> Bool {
        trial.pace <= (trial.rateBefore ?? .infinity) * deepEnough
    }

    /// How far under the pace before the lowerings a trial's pace must be for "independent".
    static let deepEnough = 0.6
    /// How much deeper a trial goes when its 429s went on but it was not deep enough to say so.
    static let deeper = 0.75

    /// The trial's 429s went on at about the same share: taken back when it went deep enough;
    /// otherwise a deeper trial in the same series (the quota may still be under its pace).
    private mutating func independent(_ trial: Trial, at now: Duration) {
        guard Self.canTakeBack(trial) else {
            lower(
                to: max(configuration.minimumRate, trial.pace * Self.deeper), estimate: nil, phase: phase,
                before: (trial.accepted + trial.throttled, trial.throttled), at: now)
            return
        }
        takeBack(trial)
    }

    /// The trial said "quota": the lowering stands, watched for ``confirmTicks`` ticks.
    private mutating func confirm(_ trial: Trial) {
        self.trial = nil
        confirmed = (trial, Self.confirmTicks)
    }

    /// Ticks after a "quota" verdict in which throttles at no higher pace take the lowering back.
    static let confirmTicks = 3

    /// Moves the trial's score by one answer, and ends the trial when it is decided.
    private mutating func weigh(throttled: Bool, at now: Duration) {
        guard var trial else { return }
        // "Quota": the lowering cut the share of 429s to a quarter or less (to none, when it went
        // under the quota; a lowering too small still cuts it). "Independent": the share stayed.
        let quota = max(baseline, Self.quotaShare, trial.shareBefore / 8)
        let followsNot = max(trial.shareBefore, quota * 2)
        if throttled {
            trial.throttled += 1
            trial.score += log(followsNot / quota)
        } else {
            trial.accepted += 1
            trial.score += log((1 - followsNot) / (1 - quota))
        }
        self.trial = trial
        if trial.score >= Self.decideIndependent {
            independent(trial, at: now)
        } else if trial.score <= Self.decideQuota {
            confirm(trial)
        }
    }

    /// The throttles went on after the lowering at about the share they had: they do not follow
    /// the pace. Back to before, and their share is the baseline from now on.
    private mutating func takeBack(_ trial: Trial) {
        counted.answers += trial.before.answers + trial.accepted + trial.throttled + trial.tail.answers
        counted.throttled += trial.before.throttled + trial.throttled + trial.tail.throttled
        baseline = min(0.5, Double(counted.throttled) / Double(max(1, counted.answers)))
        rate = trial.rateBefore
        estimate = trial.estimateBefore
        phase = trial.phaseBefore
        takenBack += 1
        self.trial = nil
        confirmed = nil
        series = nil
    }

    private mutating func lower(
        to pace: Double, estimate: Double?, phase: Phase, before counts: (answers: Int, throttled: Int),
        at now: Duration,
        tailFrom: Duration? = nil
    ) {
        // A lowering after lowerings whose trials said "quota" is tested against the pace before
        // the first of them: each alone may be too small to get under a quota.
        let before = series ?? (rate: rate, estimate: self.estimate, phase: self.phase)
        series = before
        rate = pace
        if let estimate { self.estimate = estimate }
        self.phase = phase
        lowerings += 1
        loweredAt = now
        trial = Trial(
            started: now, rateBefore: before.rate, estimateBefore: before.estimate, phaseBefore: before.phase,
            before: counts, pace: pace, tailFrom: tailFrom)
    }

    /// 429s a tick may hold that the baseline explains (none without a baseline).
    private func tolerated(_ answers: Int) -> Double {
        guard baseline > 0 else { return 0 }
        let expected = baseline * Double(answers)
        return expected + 3 * expected.squareRoot() + 2
    }

    /// Closes the ticks that have ended by `now`.
    private mutating func advance(to now: Duration) {
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
    private mutating func close(_ ended: Tick) {
        if var trial {
            trial.ticks += 1
            self.trial = trial
            guard trial.ticks >= configuration.trialTicks else { return }
            // Out of time: the evidence so far decides.
            if trial.score > 0 { independent(trial, at: ended.start + configuration.tick) } else { confirm(trial) }
            return
        }
        let seconds = configuration.tick.inSeconds
        let measured = ended.waited || ended.fresh >= Self.evidence || ended.throttled * 2 >= ended.fresh
        let excess = measured && Double(ended.throttled) > tolerated(ended.fresh)
        if var watched = confirmed {
            let share = Double(ended.throttled) / Double(max(1, ended.fresh))
            if excess, (rate ?? .infinity) <= watched.trial.pace, share >= watched.trial.shareBefore / 2,
                Self.canTakeBack(watched.trial)
            {
                // Throttled again within ticks of the verdict, as often as before, without the pace
                // having grown: a quota throttles less below its rate (a lowering too small to
                // stop it still lowers the share). The verdict was wrong.
                takeBack(watched.trial)
                return
            }
            watched.ticksLeft -= 1
            confirmed = watched.ticksLeft > 0 ? watched : nil
            // Throttles stopped under the lowered pace: a quota, and the lowerings in a row end.
            if confirmed == nil, !excess { series = nil }
        }
        if excess {
            // More 429s than the baseline explains: what Partner Center accepted in this tick is
            // its rate (and the tick before it, when as busy, smooths a throttle early or late).
            let measured = Double(max(ended.accepted, (ended.accepted + previousAccepted) / 2)) / seconds
            let estimate = max(configuration.minimumRate, measured)
            let paced = max(configuration.minimumRate, min(rate ?? .infinity, estimate * configuration.target))
            // A first pace (the run had none) ramps up from there: a tick's successes before any pace
            // say what the run asked for, which may be well under what Partner Center takes.
            let next: Phase = phase == .open ? .ramping : .paced
            if paced < rate ?? .infinity {
                lower(
                    to: paced, estimate: next == .paced ? estimate : nil, phase: next,
                    before: (ended.fresh, ended.throttled), at: ended.start + configuration.tick)
            } else {
                self.estimate = estimate
                phase = next
            }
            return
        }
        if baseline > 0, !ended.waited {
            // Only from ticks the pace did not hold back: at a quota's pace, its own throttles
            // would creep in and raise the baseline that hides them.
            counted.answers += ended.fresh
            counted.throttled += ended.throttled
            baseline = min(0.5, Double(counted.throttled) / Double(max(1, counted.answers)))
        }
        // Grow only when the pace was what held the run back.
        guard ended.waited, let current = rate else { return }
        switch phase {
        case .ramping:
            rate = current * configuration.rampUp
        case .paced:
            if let estimate, current < estimate * configuration.target {
                // Under the quota's estimate (a trial went deeper than it): back up to it quickly.
                rate = min(estimate * configuration.target, current * configuration.rampUp)
                return
            }
            estimate = estimate.map { $0 * (1 + configuration.probe) }
            rate = current * (1 + configuration.probe)
        case .open:
            break
        }
    }

    /// The time between two slots at the pace of the moment, `nil` when nothing paces the run.
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
