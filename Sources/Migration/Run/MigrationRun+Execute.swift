import Foundation
import Logging
import PartnerCenter

/// How a `plan` or `apply` run ended: what the CLI prints, and ``ExitStatus/init(_:detailed:)``
/// maps to an exit code.
public enum RunEnd: Sendable {
    /// The run went through its rows (all of them, or until a stop; `report.outcome.stopReason`
    /// says which), or found every row done by an earlier run.
    case ran(MigrationRun.Report)
    /// No row was written or recorded: the preflight call failed (the first rows may have been
    /// read), or a stop came first. Resumable.
    case notStarted(String)
    /// `--max-changes` refused the run; nothing was written.
    case tooManyChanges(String)
}

extension MigrationRun {
    /// The country whose rules the preflight asks for: one call every Partner Center answers.
    public static let preflightCountry = "US"

    /// Runs `plan` or `apply` from the configuration to its end: checks the files, reads a saved
    /// plan, surveys the input (its SHA-256 in the same read), opens the journal and the report
    /// files, makes the preflight call (beside the first rows' reads),
    /// applies `--max-changes` and `--deadline`, runs the rows and writes the undo file.
    ///
    /// - Parameters:
    ///   - display: receives every row's result in file order, beside the report files (the CLI's
    ///     listing on stdout).
    ///   - stop: the run's stop (signals, the deadline, a row that stops the run).
    ///   - progress: counts rows as they finish; its total is set once the input is surveyed.
    /// - Throws: ``RunRefusal``, ``InputError`` or ``FileError`` when the run cannot start (the
    ///   files, the journal or the input cannot be used); nothing was sent.
    public func execute(display: any RowSink, stop: StopSignal, progress: RunProgress) async throws -> RunEnd {
        if configuration.command == .export {
            return try await executeExport(display: display, stop: stop, progress: progress)
        }
        try files.checkDistinct()
        var configuration = self.configuration
        if configuration.plan == nil { configuration.pinned = PinnedInput(path: configuration.input) }
        var csv = configuration.readPath
        if let path = configuration.plan {
            let plan = try SavedPlanFile(path: path)
            csv = try Self.corrections(
                of: plan, given: configuration.planInput, needed: configuration.failedRows != nil)
            configuration.savedPlan = plan
            if configuration.trustETag, plan.plannedRows > 0, !plan.rowsCarryProfiles {
                logger.warning(
                    """
                    \(path) was saved by an earlier version, without the profiles it read, so --trust-etag cannot \
                    skip the reads: each row is read before it is written (two requests a row). Make the plan again \
                    to write with one.
                    """)
            }
        }
        let run = MigrationRun(configuration: configuration, service: service, logger: logger, rules: rules)
        return try await run.execute(csv: csv, display: display, stop: stop, progress: progress)
    }

    private func execute(csv: String, display: any RowSink, stop: StopSignal, progress: RunProgress) async throws
        -> RunEnd
    {
        // A journal every row of which is done needs only the input's SHA-256; any other run reads
        // the input once for the survey and the SHA-256 together.
        let opened = try openJournal()
        let finished = opened.map { $0.isComplete && !$0.hasOutcomes } ?? false
        let survey = finished ? InputSurvey() : try self.survey()
        progress.start(total: survey.rowCount)
        let journal = try opened.map { open throws(RunRefusal) in try verify(open, digest: survey.sha256) }
        let undo = try configuration.undoFile.map { path throws(FileError) in try PrivateFile(path: path) }
        var writers = try ReportFormat.writers(
            reports: configuration.reports, failedRows: configuration.failedRows, command: configuration.command,
            input: configuration.input, csv: csv, options: configuration.inputOptions)
        if let savePlan = configuration.savePlan {
            let header = SavedPlan.Header(
                toolVersion: configuration.toolVersion, created: ISO8601DateFormatter().string(from: Date()),
                input: configuration.input,
                inputSHA256: try survey.sha256 ?? InputDigest.sha256(path: configuration.readPath),
                allowCountryChange: configuration.allowCountryChange)
            writers.append(try SavedPlanWriter(path: savePlan, header: header))
        }
        // Under apply, an output that fails once writes began ends the run with its summary (exit 3).
        let guarded = configuration.command == .apply ? writers.map(GuardedSink.init) : []
        let sink = SinkGroup([display] + (guarded.isEmpty ? writers : guarded))
        if let journal, journal.isComplete, !journal.hasOutcomes {
            var report = try finishedReport(journal, sink: sink)
            report.undo = try writeUndo(undo, journal: journal)
            return .ran(report)
        }
        // The preflight call goes out beside the first rows' reads (they are held until it is
        // answered), except before a --max-changes dry run, which waits for it.
        let preflight =
            journal?.isComplete != true || configuration.force
            ? PreflightGate { [rules] in
                await stop.cancellable({ await Self.preflight(rules, country: Self.preflightCountry) })
                    ?? "the preflight call was cancelled (\(stop.stopReason.map { "\($0)" } ?? "stopped"))"
            } : nil
        defer { preflight?.cancel() }
        if let limit = configuration.maxChanges, configuration.command == .apply {
            if let problem = await preflight?.problem { return notStarted(problem, journal: journal) }
            if let refusal = await changeCount(exceeds: limit, survey: survey, stop: stop), stop.stopReason == nil {
                journal?.discardIfUnused()
                return .tooManyChanges(refusal)
            }
        }
        if let why = stop.stopReason {
            journal?.discardIfUnused()
            return .notStarted("stopped before any row was started: \(why); nothing was written (exit 3).")
        }
        let deadline = startDeadline(stop)
        defer { deadline?.cancel() }
        var report: Report
        do {
            report = try await run(
                survey: survey, journal: journal, sink: sink, stop: stop, progress: progress, preflight: preflight)
        } catch let failed as PreflightFailed {
            return notStarted(failed.problem, journal: journal)
        }
        if let journal { report.undo = try writeUndo(undo, journal: journal) }
        report.outputFailures = guarded.compactMap(\.failure)
        return .ran(report)
    }

    /// The end of a run whose preflight call failed: no row was written or recorded (the first
    /// rows may have been read).
    private func notStarted(_ problem: String, journal: OpenJournal?) -> RunEnd {
        journal?.discardIfUnused()
        return .notStarted("\(problem)\nNothing was written for any row; fix this and run again (exit 3).")
    }

    /// Every file the run reads or writes, by the option that names it.
    private var files: CommandFiles {
        var files = CommandFiles()
        if let plan = configuration.plan {
            files.reads("--plan", plan)
            files.reads("the corrections file", configuration.planInput)
        } else {
            files.reads("the corrections file", configuration.input)
        }
        files.writes("--journal", configuration.journalPath)
        for path in configuration.reports { files.writes("--report", path) }
        files.writes("--failed-rows", configuration.failedRows)
        files.writes("--undo-file", configuration.undoFile)
        files.writes("--save-plan", configuration.savePlan)
        for path in configuration.alsoWrites { files.writes(path.role, path.path) }
        return files
    }

    /// `--deadline`: a task that stops the run when it is reached, and cancels the calls still in
    /// flight `--grace` later (cancel the task when the run ends).
    func startDeadline(_ stop: StopSignal) -> Task<Void, Never>? {
        configuration.deadline.map { [grace = configuration.grace] limit in
            Task {
                do {
                    try await Task.sleep(for: limit)
                    stop.stop(.deadline(limit))
                    try await Task.sleep(for: grace)
                    stop.cancelInFlight()
                } catch {
                    return
                }
            }
        }
    }

    /// A duration as the options write it: `0.5s`, `300s`.
    static func seconds(_ duration: Duration) -> String { duration.secondsText + "s" }

    /// For `--max-changes`: the plan's row count, or a dry run first (reads only, under the run's
    /// own stop: a signal, the deadline or a spent retry budget stops it, and the run then ends
    /// before its first row); the refusal when more rows would change. A row the dry run could not
    /// read for a transient reason counts as one that may change.
    private func changeCount(exceeds limit: Int, survey: InputSurvey, stop: StopSignal) async -> String? {
        if let plan = configuration.savedPlan {
            guard plan.plannedRows > limit else { return nil }
            return "the plan writes \(plan.plannedRows) rows, more than --max-changes \(limit); nothing was written."
        }
        var dryRun = configuration
        dryRun.command = .plan
        dryRun.journalPath = nil
        let run = MigrationRun(configuration: dryRun, service: service, logger: logger, rules: rules)
        guard
            let report = try? await run.run(
                survey: survey, journal: nil, sink: SinkGroup([]), stop: stop,
                progress: RunProgress(total: survey.rowCount))
        else { return "the dry run for --max-changes could not finish; nothing was written." }
        let pending = report.outcome.summary.count(.wouldChange)
        let unread = report.outcome.transientFailures
        guard pending + unread > limit else { return nil }
        let counted =
            unread == 0
            ? "\(pending) rows would change" : "\(pending) rows would change and \(unread) could not be read"
        return "\(counted), more than --max-changes \(limit); nothing was written. Review them with "
            + "`billing-migrate plan`, then raise the limit or split the file."
    }

    /// `--undo-file`: the values every applied row of the journal replaced, as a corrections file.
    private func writeUndo(_ file: PrivateFile?, journal: OpenJournal) throws -> UndoFile.Written? {
        guard let file else { return nil }
        var written = try UndoFile.write(journal: journal.journal.path, into: file)
        written.path = file.path
        return written
    }

    /// The corrections file behind `plan` when the run needs it (for `--failed-rows`) or the
    /// operator named it: it must be byte for byte the file the plan was made from.
    static func corrections(of plan: SavedPlanFile, given: String?, needed: Bool) throws -> String {
        guard let path = given ?? (needed ? plan.header.input : nil) else { return plan.path }
        guard try InputDigest.sha256(path: path) == plan.header.inputSHA256 else {
            throw RunRefusal(
                .input,
                "\(path) is not the file \(plan.path) was made from (its SHA-256 differs); nothing was sent. Apply "
                    + "the plan without it, or make a new plan from this file.")
        }
        return path
    }
}
