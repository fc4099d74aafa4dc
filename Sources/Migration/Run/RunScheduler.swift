/// The control of a run (`plan`, `apply`, `export`), as a pure state machine: events in, actions
/// out, no clock, no tasks, no waiting. ``BatchRunner`` only carries events in (a row read, a row
/// finished, the preflight's answer, a stop, the end of the grace period) and does what the
/// actions say (read a row, start it, hand results on, cancel the rows in flight, finish).
///
/// The run's invariants, each tested in `RunSchedulerTests`:
/// 1. **Nothing is handed on before the preflight passed**, and nothing at all when it failed:
///    results wait, then the run fails with the preflight's problem (``Action/failPreflight(_:)``).
///    (No intent is journaled before it passed either: ``RowProcessor/journaledWrite(_:_:_:logger:)``.)
/// 2. **Nothing starts after a stop.** A row read after the stop, or waiting for its turn when the
///    stop came, is recorded as not started (unfinished), without being prepared.
/// 3. **At most `rowsUnderWay` rows under way**; their calls are bounded apart, at `--concurrency`,
///    by ``RequestSlots``, where a row still waiting for its first slot when the run stops does
///    not start either.
/// 4. **Results in file order**, and at most `reorderWindow` held back: no row is read while that
///    many wait for an earlier one still under way.
/// 5. **The end of the grace period cancels the rows in flight**, once; the run then ends through
///    the normal path, every row accounted for.
/// 6. **The run finishes** only when the input has ended, no row is under way, every result was
///    handed on and the preflight (if any) was answered.
struct RunScheduler {
    enum Event {
        /// The next row was read; `line` and `customer` name it in a result.
        case rowRead(line: Int, customer: String)
        /// The row ``Action/prepareRow(_:)`` named: its result when known without a request (invalid,
        /// a repeat, done earlier), `nil` when it needs calls.
        case rowPrepared(Int, known: RowResult?)
        /// The input has no more rows.
        case inputEnded
        /// A started row ended; `leftUnfinished` when it stopped the run without an outcome.
        case rowFinished(Int, RowResult, leftUnfinished: Bool)
        /// The preflight call was answered: why it failed, or `nil`.
        case preflightAnswered(problem: String?)
        /// The run must stop taking rows. The first reason wins.
        case stopRequested(StopReason)
        /// The grace period after the stop is over: the rows in flight must end now.
        case graceOver
    }

    enum Action {
        /// Read the next row and report ``Event/rowRead(line:customer:)`` or ``Event/inputEnded``.
        case readRow
        /// Work out whether the row needs calls: report ``Event/rowPrepared(_:known:)``.
        case prepareRow(Int)
        /// Start the prepared row's calls (it then reports ``Event/rowFinished(_:_:leftUnfinished:)``).
        case startRow(Int)
        /// Hand these results on, in this order (the file's).
        case emit([RowResult])
        /// Cancel the rows in flight.
        case cancelInFlight
        /// Wait for the next event from a row under way, the preflight or the grace period.
        case waitForEvent
        /// The preflight failed: end the run as not started, handing nothing on.
        case failPreflight(String)
        /// The run is over.
        case finish
    }

    private enum Preflight {
        case none, pending, passed
        case failed(String)
    }

    private let rowsUnderWay: Int
    private let reorderWindow: Int
    private var preflight: Preflight
    private var ordered = OrderedResults()
    /// Results in order, waiting for the preflight or for the next ``Action/emit(_:)``.
    private var ready: [RowResult] = []
    private var rowsRead = 0
    private var running = 0
    private var toPrepare: (sequence: Int, line: Int, customer: String)?
    private var toStart: (sequence: Int, line: Int, customer: String)?
    private var inputEnded = false
    private var graceOver = false
    private var cancelled = false
    private var finished = false
    /// The outcomes settled by the event being handled.
    private var settled: [RowResult.Outcome] = []

    /// The first reason the run was stopped for.
    private(set) var stopReason: StopReason?
    /// The results handed on so far, counted.
    private(set) var summary: RunSummary
    /// Rows left without an outcome: not started after the stop, or stopped under way.
    private(set) var unfinished = 0
    /// Rows handed on that failed for a transient reason: the next run does them again.
    private(set) var transientFailures = 0

    /// - Parameters:
    ///   - preflight: whether a preflight call is under way, whose answer results wait for.
    init(command: Command, rowsUnderWay: Int, reorderWindow: Int, preflight: Bool) {
        self.rowsUnderWay = max(1, rowsUnderWay)
        self.reorderWindow = max(1, reorderWindow)
        self.preflight = preflight ? .pending : .none
        summary = RunSummary(command: command)
    }

    /// Takes `event` in.
    /// - Returns: the outcomes of the rows it settled, as they finish (not in file order): what the
    ///   progress line counts.
    @discardableResult
    mutating func handle(_ event: Event) -> [RowResult.Outcome] {
        settled = []
        switch event {
        case .rowRead(let line, let customer):
            precondition(toPrepare == nil && toStart == nil, "a row was read before the last one was placed")
            let sequence = rowsRead
            rowsRead += 1
            if let stopReason {
                leave(sequence, line: line, customer: customer, stopReason)
            } else {
                toPrepare = (sequence, line, customer)
            }
        case .rowPrepared(let sequence, let known):
            guard let row = toPrepare, row.sequence == sequence else {
                preconditionFailure("row \(sequence) was prepared without being asked for")
            }
            toPrepare = nil
            if let known { add(sequence, known) } else { toStart = row }
        case .inputEnded:
            inputEnded = true
        case .rowFinished(let sequence, let result, let leftUnfinished):
            running -= 1
            if leftUnfinished { unfinished += 1 }
            add(sequence, result)
        case .preflightAnswered(let problem):
            preflight = problem.map(Preflight.failed) ?? .passed
        case .stopRequested(let reason):
            guard stopReason == nil else { return [] }
            stopReason = reason
            if let row = toStart {
                toStart = nil
                leave(row.sequence, line: row.line, customer: row.customer, reason)
            }
        case .graceOver:
            graceOver = true
        }
        return settled
    }

    /// What to do now. After ``Action/finish`` or ``Action/failPreflight(_:)``, nothing more.
    mutating func nextAction() -> Action {
        precondition(!finished, "the run is over")
        if case .failed(let problem) = preflight {
            finished = true
            return .failPreflight(problem)
        }
        if graceOver, !cancelled {
            cancelled = true
            if running > 0 { return .cancelInFlight }
        }
        if !ready.isEmpty, mayHandOn {
            let results = ready
            ready = []
            for result in results {
                summary.add(result)
                if result.isTransientFailure { transientFailures += 1 }
            }
            return .emit(results)
        }
        if let row = toPrepare { return .prepareRow(row.sequence) }
        if let row = toStart {
            guard running < rowsUnderWay else { return .waitForEvent }
            toStart = nil
            running += 1
            return .startRow(row.sequence)
        }
        if !inputEnded, running == 0 || ordered.heldBack < reorderWindow { return .readRow }
        if running > 0 { return .waitForEvent }
        if case .pending = preflight { return .waitForEvent }
        precondition(ready.isEmpty && ordered.heldBack == 0, "results were left behind")
        finished = true
        return .finish
    }

    private var mayHandOn: Bool {
        switch preflight {
        case .none, .passed: true
        case .pending, .failed: false
        }
    }

    private mutating func add(_ sequence: Int, _ result: RowResult) {
        settled.append(result.outcome)
        ready += ordered.add(sequence, result)
    }

    /// Records a row that does not start because the run stopped.
    private mutating func leave(_ sequence: Int, line: Int, customer: String, _ reason: StopReason) {
        unfinished += 1
        add(sequence, RowResult.notStarted(line: line, customer: customer, why: reason))
    }
}

/// Puts results back in file order: holds those that finish early until the rows before them are in.
struct OrderedResults {
    private var next = 0
    private var waiting: [Int: RowResult] = [:]

    /// Results finished but held until a row before them is in.
    var heldBack: Int { waiting.count }

    /// Adds the result of row `sequence`; returns every result now ready, in order.
    mutating func add(_ sequence: Int, _ result: RowResult) -> [RowResult] {
        waiting[sequence] = result
        var ready: [RowResult] = []
        while let result = waiting.removeValue(forKey: next) {
            ready.append(result)
            next += 1
        }
        return ready
    }
}

extension RowResult {
    /// The result of a row the run did not start because it stopped.
    static func notStarted(line: Int, customer: String, why: StopReason) -> RowResult {
        RowResult(
            line: line, customerId: customer, outcome: .notStarted,
            errors: [RowIssue(.notFinished, field: nil, "not started: the run stopped (\(why)); run again to do it")])
    }
}
