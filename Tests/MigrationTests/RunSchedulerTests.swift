import PartnerCenterSimulator
import Testing

@testable import Migration

/// The run's control, event by event, without tasks or clocks: each invariant of ``RunScheduler``
/// (its doc comment) has a test here.
@Suite("RunScheduler: the run as a state machine")
struct RunSchedulerTests {
    /// Plays the scheduler's actions that need no event (reading, preparing, starting, handing
    /// on), keeping what it did, until it waits for an event, finishes or fails. Row `n` of the
    /// input is on line `n + 2`, customer `c<n>`.
    struct Harness {
        var scheduler: RunScheduler
        var rowsLeft: Int
        /// Rows whose result is known without a request (``RowResult/Outcome/invalid``).
        var known: Set<Int> = []
        private var readCount = 0
        private(set) var prepared: [Int] = []
        private(set) var started: [Int] = []
        private(set) var emitted: [RowResult] = []
        private(set) var cancels = 0
        private(set) var mostRunning = 0
        private var running: Set<Int> = []
        /// The results handed on while the preflight was still unanswered.
        private(set) var emittedBeforePreflight = 0
        var preflightAnswered = false

        init(rows: Int, rowsUnderWay: Int = 2, reorderWindow: Int = 100, preflight: Bool = false) {
            scheduler = RunScheduler(
                command: .apply, rowsUnderWay: rowsUnderWay, reorderWindow: reorderWindow, preflight: preflight)
            rowsLeft = rows
            preflightAnswered = !preflight
        }

        var rowsRead: Int { readCount }
        var inFlight: Set<Int> { running }

        mutating func settle() -> RunScheduler.Action {
            while true {
                let action = scheduler.nextAction()
                switch action {
                case .readRow:
                    if rowsLeft == 0 {
                        scheduler.handle(.inputEnded)
                    } else {
                        rowsLeft -= 1
                        scheduler.handle(.rowRead(line: readCount + 2, customer: "c\(readCount)"))
                        readCount += 1
                    }
                case .prepareRow(let sequence):
                    prepared.append(sequence)
                    let result =
                        known.contains(sequence) ? Self.result(sequence, .invalid) : nil
                    scheduler.handle(.rowPrepared(sequence, known: result))
                case .startRow(let sequence):
                    started.append(sequence)
                    running.insert(sequence)
                    mostRunning = max(mostRunning, running.count)
                case .emit(let results):
                    if !preflightAnswered { emittedBeforePreflight += results.count }
                    emitted += results
                case .cancelInFlight:
                    cancels += 1
                case .waitForEvent, .finish, .failPreflight:
                    return action
                }
            }
        }

        /// Row `sequence` ends with `outcome`.
        mutating func finish(_ sequence: Int, _ outcome: RowResult.Outcome = .applied, unfinished: Bool = false) {
            #expect(running.remove(sequence) != nil, "row \(sequence) was under way")
            scheduler.handle(.rowFinished(sequence, Self.result(sequence, outcome), leftUnfinished: unfinished))
        }

        mutating func answerPreflight(_ problem: String?) {
            preflightAnswered = problem == nil
            scheduler.handle(.preflightAnswered(problem: problem))
        }

        static func result(_ sequence: Int, _ outcome: RowResult.Outcome) -> RowResult {
            RowResult(line: sequence + 2, customerId: "c\(sequence)", outcome: outcome)
        }

        var emittedLines: [Int] { emitted.map(\.line) }
    }

    static func isWait(_ action: RunScheduler.Action) -> Bool {
        if case .waitForEvent = action { true } else { false }
    }

    static func isFinish(_ action: RunScheduler.Action) -> Bool {
        if case .finish = action { true } else { false }
    }

    @Test("at most rowsUnderWay rows under way; a finished row lets the next in; results in file order")
    func boundAndOrder() {
        var run = Harness(rows: 6, rowsUnderWay: 2)
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0, 1])
        #expect(run.prepared == [0, 1, 2], "the next row is read and prepared while it waits for its turn")
        run.finish(1)
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0, 1, 2])
        #expect(run.emitted.isEmpty, "row 1 waits for row 0")
        run.finish(0)
        #expect(Self.isWait(run.settle()))
        #expect(run.emittedLines == [2, 3])
        for sequence in [3, 2, 5, 4] {
            if run.inFlight.contains(sequence) == false { #expect(Self.isWait(run.settle())) }
            run.finish(sequence)
        }
        #expect(Self.isFinish(run.settle()))
        #expect(run.emittedLines == [2, 3, 4, 5, 6, 7])
        #expect(run.mostRunning == 2)
        #expect(run.scheduler.summary.count(.applied) == 6)
        #expect(run.scheduler.stopReason == nil)
        #expect(run.scheduler.unfinished == 0)
    }

    @Test("rows whose result is known are handed on in their place without starting")
    func knownResults() {
        var run = Harness(rows: 4, rowsUnderWay: 1)
        run.known = [1, 2]
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0])
        run.finish(0)
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0, 3])
        #expect(run.emitted.map(\.outcome) == [.applied, .invalid, .invalid])
        run.finish(3)
        #expect(Self.isFinish(run.settle()))
        #expect(run.emittedLines == [2, 3, 4, 5])
    }

    @Test("invariant 1: nothing is handed on before the preflight passed; the run waits for its answer to finish")
    func preflightHoldsResults() {
        var run = Harness(rows: 3, preflight: true)
        run.known = [0, 1, 2]
        #expect(Self.isWait(run.settle()), "every row is known, yet the run waits for the preflight")
        #expect(run.emitted.isEmpty)
        run.answerPreflight(nil)
        #expect(Self.isFinish(run.settle()))
        #expect(run.emittedLines == [2, 3, 4])
        #expect(run.emittedBeforePreflight == 0)
    }

    @Test("invariant 1: a failed preflight hands nothing on, even rows that finished")
    func preflightFails() {
        var run = Harness(rows: 5, rowsUnderWay: 2, preflight: true)
        #expect(Self.isWait(run.settle()))
        run.finish(0)
        run.finish(1)
        #expect(Self.isWait(run.settle()))
        run.answerPreflight("sign-in failed")
        guard case .failPreflight(let problem) = run.settle() else {
            Issue.record("the run did not fail with the preflight")
            return
        }
        #expect(problem == "sign-in failed")
        #expect(run.emitted.isEmpty)
    }

    @Test(
        "invariant 2: after a stop, the row waiting for its turn and every row read later are neither prepared nor started"
    )
    func nothingStartsAfterStop() {
        var run = Harness(rows: 6, rowsUnderWay: 1)
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0])
        #expect(run.prepared == [0, 1], "row 1 waits for its turn")
        run.scheduler.handle(.stopRequested(.signal("SIGTERM")))
        run.scheduler.handle(.stopRequested(.deadline(.seconds(1))))
        #expect(Self.isWait(run.settle()), "row 0 is still under way")
        #expect(run.prepared == [0, 1])
        #expect(run.started == [0])
        run.finish(0)
        #expect(Self.isFinish(run.settle()))
        #expect(run.emitted.map(\.outcome) == [.applied] + Array(repeating: .notStarted, count: 5))
        #expect(run.emitted.dropFirst().allSatisfy { $0.errors.first?.message.contains("SIGTERM") == true })
        #expect(run.scheduler.stopReason == .signal("SIGTERM"), "the first reason wins")
        #expect(run.scheduler.unfinished == 5)
        #expect(run.rowsRead == 6, "every row is accounted for")
    }

    @Test("invariant 4: no row is read while reorderWindow results wait for an earlier row")
    func reorderWindow() {
        var run = Harness(rows: 10, rowsUnderWay: 4, reorderWindow: 2)
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0, 1, 2, 3])
        #expect(run.rowsRead == 5)
        run.finish(1)
        run.finish(2)
        #expect(Self.isWait(run.settle()))
        #expect(run.started == [0, 1, 2, 3, 4], "the row already read starts")
        #expect(run.rowsRead == 5, "two results are held back for row 0: nothing more is read")
        run.finish(0)
        #expect(Self.isWait(run.settle()))
        #expect(run.emittedLines == [2, 3, 4])
        #expect(run.started == [0, 1, 2, 3, 4, 5, 6], "reading goes on until four rows are under way again")
        #expect(run.rowsRead == 8)
    }

    @Test("invariant 5: the end of the grace period cancels the rows in flight, once; they end as unfinished")
    func graceOver() {
        var run = Harness(rows: 3, rowsUnderWay: 3)
        #expect(Self.isWait(run.settle()))
        run.scheduler.handle(.stopRequested(.signal("SIGINT")))
        run.scheduler.handle(.graceOver)
        #expect(Self.isWait(run.settle()))
        #expect(run.cancels == 1)
        run.scheduler.handle(.graceOver)
        run.finish(2, .skipped, unfinished: true)
        #expect(Self.isWait(run.settle()))
        #expect(run.cancels == 1)
        run.finish(0, .skipped, unfinished: true)
        run.finish(1, .applied)
        #expect(Self.isFinish(run.settle()))
        #expect(run.scheduler.unfinished == 2)
        #expect(run.emitted.count == 3)
    }

    @Test("invariant 5: a grace period that ends with nothing in flight cancels nothing")
    func graceOverIdle() {
        var run = Harness(rows: 0, preflight: true)
        #expect(Self.isWait(run.settle()))
        run.scheduler.handle(.graceOver)
        #expect(Self.isWait(run.settle()))
        #expect(run.cancels == 0)
        run.answerPreflight(nil)
        #expect(Self.isFinish(run.settle()))
    }

    @Test("every invariant under rows finishing in random order, stops and a late preflight", arguments: 1...20)
    func randomOrder(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let rows = Int.random(in: 20...60, using: &random)
        let limit = Int.random(in: 1...6, using: &random)
        var run = Harness(
            rows: rows, rowsUnderWay: limit, reorderWindow: Int.random(in: 1...8, using: &random),
            preflight: Bool.random(using: &random))
        run.known = Set((0..<rows).filter { _ in Int.random(in: 0..<4, using: &random) == 0 })
        let stopAfter = Bool.random(using: &random) ? Int.random(in: 0..<rows, using: &random) : nil
        var finished = 0
        var preparedAtStop: Int?
        while true {
            let action = run.settle()
            if Self.isFinish(action) { break }
            if !run.preflightAnswered, Int.random(in: 0..<5, using: &random) == 0 || run.inFlight.isEmpty {
                run.answerPreflight(nil)
                continue
            }
            guard let sequence = run.inFlight.randomElement(using: &random) else {
                Issue.record("seed \(seed): the run waits with nothing to wait for")
                return
            }
            run.finish(sequence)
            finished += 1
            if finished == stopAfter {
                run.scheduler.handle(.stopRequested(.deadline(.seconds(5))))
                preparedAtStop = run.prepared.count
            }
        }
        #expect(run.mostRunning <= limit, "seed \(seed)")
        #expect(run.emittedLines == Array(2..<(rows + 2)), "seed \(seed): every row once, in file order")
        #expect(run.emittedBeforePreflight == 0, "seed \(seed)")
        if let preparedAtStop {
            #expect(run.prepared.count == preparedAtStop, "seed \(seed): nothing prepared after the stop")
            #expect(run.scheduler.unfinished == run.emitted.filter { $0.outcome == .notStarted }.count)
        } else {
            #expect(run.scheduler.unfinished == 0, "seed \(seed)")
        }
    }
}
