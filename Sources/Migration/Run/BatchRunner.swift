import AddressRules
import Foundation

/// Runs `plan` or `apply` over a corrections file: rows are read on their own thread, checked
/// offline, and the valid ones sent to Partner Center, at most `rowsUnderWay` at a time (one task
/// group, a new row added as each finishes; their calls are bounded apart, by ``RequestSlots``).
/// What happens when is decided by a ``RunScheduler``; this type carries its events in and its
/// actions out. A row's failure is a value, never an error that cancels the others. Results
/// reach the sink in file order.
public struct BatchRunner {
    /// How the run ended.
    public struct Outcome: Sendable {
        public var summary: RunSummary
        /// Set when the run stopped before every row was done (exit 3, resumable).
        public var stopReason: StopReason?
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
    /// The rows' calls, each in one of its ``RequestSlots``: a row starts when a slot is free for
    /// its first call, and hands that call the slot's ticket.
    var bounded: BoundedProfileService?

    public func run(sink: any RowSink) async throws -> Outcome {
        if let savedPlan { return try await run(savedPlan, sink: sink) }
        let rows = RowStream(path: path, options: options)
        let next: () async throws -> InputRow? = { try await rows.next() }
        var checker = RowChecker(
            validator: processor.planner.validator, duplicates: duplicates, scope: .beforePartnerCenter)
        return try await drive(sink: sink, next: next, name: { ($0.line, $0.customerLabel) }) { input, earlier in
            var row = input
            let warnings = checker.check(&row)
            if let immediate = immediateResult(row, warnings: warnings, earlier: &earlier) { return .result(immediate) }
            let pending = replay?.pendingIntents[row.line].flatMap { $0.customer == row.customerLabel ? $0 : nil }
            let checked = row
            let edited = editedSinceEarlierRun(row)
            return startingInTurn(line: checked.line, customer: checked.customerLabel) { processor in
                var processed = await processor.process(
                    checked, customerId: checked.customerLabel, pendingIntent: pending)
                if let edited { processed.result.warnings.append(edited) }
                return processed
            }
        }
    }

    /// `apply --plan`: the plan's rows, each applied exactly as planned.
    private func run(_ plan: SavedPlanFile, sink: any RowSink) async throws -> Outcome {
        let rows = try plan.rows()
        return try await drive(sink: sink, next: rows.next, name: { ($0.line, $0.customerId) }) { row, earlier in
            if let done = doneEarlier(line: row.line, customer: row.customerId, earlier: &earlier) {
                return .result(done)
            }
            let pending = replay?.pendingIntents[row.line].flatMap { $0.customer == row.customerId ? $0 : nil }
            return startingInTurn(line: row.line, customer: row.customerId) { processor in
                await processor.applyPlanned(row, pendingIntent: pending)
            }
        }
    }

    /// What to do with one row: its result, known without a request, or the request to make.
    enum Work {
        case result(RowResult)
        case task(@Sendable () async -> RowProcessor.Processed)
    }

    /// `work`, given the row's processor, started when a slot is free for the row's first call
    /// (``RequestSlots``), whose ticket the processor's calls then hold; a row still waiting for
    /// it when the run stops, or is cancelled, is not started.
    private func startingInTurn(
        line: Int, customer: String, _ work: @escaping @Sendable (RowProcessor) async -> RowProcessor.Processed
    )
        -> Work
    {
        let processor = self.processor
        guard let bounded else { return .task { await work(processor) } }
        let stop = self.stop
        return .task {
            let started = await bounded.slots.start(unless: { stop.stopReason != nil }) { ticket in
                var processor = processor
                processor.service = bounded.holding(ticket)
                return await work(processor)
            }
            if let started { return started }
            let why = stop.stopReason ?? .cancelled
            return .init(result: .notStarted(line: line, customer: customer, why: why), stop: why)
        }
    }

    /// An event of the run that a task of its group reports.
    private enum Reported: Sendable {
        case finished(Int, RowProcessor.Processed)
        case preflight(problem: String?)
        case graceOver
    }

    /// The loop every kind of run shares: a ``RunScheduler`` fed with the rows of `next`
    /// (`name` gives a row's line and customer, `prepare` its work) and the events of the rows
    /// under way, the preflight and the stop; the results it hands on go to `inOrder` (when
    /// given), then to `sink`, in file order.
    /// - Throws: ``PreflightFailed`` when ``preflight`` failed: no result was handed on.
    func drive<Row>(
        sink: any RowSink, next: () async throws -> Row?, name: (Row) -> (line: Int, customer: String),
        prepare: (Row, inout [RowResult.Outcome: Int]) -> Work,
        inOrder: ((RowResult) async throws -> Void)? = nil
    ) async throws -> Outcome {
        var scheduler = RunScheduler(
            command: command, rowsUnderWay: rowsUnderWay, reorderWindow: reorderWindow, preflight: preflight != nil)
        var earlier: [RowResult.Outcome: Int] = [:]
        var read: Row?
        var work: Work?
        func feed(_ event: RunScheduler.Event) {
            for outcome in scheduler.handle(event) { progress.record(outcome) }
        }
        try await withThrowingTaskGroup(of: Reported.self) { group in
            group.addTask { [stop] in
                await stop.inFlightCancelled()
                return .graceOver
            }
            if let preflight {
                group.addTask {
                    // A run that ends early (a report that cannot be written) does not wait for it.
                    await withTaskCancellationHandler {
                        .preflight(problem: await preflight.problem)
                    } onCancel: {
                        preflight.cancel()
                    }
                }
            }
            while true {
                if let why = stop.stopReason { feed(.stopRequested(why)) }
                switch scheduler.nextAction() {
                case .readRow:
                    if let row = try await next() {
                        let (line, customer) = name(row)
                        read = row
                        feed(.rowRead(line: line, customer: customer))
                    } else {
                        feed(.inputEnded)
                    }
                case .prepareRow(let sequence):
                    guard let row = read else { preconditionFailure("no row was read") }
                    read = nil
                    let prepared = prepare(row, &earlier)
                    if case .result(let known) = prepared {
                        feed(.rowPrepared(sequence, known: known))
                    } else {
                        work = prepared
                        feed(.rowPrepared(sequence, known: nil))
                    }
                case .startRow(let sequence):
                    guard case .task(let started) = work else { preconditionFailure("no row to start") }
                    work = nil
                    group.addTask { .finished(sequence, await started()) }
                case .emit(let results):
                    for result in results {
                        try await inOrder?(result)
                        try sink.write(result)
                    }
                case .cancelInFlight:
                    group.cancelAll()
                case .waitForEvent:
                    switch try await group.next() {
                    case .finished(let sequence, let processed):
                        // A row that stops the run stops it for the rows waiting for a slot too.
                        if let why = processed.stop { stop.stop(why) }
                        feed(
                            .rowFinished(sequence, processed.result, leftUnfinished: processed.stop != nil))
                    case .preflight(let problem):
                        feed(.preflightAnswered(problem: problem))
                    case .graceOver:
                        feed(.graceOver)
                    case nil:
                        preconditionFailure("the run's group ended while the run waited for it")
                    }
                case .failPreflight(let problem):
                    throw PreflightFailed(problem: problem)
                case .finish:
                    group.cancelAll()
                    return
                }
            }
        }
        return Outcome(
            summary: scheduler.summary, stopReason: scheduler.stopReason, unfinished: scheduler.unfinished,
            earlier: earlier, transientFailures: scheduler.transientFailures)
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
}
