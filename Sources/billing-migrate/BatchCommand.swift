import AddressRules
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

/// The wiring `plan` and `apply` share: the run's configuration from the options, a live
/// connection, signals, progress on stderr; then ``MigrationRun/execute(display:stop:progress:)``
/// and its end printed. No run policy lives here.
struct BatchCommand {
    let command: Command
    /// The corrections file, or under `apply --plan` the plan, or `export`'s `--customers` file.
    let input: String
    private let connection: ConnectionOptions
    private let runOptions: RunOptions
    private let reports: [String]
    private let failedRows: String?
    /// What the subcommand's own option groups set (`plan` and `apply`: the input's format,
    /// `--allow-country-change`, `--verify-address`).
    private var options: (inout RunConfiguration) throws -> Void = { _ in }
    /// Set by the subcommand: `--journal`, `--force`, `--max-changes`, `--save-plan`, `--plan`, …
    var configure: (inout RunConfiguration) -> Void = { _ in }

    init(command: Command, input: String, options: BatchOptions) {
        self.init(
            command: command, input: input, connection: options.connection, run: options.run,
            reports: options.report.reports, failedRows: options.report.failedRows)
        self.options = { configuration in
            configuration.inputOptions = try options.format.fileOptions()
            configuration.allowCountryChange = options.allowCountryChange
            configuration.verifyAddress = options.verifyAddress
        }
    }

    init(
        command: Command, input: String, connection: ConnectionOptions, run: RunOptions, reports: [String],
        failedRows: String? = nil
    ) {
        self.command = command
        self.input = input
        self.connection = connection
        self.runOptions = run
        self.reports = reports
        self.failedRows = failedRows
    }

    /// The run's configuration: every option that changes what it does.
    func configuration() throws -> RunConfiguration {
        var configuration = RunConfiguration(command: command, input: input)
        configuration.concurrency = connection.concurrency
        configuration.etagPlacement = connection.etagIn
        configuration.toolVersion = BillingMigrate.version
        configuration.reports = reports
        configuration.failedRows = failedRows
        configuration.reproduceReports = !reports.isEmpty || failedRows != nil
        configuration.deadline = runOptions.deadlineDuration
        configuration.grace = runOptions.graceDuration
        if connection.sandbox, let state = connection.sandboxState {
            configuration.alsoWrites.append((role: "--sandbox-state", path: state))
        }
        try options(&configuration)
        configure(&configuration)
        return configuration
    }

    func run() async throws {
        // The offline rules are decoded on the other core while the connection, the journal and
        // the input are set up and the preflight call goes out, so the first rows need not wait.
        Task.detached(priority: .userInitiated) { AddressValidator.loadShipped() }
        let logger = runOptions.logger()
        let stop = StopSignal()
        let signals = Self.watchSignals(stop, grace: runOptions.graceDuration)
        defer { withExtendedLifetime(signals) {} }
        let configuration = try configuration()
        let open = try await connection.connect(logger: logger)
        stop.whenStopped { [client = open.client] in client.stopRetrying() }
        let progress = RunProgress()
        let reporter = ProgressReporter(
            command: command, progress: progress, quiet: runOptions.quiet,
            live: isatty(STDERR_FILENO) == 1 && runOptions.logFormat == .text)
        let run = MigrationRun(configuration: configuration, service: open.client, logger: logger)
        let end: RunEnd
        do {
            end = try await run.execute(
                display: ListingSink(quiet: runOptions.quiet, showChanges: true), stop: stop, progress: progress)
        } catch {
            await reporter.finish()
            await open.close()
            throw error
        }
        await reporter.finish()
        await open.close()
        show(end, configuration)
        let status = ExitStatus(end, detailed: configuration.detailedExitCode)
        if status != .success { throw status }
    }

    /// Prints how the run ended: the summary table, the undo file, why it stopped.
    private func show(_ end: RunEnd, _ configuration: RunConfiguration) {
        switch end {
        case .notStarted(let why), .tooManyChanges(let why):
            Console.error("error: \(why)")
        case .ran(let report):
            print(
                SummaryTable.render(
                    report, command: command, input: command == .export ? configuration.export.output : input,
                    journal: configuration.journalPath))
            if command == .export, report.outcome.stopReason == nil {
                print("exported to \(configuration.export.output)")
            }
            if let undo = report.undo {
                for warning in undo.warnings { Console.error("warning: \(warning)") }
                print(
                    "undo file: \(undo.path) (\(undo.rows) row\(undo.rows == 1 ? "" : "s")); to revert, run "
                        + "`billing-migrate apply \(undo.path) --journal <a new journal>` with the same connection "
                        + "options.")
            }
            for failure in report.outputFailures {
                Console.error(
                    "error: \(failure) The rows' outcomes are in the journal \(configuration.journalPath ?? ""); once "
                        + "the file can be written, run the same command again to write the reports from it (exit 3).")
            }
            if let why = report.outcome.stopReason {
                Console.error(
                    "stopped: \(why). \(report.outcome.unfinished) row(s) not done; run the same command again to "
                        + "resume (exit 3).")
            }
        }
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
                stop.stop(.signal(name))
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
