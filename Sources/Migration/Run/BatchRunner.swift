import AddressRules
import Foundation

/// Runs `plan` or `apply` over a corrections file: rows are read on their own thread, checked
/// offline, and the valid ones sent to Partner Center at most `concurrency` at a time (one task
/// group, a new row added as each finishes). A row's failure is a value, never an error that
/// cancels the others. Results reach the sink in file order.
public struct BatchRunner {
    /// The command being run.
    public enum Command: String, Sendable {
        case plan, apply
    }

    /// How the run ended.
    public struct Outcome: Sendable {
        public var summary: RunSummary
        /// Set when the run stopped before every row was done (exit 3, resumable).
        public var stopReason: String?
        /// Rows left without an outcome.
        public var unfinished: Int
        /// Outcomes recorded by earlier runs for the rows this run skipped.
        public var earlier: [RowResult.Outcome: Int]
    }

    let command: Command
    let path: String
    let options: InputFile.Options
    let processor: RowProcessor
    let duplicates: InputSurvey
    let replay: Journal.Replay?
    let concurrency: Int
    let stop: StopSignal
    let progress: RunProgress

    public func run(sink: any RowSink) async throws -> Outcome {
        let rows = RowStream(path: path, options: options)
        var checker = RowChecker(validator: processor.planner.validator, duplicates: duplicates)
        var summary = RunSummary(command: command.rawValue)
        var earlier: [RowResult.Outcome: Int] = [:]
        var unfinished = 0
        var ordered = OrderedResults()
        func emit(_ sequence: Int, _ result: RowResult) throws {
            progress.record(result.outcome)
            for ready in ordered.add(sequence, result) {
                summary.add(ready)
                try sink.write(ready)
            }
        }
        try await withThrowingTaskGroup(of: (Int, RowProcessor.Processed).self) { group in
            var sequence = 0
            var running = 0
            func settleOne() async throws {
                guard let (done, processed) = try await group.next() else { return }
                running -= 1
                if let why = processed.stop {
                    stop.stop(why)
                    unfinished += 1
                }
                try emit(done, processed.result)
            }
            while let input = try rows.next() {
                let index = sequence
                sequence += 1
                if let why = stop.stopReason {
                    unfinished += 1
                    try emit(index, Self.notStarted(input, why: why))
                    continue
                }
                var row = input
                let warnings = checker.check(&row)
                if let immediate = immediateResult(row, warnings: warnings, earlier: &earlier) {
                    try emit(index, immediate)
                    continue
                }
                while running >= concurrency { try await settleOne() }
                let processor = self.processor
                let pending = replay?.pendingIntents[row.line].flatMap { $0.customer == row.customerLabel ? $0 : nil }
                group.addTask {
                    (index, await processor.process(row, customerId: row.customerLabel, pendingIntent: pending))
                }
                running += 1
            }
            while running > 0 { try await settleOne() }
        }
        return Outcome(summary: summary, stopReason: stop.stopReason, unfinished: unfinished, earlier: earlier)
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
        if let done = replay?.outcomes[row.line], done.customer == row.customerLabel {
            earlier[done.outcome, default: 0] += 1
            result.outcome = .skipped
            result.correlationId = done.correlationId
            result.httpStatus = done.status
            result.partnerCenterCode = done.code
            result.warnings.append(
                RowIssue(.doneEarlier, field: nil, "\(done.outcome.rawValue) in an earlier run; nothing sent this time")
            )
            return result
        }
        return nil
    }

    private static func notStarted(_ row: InputRow, why: String) -> RowResult {
        RowResult(
            line: row.line, customerId: row.customerLabel, outcome: .skipped,
            errors: [RowIssue(.notFinished, field: nil, "not started: the run stopped (\(why)); run again to do it")])
    }
}

/// Puts results back in file order: holds those that finish early until the rows before them are in.
struct OrderedResults {
    private var next = 0
    private var waiting: [Int: RowResult] = [:]

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
