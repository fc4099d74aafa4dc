import ArgumentParser
import Dispatch
import Foundation
import Logging
import Migration
import PartnerCenter
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The run `plan` and `apply` share: connect, check, run the rows with progress and signals, report.
struct BatchCommand {
    let command: BatchRunner.Command
    /// The corrections file, or under `apply --plan` the plan.
    let input: String
    let options: BatchOptions
    /// `apply --journal`.
    var journal: String?
    /// `apply --force`: resume though the input changed.
    var force = false
    /// `plan --detailed-exitcode`: exit 4 when changes are pending and nothing is invalid or failed.
    var detailedExitCode = false
    /// `apply --max-changes`: refuse to write anything when more rows would change.
    var maxChanges: Int?
    /// `plan --save-plan`.
    var savePlan: String?
    /// `apply --plan`: the saved plan to apply.
    var savedPlan: String?
    /// The corrections file given beside `--plan`: it must be the one the plan was made from.
    var planInput: String?
    /// `apply --undo-file`.
    var undoFile: String?

    init(command: BatchRunner.Command, input: String, options: BatchOptions) {
        self.command = command
        self.input = input
        self.options = options
    }

    /// Every file the command reads or writes, by the option that names it.
    private var files: CommandFiles {
        var files = CommandFiles()
        if let savedPlan {
            files.reads("--plan", savedPlan)
            files.reads("the corrections file", planInput)
        } else {
            files.reads("the corrections file", input)
        }
        files.writes("--journal", journal)
        for path in report.reports { files.writes("--report", path) }
        files.writes("--failed-rows", report.failedRows)
        files.writes("--undo-file", undoFile)
        files.writes("--save-plan", savePlan)
        files.writes("--sandbox-state", connection.sandbox ? connection.sandboxState : nil)
        return files
    }

    private var report: ReportOptions { options.report }
    private var connection: ConnectionOptions { options.connection }
    private var runOptions: RunOptions { options.run }

    func run() async throws {
        let logger = runOptions.logger()
        let stop = StopSignal()
        let signals = Self.watchSignals(stop, grace: runOptions.graceDuration)
        defer { withExtendedLifetime(signals) {} }
        do {
            try files.checkDistinct()
        } catch {
            Console.error("error: \(error)")
            throw ExitStatus.usage.exitCode
        }
        var configuration = RunConfiguration(command: command, input: input)
        configuration.inputOptions = try options.format.fileOptions()
        configuration.concurrency = connection.concurrency
        configuration.journalPath = journal
        configuration.force = force
        configuration.allowCountryChange = options.allowCountryChange
        configuration.verifyAddress = options.verifyAddress
        configuration.etagPlacement = connection.etagIn
        configuration.toolVersion = BillingMigrate.version
        configuration.reproduceReports = !report.reports.isEmpty || report.failedRows != nil
        var csv = input
        if let savedPlan {
            do {
                let plan = try SavedPlanFile(path: savedPlan)
                csv = try Self.corrections(of: plan, given: planInput, needed: report.failedRows != nil)
                configuration.savedPlan = plan
            } catch {
                Console.error("error: \(error)")
                throw ExitStatus.usage.exitCode
            }
        }

        let open = try await connection.connectOrExit(logger: logger)
        let status = await execute(configuration, csv: csv, connection: open, stop: stop, logger: logger)
        await open.close()
        if status != .success { throw status.exitCode }
    }

    private func execute(
        _ configuration: RunConfiguration, csv: String, connection open: Connection, stop: StopSignal, logger: Logger
    ) async -> ExitStatus {
        let run = MigrationRun(configuration: configuration, service: open.client, logger: logger)
        do {
            let journal = try run.openJournal()
            let undo = try undoFile.map { path throws(FileError) in try PrivateFile(path: path) }
            var writers = try report.sinks(
                command: command.rawValue, input: input, csv: csv, options: configuration.inputOptions)
            if let savePlan {
                let header = SavedPlan.Header(
                    toolVersion: BillingMigrate.version, created: ISO8601DateFormatter().string(from: Date()),
                    input: input, inputSHA256: try InputDigest.sha256(path: input),
                    allowCountryChange: configuration.allowCountryChange)
                writers.append(try SavedPlanWriter(path: savePlan, header: header))
            }
            if let journal, journal.isComplete, !journal.hasOutcomes {
                let sink = SinkGroup([ListingSink(quiet: runOptions.quiet)] + writers)
                let report = try run.finishedReport(journal, sink: sink)
                print(SummaryTable.render(report, command: command, input: input, journal: journal.journal.path))
                try writeUndo(undo, journal: journal.journal.path)
                return exitStatus(report)
            }
            let survey = try run.survey()
            let client = open.client
            if journal?.isComplete != true || force,
                let problem = await stop.cancellable({ await MigrationRun.preflight(client, country: "US") })
                    ?? "the preflight call was cancelled (\(stop.stopReason ?? "stopped"))"
            {
                Console.error("error: \(problem)\nNothing was sent for any row; fix this and run again (exit 3).")
                journal?.discardIfUnused()
                return .interrupted
            }
            if let maxChanges, command == .apply,
                let refusal = await changeCount(
                    exceeds: maxChanges, configuration, survey: survey, client: open.client, logger: logger)
            {
                Console.error("error: \(refusal)")
                return .usage
            }
            if let why = stop.stopReason {
                Console.error("stopped before any row was started: \(why); nothing was sent (exit 3).")
                journal?.discardIfUnused()
                return .interrupted
            }
            let deadline = runOptions.deadlineDuration.map { limit in
                Task {
                    try? await Task.sleep(for: limit)
                    if !Task.isCancelled { stop.stop("the --deadline of \(runOptions.deadline ?? "") was reached") }
                }
            }
            let progress = RunProgress(total: survey.rowCount)
            let reporter = ProgressReporter(
                command: command.rawValue, progress: progress, quiet: runOptions.quiet,
                live: isatty(STDERR_FILENO) == 1 && runOptions.logFormat == .text)
            let sink = SinkGroup([ListingSink(quiet: runOptions.quiet, showChanges: true)] + writers)
            let report = try await run.run(survey: survey, journal: journal, sink: sink, stop: stop, progress: progress)
            await reporter.finish()
            deadline?.cancel()
            print(SummaryTable.render(report, command: command, input: input, journal: journal?.journal.path))
            if let journal { try writeUndo(undo, journal: journal.journal.path) }
            if let why = report.outcome.stopReason {
                Console.error(
                    "stopped: \(why). \(report.outcome.unfinished) row(s) not done; run the same command again to "
                        + "resume (exit 3).")
                return .interrupted
            }
            return exitStatus(report)
        } catch let refusal as RunRefusal {
            Console.error("error: \(refusal)")
            return refusal.kind == .input ? .usage : .interrupted
        } catch let error as FileError {
            Console.error("error: \(error)")
            return .usage
        } catch let error as InputError {
            Console.error("error: \(error)")
            return .usage
        } catch {
            Console.error("error: \(error)")
            return .interrupted
        }
    }

    /// 1 when any row, in this run or an earlier one of the journal, is invalid, failed or in conflict;
    /// under `--detailed-exitcode`, 4 when changes are pending and nothing else is wrong.
    private func exitStatus(_ report: MigrationRun.Report) -> ExitStatus {
        if report.outcome.summary.unsuccessful > 0 { return .rowsFailed }
        if detailedExitCode, report.outcome.summary.count(.wouldChange) > 0 { return .changesPending }
        return .success
    }

    /// For `--max-changes`: the plan's row count, or a dry run first (reads only); the refusal when
    /// more rows would change.
    private func changeCount(
        exceeds limit: Int, _ configuration: RunConfiguration, survey: InputSurvey, client: PartnerCenterClient,
        logger: Logger
    ) async -> String? {
        if let plan = configuration.savedPlan {
            guard plan.plannedRows > limit else { return nil }
            return "the plan writes \(plan.plannedRows) rows, more than --max-changes \(limit); nothing was written."
        }
        var dryRun = configuration
        dryRun.command = .plan
        dryRun.journalPath = nil
        let run = MigrationRun(configuration: dryRun, service: client, logger: logger)
        guard
            let report = try? await run.run(
                survey: survey, journal: nil, sink: SinkGroup([]), stop: StopSignal(),
                progress: RunProgress(total: survey.rowCount))
        else { return "the dry run for --max-changes could not finish; nothing was written." }
        let pending = report.outcome.summary.count(.wouldChange)
        guard pending > limit else { return nil }
        return "\(pending) rows would change, more than --max-changes \(limit); nothing was written. Review them with "
            + "`billing-migrate plan`, then raise the limit or split the file."
    }

    /// `--undo-file`: the values every applied row of the journal replaced, as a corrections file.
    private func writeUndo(_ file: PrivateFile?, journal: String) throws {
        guard let file else { return }
        let written = try UndoFile.write(journal: journal, into: file)
        for warning in written.warnings { Console.error("warning: \(warning)") }
        let rows = written.rows
        print(
            "undo file: \(file.path) (\(rows) row\(rows == 1 ? "" : "s")); to revert, run `billing-migrate apply "
                + "\(file.path) --journal <a new journal>` with the same connection options.")
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

    /// SIGINT and SIGTERM stop the run from taking rows; rows in flight settle and the journal is flushed.
    /// SIGINT, SIGTERM and SIGHUP: the first stops the run (no new rows) and, after `grace`, cancels
    /// the rows still in flight; whatever happens, the process ends by `grace` + 1 s. A second
    /// signal exits 3 at once: the journal is consistent at every instant (writes in doubt are read
    /// back on resume).
    private static func watchSignals(_ stop: StopSignal, grace: Duration) -> [any DispatchSourceSignal] {
        let received = Mutex(0)
        return [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let count = received.withLock { count in
                    count += 1
                    return count
                }
                guard count == 1 else {
                    Console.error("\(name) again: exiting now (exit 3); run the same command to resume.")
                    exit(ExitStatus.interrupted.rawValue)
                }
                stop.stop("interrupted by \(name)")
                let graceNanoseconds =
                    Int(grace.components.seconds) * 1_000_000_000
                    + Int(grace.components.attoseconds / 1_000_000_000)
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(graceNanoseconds)) {
                    stop.cancelInFlight()
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(graceNanoseconds) + .seconds(1)) {
                    Console.error(
                        "stopped: \(name), and the rows in flight did not end within the grace period; exiting "
                            + "(exit 3). Run the same command to resume: writes in doubt are read back.")
                    exit(ExitStatus.interrupted.rawValue)
                }
            }
            source.resume()
            return source
        }
    }
}
