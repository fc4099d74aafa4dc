import AddressRules
import Foundation
import Logging
import PartnerCenter
import Testing

@testable import Migration

/// Whole `plan` and `apply` runs through ``MigrationRun/execute(display:stop:progress:)``, against
/// ``FakePartnerCenter``: the window of rows in flight, file order, stops, resume, the journal's
/// completion record, `--max-changes`, `--deadline`, saved plans, exit codes and reports.
@Suite("A whole plan or apply run, in process")
struct MigrationRunTests {
    /// A folder of its own with a corrections file: one row per customer, each asking for a city.
    struct Fixture {
        let folder: URL
        let customers: [String]
        let input: String

        /// Rows for customers 1, 2, … asking for `cities` (a profile's city is Redmond).
        init(cities: [String]) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            customers = cities.indices.map { String(format: "3c9a8b2e-1f4d-4a6b-9e2c-%012x", $0 + 1) }
            input = folder.appendingPathComponent("corrections.csv").path
            let rows = zip(customers, cities).map { "\($0),\($1)\n" }
            try ("customerId,city\n" + rows.joined()).write(toFile: input, atomically: true, encoding: .utf8)
        }

        /// `count` rows that would each change the city to Bellevue.
        init(rows count: Int) throws {
            try self.init(cities: Array(repeating: "Bellevue", count: count))
        }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        var journal: String { path("journal.jsonl") }

        /// The file line of the row at `index` (the header is line 1).
        func line(_ index: Int) -> Int { index + 2 }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    private static let logger = Logger(label: "MigrationRunTests") { _ in SwiftLogNoOpLogHandler() }

    private static func apply(_ fixture: Fixture, concurrency: Int = 4) -> RunConfiguration {
        var configuration = RunConfiguration(command: .apply, input: fixture.input)
        configuration.journalPath = fixture.journal
        configuration.concurrency = concurrency
        return configuration
    }

    private static func plan(_ fixture: Fixture, concurrency: Int = 4) -> RunConfiguration {
        var configuration = RunConfiguration(command: .plan, input: fixture.input)
        configuration.concurrency = concurrency
        return configuration
    }

    /// `plan --save-plan` of the fixture's rows against `fake`; the plan's path.
    private static func savePlan(_ fixture: Fixture, _ fake: FakePartnerCenter) async throws -> String {
        var planning = plan(fixture)
        planning.savePlan = fixture.path("plan.json")
        _ = try await execute(planning, fake)
        return fixture.path("plan.json")
    }

    /// `apply --plan PLAN --journal … [--trust-etag]`.
    private static func applyPlan(_ fixture: Fixture, _ path: String, trustETag: Bool) -> RunConfiguration {
        var configuration = RunConfiguration(command: .apply, input: path)
        configuration.plan = path
        configuration.journalPath = fixture.journal
        configuration.trustETag = trustETag
        return configuration
    }

    /// Runs `configuration` to its end; the rows as the display received them.
    private static func execute(
        _ configuration: RunConfiguration, _ service: FakePartnerCenter, stop: StopSignal = StopSignal(),
        progress: RunProgress = RunProgress()
    ) async throws -> (RunEnd, CollectingSink) {
        let sink = CollectingSink()
        let run = MigrationRun(configuration: configuration, service: service, logger: logger)
        let end = try await run.execute(display: sink, stop: stop, progress: progress)
        return (end, sink)
    }

    /// Starts `configuration` in a task of its own, for a test to act while it runs; the task
    /// ends with how the run ended and the rows the display received.
    private static func start(
        _ configuration: RunConfiguration, _ service: FakePartnerCenter, stop: StopSignal = StopSignal()
    ) -> Task<(RunEnd, [RowResult]), any Error> {
        Task {
            let (end, sink) = try await execute(configuration, service, stop: stop)
            return (end, sink.rows)
        }
    }

    /// The report of a run that went through its rows.
    private static func report(_ end: RunEnd) throws -> MigrationRun.Report {
        guard case .ran(let report) = end else {
            Issue.record("the run did not go through its rows: \(end)")
            throw ExitStatus(end, detailed: false)
        }
        return report
    }

    /// Waits until `condition` holds, checking it every millisecond; `false` after 10 s.
    private static func eventually(_ condition: @Sendable () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return true
    }

    private static func repeated(_ outcome: RowResult.Outcome, _ count: Int) -> [RowResult.Outcome] {
        Array(repeating: outcome, count: count)
    }

    private static let budgetSpent = PartnerCenterError(kind: .retryBudgetExhausted, status: 503)

    // MARK: - The window of rows in flight

    @Test(
        "--concurrency 3: never more than 3 calls in flight over 20 slow rows, and 3 at once", .timeLimit(.minutes(1)))
    func concurrencyBound() async throws {
        let fixture = try Fixture(rows: 20)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        // The first three reads answer only once three are in flight: the window must fill.
        fake.holdFirstReads(until: 3)
        for customer in fixture.customers { fake.delayReads(customer, by: .milliseconds(2)) }
        let (end, sink) = try await Self.execute(Self.plan(fixture, concurrency: 3), fake)
        #expect(fake.calls.maxInFlight == 3)
        #expect(fake.calls.totalGets == 20)
        #expect(sink.rows.map(\.outcome) == Self.repeated(.wouldChange, 20))
        #expect(ExitStatus(end, detailed: false) == .success)
    }

    @Test(
        "a row waiting for its country's rules leaves its call's slot to the next rows: at --concurrency 2, four rows are read and written meanwhile, never more than 2 calls at once",
        .timeLimit(.minutes(1)))
    func rowWaitingForRulesLeavesItsSlot() async throws {
        let fixture = try Fixture(rows: 6)
        defer { fixture.remove() }
        let rows = fixture.customers.enumerated().map { index, customer in
            index < 2 ? "\(customer),CA,ON,K1A 0B1,Ottawa\n" : "\(customer),,,,Bellevue\n"
        }
        try ("customerId,country,state,postalCode,city\n" + rows.joined())
            .write(toFile: fixture.input, atomically: true, encoding: .utf8)
        let fake = FakePartnerCenter(customers: fixture.customers)
        fake.holdRules(of: "CA")
        var configuration = Self.apply(fixture, concurrency: 2)
        configuration.allowCountryChange = true
        let running = Self.start(configuration, fake)
        #expect(
            await fake.wait { $0.totalPuts == 4 },
            "the four rows after the two waiting for Canada's rules are written meanwhile: \(fake.calls)")
        #expect(fake.calls.puts[fixture.customers[0]] == nil && fake.calls.puts[fixture.customers[1]] == nil)
        fake.releaseRules()
        let (end, results) = try await running.value
        #expect(results.map(\.outcome) == Self.repeated(.applied, 6), "in file order")
        #expect(fake.calls.maxInFlight == 2, "the rows' calls stay within --concurrency")
        #expect(fake.calls.rulesAsked == 2, "the preflight's US, and Canada once for both rows")
        #expect(ExitStatus(end, detailed: false) == .success)
    }

    @Test(
        "the preflight call goes out beside the first reads: rows are read while it is unanswered, nothing is written or journaled before it passes",
        .timeLimit(.minutes(1)))
    func preflightBesideFirstReads() async throws {
        let fixture = try Fixture(rows: 6)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        fake.holdRules()
        let running = Self.start(Self.apply(fixture, concurrency: 3), fake)
        #expect(await fake.wait { $0.rulesAsked == 1 && $0.answeredGets.count == 3 }, "\(fake.calls)")
        #expect(fake.calls.totalGets == 3, "the three rows in flight wait for the preflight: no fourth is taken")
        #expect(fake.calls.totalPuts == 0)
        let journal = (try? String(contentsOfFile: fixture.journal, encoding: .utf8)) ?? ""
        #expect(!journal.contains("\"intent\"") && !journal.contains("\"outcome\""), "\(journal)")
        fake.releaseRules()
        let (end, rows) = try await running.value
        #expect(rows.map(\.outcome) == Self.repeated(.applied, 6))
        #expect(fake.calls.totalPuts == 6)
        #expect(fake.calls.rulesAsked == 1)
        #expect(ExitStatus(end, detailed: false) == .success)
    }

    @Test(
        "a preflight refused after the first rows were read: no row written, listed or journaled, no journal left, exit 3",
        .timeLimit(.minutes(1)))
    func preflightRefusedAfterReads() async throws {
        let fixture = try Fixture(rows: 6)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        fake.holdRules(answering: Self.refused)
        let running = Self.start(Self.apply(fixture, concurrency: 3), fake)
        #expect(await fake.wait { $0.answeredGets.count == 3 }, "\(fake.calls)")
        fake.releaseRules()
        let (end, rows) = try await running.value
        guard case .notStarted(let why) = end else {
            Issue.record("the run went on: \(end)")
            return
        }
        #expect(why.contains("refused the credentials (HTTP 401, code 800001)"), "\(why)")
        #expect(why.contains("Nothing was written for any row"), "\(why)")
        #expect(rows.isEmpty, "\(rows.map(\.outcome))")
        #expect(fake.calls.totalPuts == 0)
        #expect(fake.calls.totalGets == 3, "no profile is read once the refusal is known")
        #expect(!FileManager.default.fileExists(atPath: fixture.journal), "a journal of no rows was left behind")
        #expect(ExitStatus(end, detailed: false) == .interrupted)
    }

    private static let refused = PartnerCenterError(kind: .http, status: 401, code: "800001")

    @Test(
        "apply --plan --trust-etag with a preflight refused: the rows, which write without reading, journal no intent before it; no journal left",
        .timeLimit(.minutes(1)))
    func preflightRefusedBeforeTrustedWrites() async throws {
        let fixture = try Fixture(rows: 4)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        let planPath = try await Self.savePlan(fixture, fake)
        fake.holdRules(answering: Self.refused)
        let running = Self.start(Self.applyPlan(fixture, planPath, trustETag: true), fake)
        #expect(await fake.wait { $0.rulesAsked == 2 }, "the plan's preflight, then the apply's")
        // The rows read nothing: they wait only for the US rules, which the preflight's answer
        // brings, and then go straight to their writes.
        fake.releaseRules()
        let (end, _) = try await running.value
        guard case .notStarted = end else {
            Issue.record("the run went on: \(end)")
            return
        }
        #expect(fake.calls.totalPuts == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.journal), "a journal with intents was left behind")
    }

    @Test("a file of no rows still ends with the preflight's refusal: exit 3, no journal left", .timeLimit(.minutes(1)))
    func preflightRefusedWithoutRows() async throws {
        let fixture = try Fixture(cities: [])
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: [])
        fake.holdRules(answering: Self.refused)
        fake.releaseRules()
        let (end, _) = try await Self.execute(Self.apply(fixture), fake)
        #expect(ExitStatus(end, detailed: false) == .interrupted, "\(end)")
        #expect(!FileManager.default.fileExists(atPath: fixture.journal), "a journal was left behind")
    }

    @Test(
        "a stop during a preflight that does not answer ends the run at once (the call is cancelled): exit 3, nothing written",
        .timeLimit(.minutes(1)))
    func stopDuringHangingPreflight() async throws {
        let fixture = try Fixture(rows: 3)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        fake.holdRules()
        let stop = StopSignal()
        let started = ContinuousClock.now
        let running = Self.start(Self.apply(fixture), fake, stop: stop)
        #expect(await fake.wait { $0.rulesAsked == 1 })
        stop.stop(.signal("SIGTERM"))
        stop.cancelInFlight()
        let (end, _) = try await running.value
        // Without the cancellation the held preflight ends the run after 30 s; a loaded CI machine
        // took 5.1 s to get here with it.
        #expect(ContinuousClock.now - started < .seconds(15), "the held preflight was not cancelled")
        guard case .notStarted(let why) = end else {
            Issue.record("the run went on: \(end)")
            return
        }
        // The stop may be seen at the preflight's cancellation or at the check before the first row,
        // whichever the run reaches first: either way nothing was written.
        #expect(why.contains("cancelled") || why.contains("stopped before any row was started"), "\(why)")
        #expect(fake.calls.totalPuts == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.journal), "a journal of no rows was left behind")
    }

    @Test("rows that finish late are still listed in file order, every row once", .timeLimit(.minutes(1)))
    func fileOrder() async throws {
        let fixture = try Fixture(rows: 8)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        // The first two rows are held while the six after them finish through the other slots.
        fake.hold(customers[0...1])
        let progress = RunProgress()
        let releaser = Task {
            let othersDone = await Self.eventually { progress.snapshot.done >= 6 }
            fake.releaseAll()
            return othersDone
        }
        let (_, sink) = try await Self.execute(Self.plan(fixture, concurrency: 4), fake, progress: progress)
        #expect(await releaser.value, "the rows after the held ones finished first")
        let answered = fake.calls.answeredGets
        #expect(Array(answered.suffix(2)).sorted() == Array(customers[0...1]))
        #expect(sink.rows.map(\.line) == Array(2...9))
        #expect(sink.rows.map(\.customerId) == customers)
        #expect(sink.rows.map(\.outcome) == Self.repeated(.wouldChange, 8))
    }

    @Test(
        "a row held up stops the run from taking new rows once the results waiting behind it fill the window",
        .timeLimit(.minutes(1)))
    func reorderWindow() async throws {
        let fixture = try Fixture(rows: 40)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        fake.hold([customers[0]])
        var configuration = Self.plan(fixture, concurrency: 4)
        configuration.reorderWindow = 5
        let progress = RunProgress()
        let releaser = Task {
            let filled = await Self.eventually { progress.snapshot.done >= 8 }
            fake.releaseAll()
            return filled
        }
        let (_, sink) = try await Self.execute(configuration, fake, progress: progress)
        #expect(await releaser.value, "the rows after the held one finished while it was held")
        // The window's 5 results and the 7 other rows under way when it filled (twice
        // --concurrency in all): 1 + 5 + 7 reads had started when the held row answered, and none
        // after the window was full.
        #expect(fake.calls.readsStartedWhenAnswered[customers[0]] == 13)
        #expect(fake.calls.totalGets == 40)
        #expect(sink.rows.map(\.customerId) == customers)
    }

    // MARK: - Stops

    @Test("a spent retry budget stops the run: rows not started are not-started, exit 3", .timeLimit(.minutes(1)))
    func retryBudgetStops() async throws {
        let fixture = try Fixture(rows: 10)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        fake.scriptReads(customers[0], [Self.budgetSpent])
        // Rows 2 and 3 stay in flight until the first row has stopped the run.
        fake.hold(customers[1...2])
        let stop = StopSignal()
        let releaser = Task {
            let stopped = await Self.eventually { stop.stopReason != nil }
            fake.releaseAll()
            return stopped
        }
        let (end, sink) = try await Self.execute(Self.apply(fixture, concurrency: 3), fake, stop: stop)
        #expect(await releaser.value)
        let report = try Self.report(end)
        guard case .outage(let detail) = try #require(report.outcome.stopReason) else {
            Issue.record("stopped for another reason: \(String(describing: report.outcome.stopReason))")
            return
        }
        #expect(detail.contains("retry budget spent"))
        #expect(sink.rows.map(\.outcome) == [.skipped, .applied, .applied] + Self.repeated(.notStarted, 7))
        #expect(sink.rows.first?.errors.map(\.code) == [.notFinished])
        #expect(report.outcome.unfinished == 8)
        #expect(customers[3...].allSatisfy { fake.calls.gets[$0] == nil }, "no row was started after the stop")
        #expect(ExitStatus(end, detailed: false) == .interrupted)
        #expect(try Journal.read(path: fixture.journal).complete == nil)
    }

    @Test(
        "a stop signal ends the run after the rows in flight; the next run does the rest, nothing sent twice",
        .timeLimit(.minutes(1)))
    func stopSignalThenResume() async throws {
        let fixture = try Fixture(rows: 8)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        fake.hold(customers[2...])
        let stop = StopSignal()
        let (third, fourth) = (customers[2], customers[3])
        let stopper = Task {
            // Evidence: rows 3 and 4 are both in flight (held at their reads).
            let inFlight = await fake.wait { $0.gets[third] == 1 && $0.gets[fourth] == 1 && $0.inFlight == 2 }
            stop.stop(.signal("SIGINT"))
            fake.releaseAll()
            return inFlight
        }
        let configuration = Self.apply(fixture, concurrency: 2)
        let (end, sink) = try await Self.execute(configuration, fake, stop: stop)
        #expect(await stopper.value)
        let report = try Self.report(end)
        #expect(report.outcome.stopReason == .signal("SIGINT"))
        #expect(sink.rows.map(\.outcome) == Self.repeated(.applied, 4) + Self.repeated(.notStarted, 4))
        #expect(ExitStatus(end, detailed: false) == .interrupted)
        #expect(customers[4...].allSatisfy { fake.calls.gets[$0] == nil && fake.calls.puts[$0] == nil })
        #expect(try Journal.read(path: fixture.journal).complete == nil)

        let (resumed, rest) = try await Self.execute(configuration, fake)
        #expect(try Self.report(resumed).outcome.stopReason == nil)
        #expect(rest.rows.map(\.outcome) == Self.repeated(.applied, 8))
        #expect(rest.rows[0..<4].allSatisfy { $0.warnings.map(\.code) == [.doneEarlier] })
        #expect(customers.allSatisfy { fake.calls.puts[$0] == 1 }, "every customer written exactly once")
        #expect(customers[0..<4].allSatisfy { fake.calls.gets[$0] == 1 }, "finished rows not read again")
        #expect(customers.allSatisfy { fake.address($0)[.city] == "Bellevue" })
        #expect(ExitStatus(resumed, detailed: false) == .success)
        #expect(try Journal.read(path: fixture.journal).complete == ["applied": 8])
    }

    // MARK: - Resume

    @Test("a finished journal is complete: running it again reads and sends nothing", .timeLimit(.minutes(1)))
    func resumeFinished() async throws {
        let fixture = try Fixture(rows: 4)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        let configuration = Self.apply(fixture)
        let (first, sink) = try await Self.execute(configuration, fake)
        #expect(sink.rows.map(\.outcome) == Self.repeated(.applied, 4))
        #expect(try Self.report(first).alreadyComplete == false)
        #expect(try Journal.read(path: fixture.journal).complete == ["applied": 4])
        let before = fake.calls

        let (again, _) = try await Self.execute(configuration, fake)
        let report = try Self.report(again)
        #expect(report.alreadyComplete)
        #expect(report.outcome.summary.count(.applied) == 4)
        #expect(fake.calls.totalGets == before.totalGets)
        #expect(fake.calls.totalPuts == before.totalPuts)
        #expect(ExitStatus(again, detailed: false) == .success)
    }

    @Test(
        "a write in doubt left in the journal is read back by the next run: written again only if it had not landed",
        .timeLimit(.minutes(1)), arguments: [true, false])
    func pendingIntent(landed: Bool) async throws {
        let fixture = try Fixture(rows: 2)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        // The second row's PUT gets no answer, and the read-back after it finds the budget spent:
        // the run stops with the intent in the journal and no outcome after it.
        fake.scriptWrites(customers[1], [landed ? .landsWithoutAnswer : .lostWithoutAnswer])
        fake.scriptReads(customers[1], [nil, Self.budgetSpent])
        let configuration = Self.apply(fixture, concurrency: 1)
        let (first, sink) = try await Self.execute(configuration, fake)
        #expect(sink.rows.map(\.outcome) == [.applied, .skipped])
        #expect(ExitStatus(first, detailed: false) == .interrupted)
        let replay = try Journal.read(path: fixture.journal)
        #expect(replay.pendingIntents[fixture.line(1)]?.customer == customers[1])
        #expect(replay.outcomes[fixture.line(1)] == nil)
        #expect(replay.complete == nil)
        #expect(fake.address(customers[1])[.city] == (landed ? "Bellevue" : "Redmond"))

        let (second, rows) = try await Self.execute(configuration, fake)
        #expect(rows.rows.map(\.outcome) == Self.repeated(.applied, 2))
        #expect(rows.rows[0].warnings.map(\.code) == [.doneEarlier])
        #expect(rows.rows[1].warnings.map(\.code) == (landed ? [.resolvedByReadBack] : []))
        #expect(fake.calls.puts[customers[1]] == (landed ? 1 : 2))
        #expect(fake.calls.puts[customers[0]] == 1)
        #expect(fake.address(customers[1])[.city] == "Bellevue")
        #expect(ExitStatus(second, detailed: false) == .success)
        let done = try Journal.read(path: fixture.journal)
        #expect(done.pendingIntents.isEmpty)
        #expect(done.complete == ["applied": 2])
    }

    @Test(
        "a transient failure (503) keeps the journal open: no complete record; the next run does that row only",
        .timeLimit(.minutes(1)))
    func transientFailureNotComplete() async throws {
        let fixture = try Fixture(rows: 4)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        fake.scriptReads(customers[1], [PartnerCenterError(kind: .http, status: 503)])
        let configuration = Self.apply(fixture, concurrency: 2)
        let (first, sink) = try await Self.execute(configuration, fake)
        let report = try Self.report(first)
        #expect(sink.rows.map(\.outcome) == [.applied, .failed, .applied, .applied])
        #expect(report.outcome.stopReason == nil)
        #expect(report.outcome.transientFailures == 1)
        #expect(ExitStatus(first, detailed: false) == .rowsFailed)
        #expect(try Journal.read(path: fixture.journal).complete == nil)

        let (second, rows) = try await Self.execute(configuration, fake)
        #expect(rows.rows.map(\.outcome) == Self.repeated(.applied, 4))
        #expect(rows.rows.map { $0.warnings.map(\.code) } == [[.doneEarlier], [], [.doneEarlier], [.doneEarlier]])
        #expect(fake.calls.gets[customers[1]] == 2)
        #expect(customers.allSatisfy { fake.calls.puts[$0] == 1 })
        #expect([0, 2, 3].allSatisfy { fake.calls.gets[customers[$0]] == 1 })
        #expect(ExitStatus(second, detailed: false) == .success)
        #expect(try Journal.read(path: fixture.journal).complete == ["applied": 4])
    }

    // MARK: - Limits

    @Test(
        "--max-changes: more rows would change than allowed, nothing written; at the limit, applied",
        .timeLimit(.minutes(1)))
    func maxChanges() async throws {
        let fixture = try Fixture(rows: 5)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        var configuration = Self.apply(fixture)
        configuration.maxChanges = 3
        let (refused, sink) = try await Self.execute(configuration, fake)
        guard case .tooManyChanges(let why) = refused else {
            Issue.record("expected a refusal, got \(refused)")
            return
        }
        #expect(why.contains("5 rows would change, more than --max-changes 3"))
        #expect(fake.calls.totalPuts == 0)
        #expect(sink.rows.isEmpty)
        #expect(ExitStatus(refused, detailed: false) == .usage)

        configuration.maxChanges = 5
        let (applied, rows) = try await Self.execute(configuration, fake)
        #expect(rows.rows.map(\.outcome) == Self.repeated(.applied, 5))
        #expect(fake.calls.totalPuts == 5)
        #expect(ExitStatus(applied, detailed: false) == .success)
    }

    @Test(
        "--max-changes counts a row the dry run could not read as one that may change; a stopped dry run ends the run",
        .timeLimit(.minutes(1)),
        arguments: [PartnerCenterError(kind: .http, status: 503), PartnerCenterError(kind: .retryBudgetExhausted)])
    func maxChangesDryRunIncomplete(failure: PartnerCenterError) async throws {
        let fixture = try Fixture(rows: 4)
        defer { fixture.remove() }
        let fake = FakePartnerCenter(customers: fixture.customers)
        // Only the dry run's read of the first customer fails; every later read answers.
        fake.scriptReads(fixture.customers[0], [failure])
        var configuration = Self.apply(fixture, concurrency: 1)
        configuration.maxChanges = 3
        let (end, _) = try await Self.execute(configuration, fake)
        #expect(fake.calls.totalPuts == 0, "--max-changes 3, yet \(fake.calls.totalPuts) rows were written")
        switch (failure.kind, end) {
        case (.http, .tooManyChanges(let why)):
            #expect(why.contains("3 rows would change and 1 could not be read"), "\(why)")
        case (.retryBudgetExhausted, .notStarted): break
        default: Issue.record("\(failure.kind): expected a refusal or a stop before the first row, got \(end)")
        }
    }

    @Test(
        "--deadline stops taking rows once reached: the row in flight finishes, the rest not started, exit 3",
        .timeLimit(.minutes(1)))
    func deadline() async throws {
        let fixture = try Fixture(rows: 6)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        // Every read is held until the run has been told to stop, so the deadline falls while the
        // first row is in flight, however slowly the machine starts the run.
        fake.hold(customers[0...])
        let stop = StopSignal()
        let releaser = Task {
            let stopped = await Self.eventually { stop.stopReason != nil }
            fake.releaseAll()
            return stopped
        }
        var configuration = Self.plan(fixture, concurrency: 1)
        configuration.deadline = .milliseconds(200)
        let started = ContinuousClock.now
        let (end, sink) = try await Self.execute(configuration, fake, stop: stop)
        #expect(await releaser.value)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        let report = try Self.report(end)
        #expect(report.outcome.stopReason == .deadline(.milliseconds(200)))
        #expect(report.outcome.stopReason?.description == "the --deadline of 0.2s was reached")
        #expect(sink.rows.map(\.outcome) == Self.repeated(.wouldChange, 1) + Self.repeated(.notStarted, 5))
        #expect(customers[1...].allSatisfy { fake.calls.gets[$0] == nil })
        #expect(ExitStatus(end, detailed: false) == .interrupted)
    }

    // MARK: - Saved plans

    @Test(
        "apply --plan writes only the planned rows; a profile changed since the plan is a conflict, not written",
        .timeLimit(.minutes(1)))
    func savedPlan() async throws {
        let fixture = try Fixture(cities: ["Bellevue", "Bellevue", "Redmond", "Bellevue"])
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        let planPath = fixture.path("plan.json")
        var planning = Self.plan(fixture)
        planning.savePlan = planPath
        let (planned, listing) = try await Self.execute(planning, fake)
        #expect(listing.rows.map(\.outcome) == [.wouldChange, .wouldChange, .unchanged, .wouldChange])
        #expect(ExitStatus(planned, detailed: false) == .success)
        #expect(try SavedPlanFile(path: planPath).plannedRows == 3)
        #expect(fake.calls.totalPuts == 0)

        // Someone else moves the fourth customer between the review and the apply.
        fake.edit(customers[3], "city", "Kirkland")
        var applying = RunConfiguration(command: .apply, input: planPath)
        applying.plan = planPath
        applying.journalPath = fixture.journal
        let (applied, sink) = try await Self.execute(applying, fake)
        #expect(sink.rows.map(\.line) == [2, 3, 5])
        #expect(sink.rows.map(\.outcome) == [.applied, .applied, .conflict])
        #expect(sink.rows[2].errors.map(\.code) == [.conflict])
        #expect(sink.rows[2].errors.first?.message.contains("'Redmond' in the plan and is now 'Kirkland'") == true)
        #expect(fake.calls.puts[customers[0]] == 1)
        #expect(fake.calls.puts[customers[1]] == 1)
        #expect(fake.calls.puts[customers[2]] == nil)
        #expect(fake.calls.gets[customers[2]] == 1, "the unplanned row is not even read by apply")
        #expect(fake.calls.puts[customers[3]] == nil)
        #expect(fake.address(customers[3])[.city] == "Kirkland")
        #expect(ExitStatus(applied, detailed: false) == .rowsFailed)
    }

    @Test(
        "apply --plan --trust-etag writes each planned document unread; a profile changed since is a conflict after one refused write and one read-back",
        .timeLimit(.minutes(1)))
    func trustedPlan() async throws {
        let fixture = try Fixture(rows: 3)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        let planPath = try await Self.savePlan(fixture, fake)
        #expect(try SavedPlanFile(path: planPath).rowsCarryProfiles)
        fake.edit(customers[2], "city", "Kirkland")
        let readsBefore = fake.calls.gets

        let (_, sink) = try await Self.execute(Self.applyPlan(fixture, planPath, trustETag: true), fake)
        #expect(sink.rows.map(\.outcome) == [.applied, .applied, .conflict])
        #expect(sink.rows[2].errors.first?.message.contains("'Redmond' in the plan and is now 'Kirkland'") == true)
        let reads = fake.calls.gets
        #expect(reads[customers[0]] == readsBefore[customers[0]], "no read before a trusted write")
        #expect(reads[customers[1]] == readsBefore[customers[1]])
        #expect(reads[customers[2]] == (readsBefore[customers[2]] ?? 0) + 1, "one read-back after the refused write")
        #expect(customers.allSatisfy { fake.calls.puts[$0] == 1 })
        #expect(fake.address(customers[0])[.city] == "Bellevue")
        #expect(fake.address(customers[2])[.city] == "Kirkland")
    }

    @Test(
        "apply --plan --trust-etag with a plan of an earlier version (no documents) reads each row first",
        .timeLimit(.minutes(1)))
    func trustedPlanWithoutDocuments() async throws {
        let fixture = try Fixture(rows: 2)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        let planPath = fixture.path("plan.json")
        let writer = try SavedPlanWriter(
            path: planPath,
            header: .init(
                toolVersion: "0.0.1", created: "2026-01-01T00:00:00Z", input: fixture.input,
                inputSHA256: try InputDigest.sha256(path: fixture.input), allowCountryChange: false))
        var summary = RunSummary(command: .plan)
        for (index, customer) in customers.enumerated() {
            let profile = try await fake.billingProfile(customerId: customer, correlationId: "c")
            var row = RowResult(line: fixture.line(index), customerId: customer, outcome: .wouldChange)
            var after = profile.address
            after[.city] = "Bellevue"
            row.snapshot = .init(etag: profile.etag, before: profile.address, after: after)
            summary.add(row)
            try writer.write(row)
        }
        try writer.finish(summary)
        #expect(try SavedPlanFile(path: planPath).rowsCarryProfiles == false)
        let readsBefore = fake.calls.gets
        let (_, sink) = try await Self.execute(Self.applyPlan(fixture, planPath, trustETag: true), fake)
        #expect(sink.rows.map(\.outcome) == [.applied, .applied])
        #expect(customers.allSatisfy { fake.calls.gets[$0] == (readsBefore[$0] ?? 0) + 1 })
        #expect(customers.allSatisfy { fake.calls.puts[$0] == 1 })
    }

    @Test(
        "apply --plan --trust-etag resumes a write in doubt by reading it back, never by writing the plan again",
        .timeLimit(.minutes(1)))
    func trustedPlanResumesByReadingBack() async throws {
        let fixture = try Fixture(rows: 2)
        defer { fixture.remove() }
        let customers = fixture.customers
        let fake = FakePartnerCenter(customers: customers)
        let planPath = try await Self.savePlan(fixture, fake)
        // The first row's write lands without an answer, and the read-back after it finds the
        // budget spent: the run stops with the intent in the journal and no outcome after it.
        fake.scriptWrites(customers[0], [.landsWithoutAnswer])
        fake.scriptReads(customers[0], [Self.budgetSpent])
        var applying = Self.applyPlan(fixture, planPath, trustETag: true)
        applying.concurrency = 1
        let (first, _) = try await Self.execute(applying, fake)
        #expect(ExitStatus(first, detailed: false) == .interrupted)
        #expect(try Journal.read(path: fixture.journal).pendingIntents[fixture.line(0)] != nil)

        let (second, sink) = try await Self.execute(applying, fake)
        #expect(sink.rows.map(\.outcome) == [.applied, .applied])
        #expect(sink.rows[0].warnings.map(\.code) == [.resolvedByReadBack])
        #expect(fake.calls.puts[customers[0]] == 1, "the landed write is not sent again")
        #expect(ExitStatus(second, detailed: false) == .success)
    }

    // MARK: - Exit codes and reports

    @Test("plan --detailed-exitcode: changes pending map to 4; without the flag, 0", .timeLimit(.minutes(1)))
    func detailedExitCode() async throws {
        let fixture = try Fixture(rows: 3)
        defer { fixture.remove() }
        var configuration = Self.plan(fixture)
        configuration.detailedExitCode = true
        let (pending, _) = try await Self.execute(configuration, FakePartnerCenter(customers: fixture.customers))
        #expect(try Self.report(pending).outcome.summary.count(.wouldChange) == 3)
        #expect(ExitStatus(pending, detailed: configuration.detailedExitCode) == .changesPending)
        configuration.detailedExitCode = false
        #expect(ExitStatus(pending, detailed: configuration.detailedExitCode) == .success)

        let matching = try Fixture(cities: ["Redmond", "Redmond"])
        defer { matching.remove() }
        var unchanged = Self.plan(matching)
        unchanged.detailedExitCode = true
        let (nothing, _) = try await Self.execute(unchanged, FakePartnerCenter(customers: matching.customers))
        #expect(ExitStatus(nothing, detailed: unchanged.detailedExitCode) == .success)
    }

    @Test("--report r.json: one entry per input row, in file order, with the run's summary", .timeLimit(.minutes(1)))
    func jsonReport() async throws {
        let fixture = try Fixture(cities: ["Bellevue", "Redmond", "Bellevue", "Bellevue"])
        defer { fixture.remove() }
        // A fifth row whose customer is not a GUID: invalid without a request.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.input))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("not-a-guid,Bellevue\n".utf8))
        try handle.close()
        let fake = FakePartnerCenter(customers: fixture.customers)
        let reportPath = fixture.path("r.json")
        var configuration = Self.plan(fixture)
        configuration.reports = [reportPath]
        let (end, _) = try await Self.execute(configuration, fake)
        #expect(ExitStatus(end, detailed: false) == .rowsFailed)

        let data = try Data(contentsOf: URL(fileURLWithPath: reportPath))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["command"] as? String == "plan")
        let rows = try #require(document["rows"] as? [[String: Any]])
        #expect(rows.count == 5)
        #expect(rows.compactMap { $0["line"] as? Int } == Array(2...6))
        #expect(rows.compactMap { $0["customerId"] as? String } == fixture.customers + ["not-a-guid"])
        #expect(
            rows.compactMap { $0["outcome"] as? String }
                == ["would-change", "unchanged", "would-change", "would-change", "invalid"])
        let change = try #require((rows[0]["changes"] as? [[String: Any]])?.first)
        #expect(change["field"] as? String == "city")
        #expect(change["before"] as? String == "Redmond")
        #expect(change["after"] as? String == "Bellevue")
        #expect((rows[4]["errors"] as? [[String: Any]])?.first?["code"] as? String == "customer-id-format")
        let summary = try #require(document["summary"] as? [String: Any])
        #expect(summary["rows"] as? Int == 5)
        #expect(summary["would-change"] as? Int == 3)
        #expect(fake.calls.totalGets == 4)
    }
}
