import PartnerCenter
import PartnerCenterSimulator

/// A run of `rows` rows (a GET then a PUT each) by `concurrency` workers against a model of
/// Partner Center, in virtual time: every event (a slot asked, a request answered, a retry due)
/// is taken from a queue in time order and fed to a ``Pace``. Nothing sleeps; a run of minutes
/// takes milliseconds, and the same seed gives the same run.
struct PaceWorld {
    /// What the service does with a request.
    enum Service {
        /// A token bucket of `perSecond` holding `burst` requests (one second's by default),
        /// answering 429 with a whole-second Retry-After rounded up (at least 1) when empty.
        case quota(perSecond: Double, burst: Double? = nil)
        /// Faults that do not follow the pace: shares of all requests answered 429 (Retry-After
        /// 1 s), 5xx, or dropped.
        case faults(throttle: Double, serverError: Double, drop: Double)
        /// A quota, and 5xx and dropped connections on top.
        case quotaWithFaults(perSecond: Double, serverError: Double, drop: Double)
    }

    struct Result {
        var seconds: Double
        var accepted = 0
        var throttled = 0
        var failedRows = 0
        var pace: Pace

        var throttledShare: Double { Double(throttled) / Double(max(1, accepted + throttled)) }
    }

    var service: Service
    var rows = 300
    var concurrency = 8
    var latency: Duration = .milliseconds(20)
    var seed: UInt64 = 1
    /// `false` for a run with no pace at all, to compare with.
    var paced = true

    private enum Event {
        case ask(worker: Int)
        case answer(worker: Int, sentAt: Duration, status: Int, retryAfter: Int?)
    }

    private struct Worker {
        var callsLeft = 0
        var attempt = 1
    }

    /// The run, and the same run (same faults, same seed) with no pace at all.
    func runBesideNoPace() -> (paced: Result, free: Result) {
        var free = self
        free.paced = false
        return (run(), free.run())
    }

    func run() -> Result {
        var random = SeededGenerator(seed: seed)
        var pace = Pace()
        let policy = RetryPolicy()
        var queue = EventQueue<Event>()
        var workers = [Worker](repeating: Worker(), count: concurrency)
        var rowsLeft = rows
        var result = Result(seconds: 0, pace: pace)
        var tokens = 0.0
        var refilled = Duration.zero
        var (perSecond, burst): (Double?, Double) = (nil, 0)
        switch service {
        case .quota(let rate, let size): (perSecond, burst) = (rate, size ?? rate)
        case .quotaWithFaults(let rate, _, _): (perSecond, burst) = (rate, rate)
        case .faults: break
        }
        tokens = burst
        for worker in workers.indices where rowsLeft > 0 {
            rowsLeft -= 1
            workers[worker].callsLeft = 2
            queue.push(.zero, .ask(worker: worker))
        }
        func serve(at now: Duration) -> (status: Int, retryAfter: Int?) {
            var serverError = 0.0
            var drop = 0.0
            switch service {
            case .faults(let throttle, let error, let dropped):
                if random.unit() < throttle { return (429, 1) }
                (serverError, drop) = (error, dropped)
            case .quotaWithFaults(_, let error, let dropped): (serverError, drop) = (error, dropped)
            case .quota: break
            }
            if let perSecond {
                tokens = min(burst, tokens + (now - refilled).inSeconds * perSecond)
                refilled = now
                if tokens >= 1 {
                    tokens -= 1
                } else {
                    let wait = (1 - tokens) / perSecond
                    return (429, max(1, Int(wait.rounded(.up))))
                }
            }
            let draw = random.unit()
            if draw < drop { return (0, nil) }
            if draw < drop + serverError { return (503, nil) }
            return (200, nil)
        }
        while let (now, event) = queue.pop() {
            switch event {
            case .ask(let worker):
                let decision = paced ? pace.ask(at: now) : .go
                switch decision {
                case .wait(let wait):
                    queue.push(now + wait, .ask(worker: worker))
                case .go:
                    let (status, retryAfter) = serve(at: now)
                    queue.push(
                        now + latency, .answer(worker: worker, sentAt: now, status: status, retryAfter: retryAfter))
                }
            case .answer(let worker, let sentAt, let status, let retryAfter):
                let answer: Pace.Answer = status == 0 ? .failed : status == 429 ? .throttled : .accepted
                if paced { pace.record(answer, sentAt: sentAt, at: now) }
                if status == 429 { result.throttled += 1 } else if status != 0 { result.accepted += 1 }
                if status == 200 {
                    workers[worker].attempt = 1
                    workers[worker].callsLeft -= 1
                    if workers[worker].callsLeft == 0 {
                        result.seconds = now.inSeconds
                        guard rowsLeft > 0 else { continue }
                        rowsLeft -= 1
                        workers[worker].callsLeft = 2
                    }
                    queue.push(now, .ask(worker: worker))
                    continue
                }
                guard workers[worker].attempt < policy.maxAttempts else {
                    result.failedRows += 1
                    workers[worker].attempt = 1
                    guard rowsLeft > 0 else { continue }
                    rowsLeft -= 1
                    workers[worker].callsLeft = 2
                    queue.push(now, .ask(worker: worker))
                    continue
                }
                let delay = policy.delay(
                    afterAttempt: workers[worker].attempt, retryAfter: retryAfter.map { .seconds($0) },
                    jitter: random.unit())
                workers[worker].attempt += 1
                queue.push(now + delay, .ask(worker: worker))
            }
        }
        result.pace = pace
        return result
    }
}

/// Events in time order (first in, first out among equal times).
private struct EventQueue<Event> {
    private var heap: [(time: Duration, order: Int, event: Event)] = []
    private var pushed = 0

    mutating func push(_ time: Duration, _ event: Event) {
        heap.append((time, pushed, event))
        pushed += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Duration, Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, before(left, smallest) { smallest = left }
            if right < heap.count, before(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (first.time, first.event)
    }

    private func before(_ a: Int, _ b: Int) -> Bool {
        (heap[a].time, heap[a].order) < (heap[b].time, heap[b].order)
    }
}

extension SeededGenerator {
    /// A draw in `0..<1`, for fault sequences that follow from their seed.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
