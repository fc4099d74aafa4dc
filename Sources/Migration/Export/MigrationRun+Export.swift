import Foundation

extension MigrationRun {
    /// What an export's journal records as its input's SHA-256 under `--all`, which has no file.
    static let allCustomersDigest = "all-customers"

    /// `export`: every customer of the `--customers` file (or of the partner, `--all`) read into
    /// a corrections file of their current addresses, with the same preflight, limiter, retries,
    /// stop and reports as `apply`. With a journal, each exported row is recorded in the file's
    /// order, so that a stopped export resumes where it stopped: the rows already read are written
    /// again from the journal, and their customers are not read again. The file appears, renamed
    /// into place, only when every customer has a result.
    /// - Throws: ``RunRefusal``, ``InputError`` or ``FileError`` when the export cannot start or
    ///   the customer list cannot be read on (the journal keeps what was read).
    func executeExport(display: any RowSink, stop: StopSignal, progress: RunProgress) async throws -> RunEnd {
        var files = CommandFiles()
        let fromFile = !configuration.input.isEmpty
        if fromFile { files.reads("--customers", configuration.input) }
        files.writes("the exported file", configuration.export.output)
        files.writes("--journal", configuration.journalPath)
        for path in configuration.reports { files.writes("--report", path) }
        files.writes("--failed-rows", configuration.failedRows)
        for path in configuration.alsoWrites { files.writes(path.role, path.path) }
        try files.checkDistinct()
        if Journal.isJournal(path: configuration.export.output) {
            throw RunRefusal(
                .input,
                "\(configuration.export.output) is a journal of an earlier run; writing the export over it would "
                    + "lose what that run recorded. Give the export another path; nothing was read or sent.")
        }

        var digest = Self.allCustomersDigest
        if fromFile {
            var options = configuration.inputOptions
            options.ignoreUnknownColumns = true
            let survey = try InputSurvey(path: configuration.input, options: options, digest: true)
            digest = survey.sha256 ?? ""
            progress.start(total: survey.rowCount)
        }
        let journal = try openJournal()
        if let header = journal?.replay.header {
            guard header.command == Command.export.rawValue else {
                throw RunRefusal(
                    .input,
                    "\(journal?.journal.path ?? ""): this journal belongs to an apply run, not an export; give the "
                        + "export a --journal of its own.")
            }
            if header.inputSHA256 != digest, !configuration.force {
                throw RunRefusal(
                    .input,
                    "\(journal?.journal.path ?? "") was started for another export (\(header.input)); resuming it "
                        + "would mix two lists of customers. Use a new --journal, or pass --force to go on anyway.")
            }
        }
        let file = try ExportFile(
            path: configuration.export.output, bom: configuration.export.byteOrderMark, raw: configuration.export.raw,
            snapshot: configuration.export.snapshot)
        if let journal, !journal.replay.exported.isEmpty {
            try Journal.forEachEntry(path: journal.journal.path) { entry throws(RunRefusal) in
                guard case .exported(let row) = entry else { return }
                do { try file.write(row) } catch { throw RunRefusal(.input, "\(error)") }
            }
        }
        let sink = SinkGroup(
            [display]
                + (try ReportFormat.writers(
                    reports: configuration.reports, failedRows: fromFile ? configuration.failedRows : nil,
                    command: .export, input: configuration.input, csv: configuration.input,
                    options: configuration.inputOptions)))

        let (service, rules) = (self.service, self.rules)
        if let problem = await stop.cancellable({ await Self.preflight(rules, country: Self.preflightCountry) })
            ?? "the preflight call was cancelled (\(stop.stopReason.map { "\($0)" } ?? "stopped"))"
        {
            journal?.discardIfUnused()
            return .notStarted("\(problem)\nNothing was read; fix this and run again (exit 3).")
        }
        if let journal, journal.replay.header == nil {
            try await journal.journal.append(
                .header(
                    .init(
                        command: Command.export.rawValue, toolVersion: configuration.toolVersion,
                        inputSHA256: digest, input: fromFile ? configuration.input : "--all", rows: progress.total,
                        started: ISO8601DateFormatter().string(from: Date()))))
        }
        let deadline = startDeadline(stop)
        defer { deadline?.cancel() }

        let source: any ExportSource =
            fromFile
            ? CustomerFileSource(path: configuration.input, options: configuration.inputOptions)
            : CustomerListSource(service: service, stop: stop)
        let processor = RowProcessor(
            service: service, planner: Planner(allowCountryChange: false),
            rules: rules, journal: nil, maxConflictRetries: 0,
            logger: logger)
        // One call a customer, and nothing between calls to wait for: as many rows under way as
        // calls in flight.
        var runner = BatchRunner(
            command: .export, path: configuration.input, options: configuration.inputOptions, processor: processor,
            duplicates: InputSurvey(), replay: nil, rowsUnderWay: max(1, configuration.concurrency), stop: stop,
            progress: progress)
        runner.reorderWindow = configuration.reorderWindow
        let recorder = journal?.journal
        let outcome = try await runner.export(source, done: journal?.replay.exported ?? [], sink: sink) { result in
            guard let row = JournalEntry.Exported(result) else { return }
            try await recorder?.record(.exported(row))
            try file.write(row)
        }
        try sink.finish(outcome.summary)
        try await recorder?.synced()
        if outcome.stopReason == nil { try file.commit() }
        return .ran(Report(outcome: outcome, alreadyComplete: false))
    }
}
