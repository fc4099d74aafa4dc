import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("plan and apply, run as a user runs them, against the simulator", .serialized)
struct ApplyCommandTests {
    @Test("plan reads every profile, reports the diff, and sends no PUT")
    func planSendsNoPut() async throws {
        let fixture = try await SimulatorFixture.start(rows: 20)
        try await stopping(fixture) {
            let report = fixture.folder.appendingPathComponent("plan.json").path
            let output = try await fixture.run(["plan", fixture.input, "--report", report])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.summaryCount("would-change") == 20)
            let stats = await fixture.simulator.stats()
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing") == 0)
            #expect(stats.count("GET /v1/customers/{id}/profiles/billing", status: 200) == 20)
            let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
            let changes = try #require(rows.first?["changes"] as? [[String: Any]])
            #expect(changes.first?["field"] as? String == "city")
            #expect(changes.first?["after"] as? String == "Newtown 0")
            #expect(changes.first?["before"] as? String != nil)
        }
    }

    @Test(
        "500 rows through 5xx, 429 and dropped connections: every row applied once, exactly, nothing lost",
        arguments: [1, 2, 3] as [UInt64])
    func applyThroughFaults(seed: UInt64) async throws {
        let fixture = try await SimulatorFixture.start(rows: 500) {
            $0.seed = seed
            $0.faults.serverErrorRate = 0.10
            $0.faults.throttleRate = 0.05
            $0.faults.dropRate = 0.03
            $0.faults.dropAfterWriteRate = 0.03
            $0.faults.retryAfterSeconds = 1
        }
        try await stopping(fixture) {
            let output = try await fixture.run([
                "apply", fixture.input, "--journal", fixture.journal, "--concurrency", "8",
            ])
            #expect(output.status == 0, "simulator seed \(seed)\n\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 500, "simulator seed \(seed)")
            #expect(await fixture.everyRowAppliedExactly().isEmpty, "simulator seed \(seed)")
            let stats = await fixture.simulator.stats()
            #expect(stats.stalePuts == 0)
            #expect(stats.droppedFieldPuts == 0)
            // --concurrency bounds the profile calls; each country's rules (asked once) pass beside them.
            let countries = Set(
                fixture.original.values.compactMap { $0["defaultAddress"]?.objectValue?["country"]?.stringValue })
            #expect(stats.peakInFlight <= 8 + countries.count, "simulator seed \(seed)")
            #expect(stats.writesPerCustomer.count == 500)
            #expect(stats.writesPerCustomer.values.allSatisfy { $0 == 1 })
            #expect(stats.count("GET /v1/customers/{id}/profiles/billing", status: 0) > 0)
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing", status: 0) > 0)
            #expect(stats.count("GET /v1/customers/{id}/profiles/billing", status: 429) > 0)
        }
    }

    @Test("killed with SIGKILL at random moments and resumed: the end state is exact, no row written twice")
    func crashAndResume() async throws {
        let fixture = try await SimulatorFixture.start(rows: 150) { $0.faults.latency = .milliseconds(15) }
        try await stopping(fixture) {
            let arguments =
                ["apply", fixture.input, "--journal", fixture.journal, "--concurrency", "4", "--quiet"]
                + fixture.connection
            var generator = SystemRandomNumberGenerator()
            var kills = 0
            for _ in 0..<12 {
                // Killed at a random moment after evidence of work: a few more intents in the journal.
                let before = Self.intents(fixture.journal)
                let running = try ToolRunner.start(arguments, environment: SimulatorFixture.environment)
                let wanted = before + Int.random(in: 1...8, using: &generator)
                try await Self.until { Self.intents(fixture.journal) >= wanted }
                running.send(SIGKILL)
                let output = await running.finish()
                if output.status == -SIGKILL { kills += 1 }
                if output.status == 0 { break }
            }
            #expect(kills >= 1)
            let final = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(final.status == 0, "\(final.stdout)\n\(final.stderr)")
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
            let stats = await fixture.simulator.stats()
            #expect(stats.writesPerCustomer.count == 150)
            #expect(stats.writesPerCustomer.values.allSatisfy { $0 == 1 }, "a row was written twice")
            let before = stats.count("GET /v1/customers/{id}/profiles/billing")
            let again = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(again.status == 0)
            #expect(again.stdout.contains("every row was done by an earlier run"))
            let after = await fixture.simulator.stats()
            #expect(after.count("GET /v1/customers/{id}/profiles/billing") == before)
            #expect(
                after.count("PUT /v1/customers/{id}/profiles/billing")
                    == stats.count("PUT /v1/customers/{id}/profiles/billing"))
        }
    }

    @Test("another writer between read and write: a change elsewhere is kept, a change to the same field wins")
    func conflicts() async throws {
        var edits: [String: JSONObject] = [:]
        let probe = try await RunningSimulator.start(
            {
                var c = SimulatorConfiguration(); c.generatedCustomers = 4; return c
            }())
        let ids = await probe.customerIds()
        await probe.stop()
        edits[ids[0]] = JSONObject([.init(key: "phoneNumber", value: .string("206-555-0000"))])
        edits[ids[1]] = JSONObject([.init(key: "city", value: .string("Their City"))])
        let fixture = try await SimulatorFixture.start(rows: 4) { $0.editsAfterFirstRead = edits }
        try await stopping(fixture) {
            let report = fixture.folder.appendingPathComponent("apply.json").path
            let failed = fixture.folder.appendingPathComponent("failed.csv").path
            let output = try await fixture.run(
                ["apply", fixture.input, "--journal", fixture.journal, "--report", report, "--failed-rows", failed])
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            let kept = try #require(await fixture.simulator.simulator.profile(ids[0])?["defaultAddress"]?.objectValue)
            #expect(kept["city"] == .string(fixture.targets[ids[0]]!))
            #expect(kept["phoneNumber"] == .string("206-555-0000"))
            let theirs = try #require(await fixture.simulator.simulator.profile(ids[1])?["defaultAddress"]?.objectValue)
            #expect(theirs["city"] == .string("Their City"))
            let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
            let outcomes = Dictionary(
                uniqueKeysWithValues: rows.map { ($0["customerId"] as! String, $0["outcome"] as! String) })
            #expect(outcomes[ids[0]] == "applied")
            #expect(outcomes[ids[1]] == "conflict")
            #expect(output.stdout.contains("another writer changed this customer's city"))
            let failedRows = try String(contentsOfFile: failed, encoding: .utf8).split(separator: "\r\n")
            #expect(failedRows == ["customerId,city", "\(ids[1]),\(fixture.targets[ids[1]]!)"])
        }
    }

    @Test("a second process on the same journal exits 3 at once, naming the holder")
    func lockedJournal() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3)
        try await stopping(fixture) {
            let descriptor = open(fixture.journal, O_RDWR | O_CREAT, 0o600)
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            #expect(fcntl(descriptor, F_SETLK, &lock) == 0)
            defer { close(descriptor) }
            let started = ContinuousClock.now
            let output = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(output.status == 3)
            #expect(output.stderr.contains("in use by process \(getpid())"))
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 0)
        }
    }

    @Test("resuming with an edited input is refused with exit 2, unless --force")
    func editedInput() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3)
        try await stopping(fixture) {
            #expect(try await fixture.run(["apply", fixture.input, "--journal", fixture.journal]).status == 0)
            try (String(contentsOfFile: fixture.input, encoding: .utf8) + "\n").write(
                toFile: fixture.input, atomically: true, encoding: .utf8)
            let refused = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("SHA-256 differs"))
            #expect(
                try await fixture.run(["apply", fixture.input, "--journal", fixture.journal, "--force"]).status == 0)
        }
    }

    @Test("SIGTERM mid-run exits 3 with the journal flushed, and the resumed run finishes the job")
    func sigterm() async throws {
        let fixture = try await SimulatorFixture.start(rows: 120) { $0.faults.latency = .milliseconds(20) }
        try await stopping(fixture) {
            let running = try ToolRunner.start(
                ["apply", fixture.input, "--journal", fixture.journal, "--concurrency", "2"] + fixture.connection,
                environment: SimulatorFixture.environment)
            try await Self.until { Self.intents(fixture.journal) >= 4 }
            running.send(SIGTERM)
            let stopped = await running.finish()
            #expect(stopped.status == 3, "\(stopped.stdout)\n\(stopped.stderr)")
            #expect(stopped.stderr.contains("interrupted by SIGTERM"))
            let status = try await ToolRunner.start(["status", "--journal", fixture.journal]).finish()
            #expect(status.stdout.contains("not finished"))
            let resumed = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
            #expect(await fixture.simulator.stats().writesPerCustomer.values.allSatisfy { $0 == 1 })
        }
    }

    @Test("--deadline stops taking rows and exits 3; the next run finishes")
    func deadline() async throws {
        let fixture = try await SimulatorFixture.start(rows: 100) { $0.faults.latency = .milliseconds(20) }
        try await stopping(fixture) {
            let stopped = try await fixture.run(
                ["apply", fixture.input, "--journal", fixture.journal, "--concurrency", "2", "--deadline", "0.5s"])
            #expect(stopped.status == 3, "\(stopped.stdout)\n\(stopped.stderr)")
            #expect(stopped.stderr.contains("--deadline of 0.5s was reached"))
            #expect((stopped.summaryCount("applied") ?? 0) < 100)
            let resumed = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(resumed.status == 0)
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
        }
    }

    @Test("plan --detailed-exitcode: 4 with changes pending, 0 once everything matches")
    func detailedExitCode() async throws {
        let fixture = try await SimulatorFixture.start(rows: 5)
        try await stopping(fixture) {
            let pending = try await fixture.run(["plan", fixture.input, "--detailed-exitcode"])
            #expect(pending.status == 4)
            let plain = try await fixture.run(["plan", fixture.input])
            #expect(plain.status == 0)
            let applied = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(applied.status == 0)
            let matching = try await fixture.run(["plan", fixture.input, "--detailed-exitcode"])
            #expect(matching.status == 0)
        }
    }

    @Test("apply --max-changes refuses with exit 2 and writes nothing when more rows would change")
    func maxChanges() async throws {
        let fixture = try await SimulatorFixture.start(rows: 6)
        try await stopping(fixture) {
            let refused = try await fixture.run([
                "apply", fixture.input, "--journal", fixture.journal, "--max-changes", "5",
            ])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("6 rows would change, more than --max-changes 5"))
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 0)
            let allowed = try await fixture.run([
                "apply", fixture.input, "--journal", fixture.journal, "--max-changes", "6",
            ])
            #expect(allowed.status == 0)
            #expect(allowed.summaryCount("applied") == 6)
        }
    }

    @Test(
        "bad credentials end the run before any row is written or recorded, with exit 3 and what to fix; no journal left"
    )
    func badCredentials() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3)
        try await stopping(fixture) {
            let output = try await ToolRunner.start(
                ["apply", fixture.input, "--journal", fixture.journal] + fixture.connection,
                environment: ["PARTNER_CENTER_ACCESS_TOKEN": "expired-token"]
            ).finish()
            #expect(output.status == 3)
            #expect(output.stderr.contains("refused the credentials"))
            #expect(output.stderr.contains("Nothing was written for any row"), "\(output.stderr)")
            #expect(!output.stderr.contains("expired-token"))
            #expect(!FileManager.default.fileExists(atPath: fixture.journal), "a journal of no rows was left behind")
        }
    }

    /// The intent lines in the journal at `path` so far.
    static func intents(_ path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        return text.components(separatedBy: "\"type\":\"intent\"").count - 1
    }

    /// Waits (at most 30 s, polling) until `condition` holds.
    static func until(_ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let limit = clock.now + .seconds(30)
        while !condition(), clock.now < limit { try await Task.sleep(for: .milliseconds(5)) }
    }
}
