import AddressRules
import Foundation

/// Runs `plan` or `apply` over a corrections file: rows are read on their own thread, checked
/// offline, and the valid ones sent to Partner Center, at most `rowsUnderWay` at a time (one task
/// group, a new row added as each finishes; their calls are bounded apart, by ``RequestSlots``).
/// A row's failure is a value, never an error that cancels the others. Results reach the sink in
/// file order.
public struct BatchRunner {
    /// How the run ended.
    public struct Outcome: Sendable {
        public var summary: RunSummary
        /// Set when the run stopped before every row was done (exit 3, resumable).
        public var stopReason: String?
        /// Rows left without an outcome.
        public var unfinished: Int
        /// Outcomes recorded by earlier runs for the rows this run skipped.
        public var earlier: [RowResult.Outcome: Int]
        /// Rows that failed for a transient reason: the next run does them again.
        public var transientFailures = 0
    }

    let command: Command
    let path: String
    let options: InputFile.Options
    let processor: RowProcessor
    let duplicates: InputSurvey
    let replay: Journal.Replay?
    /// Rows in flight at once.
    let rowsUnderWay: Int
    let stop: StopSignal
    let progress: RunProgress

    /// The plan being applied (`apply --plan`): its rows instead of the input's.
    var savedPlan: SavedPlanFile?
    /// `--force`: rows edited since an earlier run of the journal are done again.
    var force = false
    /// The most results held back for file order (finished while a row before them is still under
    /// way) before the run stops taking new rows until that row is done. A row stuck in a long
    /// retry would otherwise let the rows after it pile up in memory: at thousands of rows a
    /// second, a single request held to its 60 s timeout cost over 200 MiB.
    var reorderWindow = BatchRunner.defaultReorderWindow
    static let defaultReorderWindow = 8192
    /// The preflight call when it is made beside the first rows: no result is handed on before
    /// it passed (``PreflightGate``).
    var preflight: PreflightGate?
    /// The slots of the rows' calls: a row starts when one is free for its first call.
    var slots: RequestSlots?

    public func run(sink: any RowSink) async throws -> Outcome {
        if let savedPlan { return try await run(savedPlan, sink: sink) }
        let rows = RowStream(path: path, options: options)
        let next: () async throws -> InputRow? = { try await rows.next() }
        var checker = RowChecker(
            validator: processor.planner.validator, duplicates: duplicates, scope: .beforePartnerCenter)
        let processor = self.processor
        return try await drive(sink: sink, next: next) { input, earlier in
            var row = input
            let warnings = checker.check(&row)
            if let immediate = immediateResult(row, warnings: warnings, earlier: &earlier) { return .result(immediate) }
            let pending = replay?.pendingIntents[row.line].flatMap { $0.customer == row.customerLabel ? $0 : nil }
            let checked = row
            let edited = editedSinceEarlierRun(row)
            return startingInTurn(line: checked.line, customer: checked.customerLabel) {
                var processed = await processor.process(
                    checked, customerId: checked.customerLabel, pendingIntent: pending)
                if let edited { processed.result.warnings.append(edited) }
                return processed
            }
        } notStarted: { row, why in
            Self.notStarted(line: row.line, customer: row.customerLabel, why: why)
        }
    }

    /// `apply --plan`: the plan's rows, each applied exactly as planned.
    private func run(_ plan: SavedPlanFile, sink: any RowSink) async throws -> Outcome {
        let rows = try plan.rows()
        let processor = self.processor
        return try await drive(sink: sink, next: rows.next) { row, earlier in
            if let done = doneEarlier(line: row.line, customer: row.customerId, earlier: &earlier) {
                return .result(done)
            }
            let pending = replay?.pendingIntents[row.line].flatMap { $0.customer == row.customerId ? $0 : nil }
            return startingInTurn(line: row.line, customer: row.customerId) {
                await processor.applyPlanned(row, pendingIntent: pending)
            }
        } notStarted: { row, why in
            Self.notStarted(line: row.line, customer: row.customerId, why: why)
        }
    }

    /// What to do with one row: its result, known without a request, or the request to make.
    enum Work {
        case result(RowResult)
        case task(@Sendable () async -> RowProcessor.Processed)
    }

    /// `work`, started when a slot is free for the row's first call (``RequestSlots``); a row
    /// still waiting for it when the run stops, or is cancelled, is not started.
    private func startingInTurn(
        line: Int, customer: String, _ work: @escaping @Sendable () async -> RowProcessor.Processed
    )
        -> Work
    {
        guard let slots else { return .task(work) }
        let stop = self.stop
        return .task {
            if let processed = await slots.start(unless: { stop.stopReason != nil }, work) { return processed }
            let why = stop.stopReason ?? "cancelled"
            return .init(result: Self.notStarted(line: line, customer: customer, why: why), stop: why)
        }
    }

    /// The loop every kind of run shares: rows taken from `next` one at a time, at most
    /// `rowsUnderWay` in flight and at most ``reorderWindow`` results held back, results handed to `inOrder` (when given), then to `sink`, in file order.
    /// - Throws: ``PreflightFailed`` when ``preflight`` failed: no result was handed on.
    func drive<Row>(
        sink: any RowSink, next: () async throws -> Row?,
        prepare: (Row, inout [RowResult.Outcome: Int]) -> Work,
        notStarted: (Row, String) -> RowResult,
        inOrder: ((RowResult) async throws -> Void)? = nil
    ) async throws -> Outcome {
        var summary = RunSummary(command: command)
        var earlier: [RowResult.Outcome: Int] = [:]
        var unfinished = 0
        var ordered = OrderedResults()
        var transientFailures = 0
        var preflight = self.preflight
        func emit(_ sequence: Int, _ result: RowResult) async throws {
            try await preflight?.passed()
            preflight = nil
            progress.record(result.outcome)
            if result.isTransientFailure { transientFailures += 1 }
            for ready in ordered.add(sequence, result) {
                summary.add(ready)
                try await inOrder?(ready)
                try sink.write(ready)
            }
        }
        try await withThrowingTaskGroup(of: (Int, RowProcessor.Processed)?.self) { group in
            var sequence = 0
            var running = 0
            // Cancels the rows in flight when the stop says so (the grace period after a signal is over).
            group.addTask { [stop] in
                await stop.inFlightCancelled()
                return nil
            }
            func settleOne() async throws {
                guard let next = try await group.next() else { return }
                guard let (done, processed) = next else {
                    if stop.isInFlightCancelled { group.cancelAll() }
                    return
                }
                running -= 1
                if let why = processed.stop {
                    stop.stop(why)
                    unfinished += 1
                }
                try await emit(done, processed.result)
            }
            while let row = try await next() {
                while running > 0, ordered.heldBack >= reorderWindow { try await settleOne() }
                let index = sequence
                sequence += 1
                if let why = stop.stopReason {
                    unfinished += 1
                    try await emit(index, notStarted(row, why))
                    continue
                }
                switch prepare(row, &earlier) {
                case .result(let result):
                    try await emit(index, result)
                case .task(let work):
                    while running >= rowsUnderWay { try await settleOne() }
                    if let why = stop.stopReason {
                        // A row that finished while this one waited for a slot stopped the run.
                        unfinished += 1
                        try await emit(index, notStarted(row, why))
                        continue
                    }
                    group.addTask { (index, await work()) }
                    running += 1
                }
            }
            while running > 0 { try await settleOne() }
            // A run with no row that reached the sink still ends with the preflight's answer.
            try await preflight?.passed()
            group.cancelAll()
        }
        return Outcome(
            summary: summary, stopReason: stop.stopReason, unfinished: unfinished, earlier: earlier,
            transientFailures: transientFailures)
    }

    /// The result of a row that needs no request: invalid offline, a repeat, or done by an earlier run.
    private func immediateResult(_ row: InputRow, warnings: [RowIssue], earlier: inout [RowResult.Outcome: Int])
        -> RowResult?
    {
        var result = RowResult(line: row.line, customerId: row.customerLabel, outcome: .invalid)
        result.warnings = warnings
        result.changes = row.changes.map {
            RowResult.Change(field: $0.field.rawValue, before: nil, after: $0.value.value)
        }
        if !row.issues.isEmpty {
            result.errors = row.issues
            return result
        }
        if warnings.contains(where: { $0.code == .duplicateRow }) {
            result.outcome = .skipped
            return result
        }
        if editedSinceEarlierRun(row) == nil,
            var done = doneEarlier(line: row.line, customer: row.customerLabel, earlier: &earlier)
        {
            done.warnings = warnings + done.warnings
            done.changes = result.changes
            return done
        }
        return nil
    }

    /// The result of a row an earlier run with the journal finished, as that run recorded it:
    /// nothing is sent. A row that failed for a transient reason (no answer, 408, 429, 5xx) is not
    /// finished: it is done again.
    private func doneEarlier(line: Int, customer: String, earlier: inout [RowResult.Outcome: Int]) -> RowResult? {
        guard let done = replay?.outcomes[line], done.customer == customer, !done.isTransientFailure else {
            return nil
        }
        earlier[done.outcome, default: 0] += 1
        var result = RowResult(line: line, customerId: customer, outcome: done.outcome)
        result.correlationId = done.correlationId
        result.companyName = done.companyName
        result.httpStatus = done.status
        result.partnerCenterCode = done.code
        if let message = done.message, done.outcome.isUnsuccessful {
            result.errors.append(RowIssue(done.outcome == .conflict ? .conflict : .partnerCenter, field: nil, message))
        }
        result.warnings.append(
            RowIssue(
                .doneEarlier, field: nil, "\(done.outcome.rawValue) in an earlier run of this journal; nothing sent"))
        return result
    }

    /// Under `--force`, why a row an earlier run finished is planned again: the input row asks
    /// for something else than the row that run did. `nil` when it is the same row, or not forced.
    private func editedSinceEarlierRun(_ row: InputRow) -> RowIssue? {
        guard force, let done = replay?.outcomes[row.line], done.customer == row.customerLabel,
            let recorded = done.input, recorded != row.changesDigest
        else { return nil }
        return RowIssue(
            .doneEarlier, field: nil,
            "\(done.outcome.rawValue) in an earlier run, but the row has changed since (--force): planned and "
                + "done again")
    }

    static func notStarted(line: Int, customer: String, why: String) -> RowResult {
        RowResult(
            line: line, customerId: customer, outcome: .notStarted,
            errors: [RowIssue(.notFinished, field: nil, "not started: the run stopped (\(why)); run again to do it")])
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
