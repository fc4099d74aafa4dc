import Foundation
import Logging
import PartnerCenter

/// `plan` and `apply` from start to end: survey the input, open and check the journal, run the
/// rows, and close the journal with a completion record when every row is done.
public struct MigrationRun {
    public let configuration: RunConfiguration
    public let service: any ProfileService
    public let logger: Logger
    /// Partner Center's country rules as the run fetches them: shared by the preflight, the dry
    /// run of `--max-changes` and the rows.
    let rules: CountryRulesCache

    public init(configuration: RunConfiguration, service: any ProfileService, logger: Logger) {
        self.init(
            configuration: configuration, service: service, logger: logger,
            rules: CountryRulesCache(service: service, logger: logger))
    }

    init(configuration: RunConfiguration, service: any ProfileService, logger: Logger, rules: CountryRulesCache) {
        self.configuration = configuration
        self.service = service
        self.logger = logger
        self.rules = rules
    }

    /// What a finished (or stopped) run did.
    public struct Report: Sendable {
        public var outcome: BatchRunner.Outcome
        /// `true` when the journal showed every row already done and nothing was read or sent.
        public var alreadyComplete: Bool
        /// `--undo-file`: what was written.
        public var undo: UndoFile.Written?
        /// Output files that could not be written (``GuardedSink``): the run ends with exit 3.
        public var outputFailures: [String] = []
    }

    /// Checks the input (the whole file, before any request) and returns what the run needs of it,
    /// the file's SHA-256 included (one read for both).
    /// - Throws: ``RunRefusal`` (`.input`) for a file that cannot be used, or malformed rows under `apply`.
    public func survey() throws -> InputSurvey {
        if let plan = configuration.savedPlan { return InputSurvey(rowCount: plan.plannedRows) }
        let survey: InputSurvey
        do {
            survey = try InputSurvey(path: configuration.readPath, options: configuration.inputOptions, digest: true)
        } catch {
            // Named as the operator gave it, not by the descriptor it was read through.
            throw RunRefusal(.input, InputError(path: configuration.input, line: error.line, error.message).description)
        }
        if configuration.command == .apply, !survey.malformedLines.isEmpty {
            let lines = survey.malformedLines.prefix(10).map(String.init).joined(separator: ", ")
            throw RunRefusal(
                .input,
                "\(configuration.input): \(survey.malformedLines.count) row(s) are not well-formed CSV (line \(lines)"
                    + "\(survey.malformedLines.count > 10 ? ", …" : "")); nothing was sent. Run `billing-migrate "
                    + "validate` for details, fix the file, and run again.")
        }
        return survey
    }

    /// An opened journal, with what it says and the input's digest.
    public struct OpenJournal: Sendable {
        public let journal: Journal
        public let replay: Journal.Replay
        var digest = ""

        /// Whether an earlier run finished every row: nothing is left to read or send.
        public var isComplete: Bool { replay.complete != nil }
        /// Removes the journal file when this run created it and recorded no row in it, only its
        /// header or nothing (a run that ends before its first row leaves no journal behind).
        public func discardIfUnused() {
            guard replay.header == nil, replay.outcomes.isEmpty, replay.pendingIntents.isEmpty,
                let size = try? FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int,
                size < 1 << 16, let contents = FileManager.default.contents(atPath: journal.path),
                contents.dropLast().firstIndex(of: UInt8(ascii: "\n")) == nil
            else { return }
            try? FileManager.default.removeItem(atPath: journal.path)
        }

        /// Whether the finished journal was replayed row by row (its rows can be reported again).
        public var hasOutcomes: Bool { !replay.outcomes.isEmpty }
    }

    /// Opens the journal for `apply` and locks it; ``verify(_:digest:)`` then checks it belongs to
    /// this input.
    /// - Throws: ``RunRefusal``: `.unavailable` when locked, `.input` for an unusable file.
    public func openJournal() throws(RunRefusal) -> OpenJournal? {
        guard let path = configuration.journalPath else { return nil }
        let (journal, replay) = try Journal.open(
            path: path, replayOutcomes: configuration.reproduceReports || configuration.force)
        if replay.tornTail { logger.warning("the journal's last line was torn (a crash mid-write); it was cut off") }
        if let repair = replay.tornLinesWarning { logger.warning("\(repair)") }
        return OpenJournal(journal: journal, replay: replay)
    }

    /// `open` once checked against the input, whose SHA-256 is `digest` (the survey's; read from
    /// the file when `nil`; a saved plan's own under `--plan`).
    /// - Throws: ``RunRefusal`` (`.input`) when the journal was started with another input.
    public func verify(_ open: OpenJournal, digest known: String?) throws(RunRefusal) -> OpenJournal {
        var open = open
        do {
            open.digest =
                try configuration.savedPlan?.sha256 ?? known ?? InputDigest.sha256(path: configuration.readPath)
        } catch {
            throw RunRefusal(.input, "\(error)")
        }
        if open.replay.header?.command == Command.export.rawValue {
            throw RunRefusal(
                .input,
                "\(open.journal.path) is an export's journal, not a run's; give this run a --journal of its own.")
        }
        if let header = open.replay.header, header.inputSHA256 != open.digest, !configuration.force {
            throw RunRefusal(
                .input,
                "\(configuration.input) is not the file \(open.journal.path) was started with (its SHA-256 differs): "
                    + "resuming would match rows by line against another file. Use a new --journal for the edited "
                    + "file, or pass --force to resume anyway.")
        }
        return open
    }

    /// The report of a journal whose every row an earlier run finished: its counts, nothing sent.
    public func finishedReport(_ open: OpenJournal, sink: any RowSink) throws -> Report {
        var summary = RunSummary(command: configuration.command)
        summary.addEarlier(open.replay.complete ?? [:])
        try sink.finish(summary)
        return Report(
            outcome: .init(summary: summary, stopReason: nil, unfinished: 0, earlier: [:]), alreadyComplete: true)
    }

    /// Runs every row, writing results to `sink` in file order.
    /// - Parameter preflight: the preflight call under way, when the rows start beside it.
    /// - Throws: ``PreflightFailed`` when it failed (nothing was written or recorded).
    func run(
        survey: InputSurvey, journal open: OpenJournal?, sink: any RowSink, stop: StopSignal, progress: RunProgress,
        preflight: PreflightGate? = nil
    ) async throws -> Report {
        if let open {
            if open.isComplete, !open.hasOutcomes { return try finishedReport(open, sink: sink) }
            if open.replay.header == nil {
                try await open.journal.append(
                    .header(
                        .init(
                            toolVersion: configuration.toolVersion, inputSHA256: open.digest,
                            input: configuration.input,
                            rows: survey.rowCount, started: ISO8601DateFormatter().string(from: Date()))))
            }
        }
        let journal = open.map { ($0.journal, $0.replay) }
        let bounded = BoundedProfileService(
            base: preflight.map { GatedProfileService(base: service, gate: $0) } ?? service,
            slots: RequestSlots(configuration.concurrency), stop: stop)
        var processor = RowProcessor(
            service: bounded,
            planner: Planner(allowCountryChange: configuration.allowCountryChange),
            rules: rules, journal: journal?.0,
            maxConflictRetries: configuration.maxConflictRetries, verifyAddress: configuration.verifyAddress,
            etagPlacement: configuration.etagPlacement, trustPlannedETags: configuration.trustETag, logger: logger)
        processor.preflight = preflight
        var runner = BatchRunner(
            command: configuration.command, path: configuration.readPath, options: configuration.inputOptions,
            processor: processor, duplicates: survey, replay: journal?.1,
            rowsUnderWay: configuration.rowsUnderWay,
            stop: stop, progress: progress)
        runner.savedPlan = configuration.savedPlan
        runner.force = configuration.force
        runner.reorderWindow = configuration.reorderWindow
        runner.preflight = preflight
        runner.bounded = bounded
        let outcome = try await runner.run(sink: sink)
        try sink.finish(outcome.summary)
        // Complete only when no row is left to do: not after a stop, nor with transient failures.
        if let journal = journal?.0, outcome.stopReason == nil, outcome.unfinished == 0,
            outcome.transientFailures == 0
        {
            var counts: [String: Int] = [:]
            for result in RowResult.Outcome.allCases {
                counts[result.rawValue, default: 0] += outcome.summary.count(result)
            }
            try await journal.append(.complete(counts: counts.filter { $0.value > 0 }))
        }
        return Report(outcome: outcome, alreadyComplete: false)
    }

    /// One authenticated call at the start, so that broken credentials end the run at once: the
    /// rules of `country`, kept in `rules` for the rows.
    /// - Returns: `nil` when Partner Center answered; otherwise what to tell the operator.
    static func preflight(_ rules: CountryRulesCache, country: String) async -> String? {
        guard let error = await rules.preflight(country, correlationId: UUID().uuidString.lowercased()) else {
            return nil
        }
        switch error.kind {
        case .authentication:
            return "Partner Center sign-in failed: \(error.summary)"
        case .transport(ambiguous: _):
            return "Partner Center cannot be reached: \(error.summary)"
        case .retryBudgetExhausted, .waitTooLong, .cancelled:
            return error.summary
        case .http where error.refusesAccess:
            return
                "Partner Center refused the credentials (HTTP \(error.status ?? 0)\(error.code.map { ", code \($0)" } ?? "")): "
                + "check the app's consent, its Partner Center role, and the tenant."
        case .http where error.meaning == .transient:
            return "Partner Center is failing (\(error.summary)); the run does not start into an outage"
        case .http, .invalidResponse:
            return nil
        }
    }
}
