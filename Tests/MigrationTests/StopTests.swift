import AddressRules
import Foundation
import Logging
import PartnerCenter
import Synchronization
import Testing

@testable import Migration

/// A Partner Center that never answers a profile read (until cancelled).
final class HangingService: ServesNoRules {
    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        do {
            try await Task.sleep(for: .seconds(600))
        } catch {
            throw PartnerCenterError(kind: .cancelled)
        }
        throw PartnerCenterError(kind: .http, status: 500)
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        nil
    }
}

@Suite("Stopping a run in process")
struct StopTests {
    @Test(
        "a stop lets rows in flight go on; cancelling them ends the run at once, every row accounted for",
        .timeLimit(.minutes(1)))
    func cancelInFlight() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stop-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent("in.csv").path
        var csv = "customerId,city\n"
        for index in 0..<10 { csv += "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c\(10 + index),Town\n" }
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        var configuration = RunConfiguration(command: .plan, input: input)
        configuration.concurrency = 3
        let run = MigrationRun(configuration: configuration, service: HangingService(), logger: Logger(label: "t"))
        let survey = try run.survey()
        let stop = StopSignal()
        let sink = CollectingSink()
        let clock = ContinuousClock()
        let started = clock.now
        let stopper = Task {
            try await Task.sleep(for: .milliseconds(200))
            stop.stop(.signal("SIGTERM"))
            try await Task.sleep(for: .milliseconds(200))
            stop.cancelInFlight()
        }
        let outcome = try await run.run(
            survey: survey, journal: nil, sink: sink, stop: stop, progress: RunProgress(total: survey.rowCount)
        ).outcome
        try await stopper.value
        #expect(clock.now - started < .seconds(3))
        #expect(outcome.stopReason == .signal("SIGTERM"))
        #expect(sink.rows.count == 10)
        #expect(sink.rows.filter { $0.outcome == .notStarted }.count == 7)
        #expect(sink.rows.filter { $0.outcome == .skipped }.count == 3)
    }

    @Test(
        "a cancellable call that ends does not wake the other waiters: cancelInFlight still reaches the run's own",
        .timeLimit(.minutes(1)))
    func cancellableEndsAlone() async throws {
        let stop = StopSignal()
        let watcher = Task {
            await stop.inFlightCancelled()
            return stop.isInFlightCancelled
        }
        while stop.waiting == 0 { await Task.yield() }  // the run's watcher is registered
        // The preflight runs inside cancellable and answers: its own watcher is cancelled.
        let answered = await stop.cancellable { 42 }
        #expect(answered == 42)
        stop.cancelInFlight()
        #expect(await watcher.value, "the run's watcher returned only when cancelInFlight was called")
    }

    @Test("what a stop also does runs once, with the first stop, or at once when the run already stopped")
    func whenStopped() {
        let stop = StopSignal()
        let calls = Mutex(0)
        stop.whenStopped { calls.withLock { $0 += 1 } }
        #expect(calls.withLock { $0 } == 0)
        stop.stop(.signal("SIGINT"))
        stop.stop(.deadline(.seconds(1)))
        #expect(calls.withLock { $0 } == 1)
        #expect(stop.stopReason == .signal("SIGINT"))
        stop.whenStopped { calls.withLock { $0 += 10 } }
        #expect(calls.withLock { $0 } == 11)
    }
}
