import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

/// Nothing overwritten, nothing lost: the write path and the files the tool touches, run as a
/// user runs it against a Partner Center stand-in that misbehaves.
@Suite("Integrity of the write path and the files, run as a user runs them", .serialized)
struct IntegrityTests {
    @Test(
        "a corrections file replaced during the --max-changes dry run is not read: the run writes what the file held when it started"
    )
    func inputReplacedDuringRun() async throws {
        let fixture = try await SimulatorFixture.start(rows: 40) {
            $0.faults.latency = .milliseconds(1500)
            $0.faults.routes = ["GET /v1/customers/{id}/profiles/billing"]
        }
        try await stopping(fixture) {
            let lines = try String(contentsOfFile: fixture.input, encoding: .utf8).split(separator: "\n")
            let one = fixture.folder.appendingPathComponent("in.csv").path
            try (lines.prefix(2).joined(separator: "\n") + "\n").write(toFile: one, atomically: true, encoding: .utf8)
            let running = try ToolRunner.start(
                ["apply", one, "--journal", fixture.journal, "--max-changes", "1"] + fixture.connection,
                environment: SimulatorFixture.environment)
            for _ in 0..<400 where await fixture.simulator.stats().inFlight == 0 {
                try await Task.sleep(for: .milliseconds(25))
            }
            // As Excel and sync clients save: a new file renamed over the old one.
            #expect(rename(fixture.input, one) == 0)
            let output = await running.finish()
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 1, "\(output.stdout)")
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 1)
        }
    }

    @Test(
        "a journal that cannot grow (a full disk) stops the run with its summary and exit 3; the journal ends in whole lines and resumes to every row applied once"
    )
    func journalDiskFull() async throws {
        let fixture = try await SimulatorFixture.start(rows: 40)
        try await stopping(fixture) {
            // 8 KiB: the header and a dozen rows' intents and outcomes, then a write cut short.
            let running = try ToolRunner.start(
                ["apply", fixture.input, "--journal", fixture.journal, "--concurrency", "4"] + fixture.connection,
                environment: SimulatorFixture.environment, fileSizeLimit: 16)
            let output = await running.finish()
            #expect(output.status == 3, "\(output.stdout)\n\(output.stderr)")
            #expect(output.stderr.contains("cannot write the journal (File too large)"), "\(output.stderr)")
            #expect(output.stdout.contains("applied"), "the summary is printed: \(output.stdout)")
            let journal = try Data(contentsOf: URL(fileURLWithPath: fixture.journal))
            #expect(journal.count <= 16 * 512)
            #expect(journal.last == UInt8(ascii: "\n"), "the write cut short was cut back to the last whole line")
            let status = try await ToolRunner.run(["status", "--journal", fixture.journal])
            #expect(status.status == 0, "\(status.stdout)\n\(status.stderr)")
            #expect(!status.stdout.contains("repaired"), "\(status.stdout)")
            let resumed = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
            #expect(await fixture.everyRowAppliedExactly() == [])
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 40)
        }
    }

    @Test("a report that cannot be written once writes began ends the run with its summary and exit 3, not exit 2")
    func reportLostAfterWrites() async throws {
        let fixture = try await SimulatorFixture.start(rows: 8) {
            $0.faults.latency = .milliseconds(400)
            $0.faults.routes = ["GET /v1/customers/{id}/profiles/billing"]
        }
        try await stopping(fixture) {
            let folder = fixture.folder.appendingPathComponent("reports")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let running = try ToolRunner.start(
                [
                    "apply", fixture.input, "--journal", fixture.journal, "--report",
                    folder.appendingPathComponent("r.json").path,
                ]
                    + fixture.connection, environment: SimulatorFixture.environment)
            for _ in 0..<400 where await fixture.simulator.stats().inFlight == 0 {
                try await Task.sleep(for: .milliseconds(25))
            }
            try FileManager.default.removeItem(at: folder)
            let output = await running.finish()
            #expect(output.status == 3, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 8, "the summary is printed: \(output.stdout)")
            #expect(output.stderr.contains("The rows' outcomes are in the journal"), "\(output.stderr)")
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 8)
        }
    }

    @Test("a profile served without an ETag is failed with a clear message and never written")
    func noETag() async throws {
        let ids = try await WireFidelityTests.generatedIds(3)
        let fixture = try await SimulatorFixture.start(rows: 3) { $0.profilesWithoutETag = [ids[0]] }
        try await stopping(fixture) {
            let output = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("failed") == 1)
            #expect(output.summaryCount("applied") == 2)
            #expect(output.stdout.contains("without an ETag"))
            let stats = await fixture.simulator.stats()
            #expect(stats.writesPerCustomer[ids[0]] == nil)
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing") == 2)
            let journal = try String(contentsOfFile: fixture.journal, encoding: .utf8)
            #expect(!journal.contains("\"etag\":null"))
            // A final failure: the next run reports it again without reading that profile.
            let gets = await fixture.simulator.stats().count("GET /v1/customers/{id}/profiles/billing")
            let again = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(again.status == 1)
            #expect(await fixture.simulator.stats().count("GET /v1/customers/{id}/profiles/billing") == gets)
        }
    }

    @Test("across runs every row keeps its latest outcome: transient failures retried, final ones listed again")
    func outcomesAcrossRuns() async throws {
        let ids = try await WireFidelityTests.generatedIds(10)
        let outage = try await SimulatorFixture.start(rows: 10) {
            $0.faults.serverErrorRate = 0.3
            $0.forbiddenCustomers = [ids[0]]
        }
        func files(_ run: Int) -> (report: String, failed: String) {
            (
                outage.folder.appendingPathComponent("r\(run).json").path,
                outage.folder.appendingPathComponent("f\(run).csv").path
            )
        }
        func arguments(_ run: Int, _ fixture: SimulatorFixture) -> [String] {
            [
                "apply", outage.input, "--journal", outage.journal, "--max-attempts", "2", "--report",
                files(run).report,
                "--failed-rows", files(run).failed,
            ] + fixture.connection
        }
        let first = try await ToolRunner.start(arguments(1, outage), environment: SimulatorFixture.environment).finish()
        await outage.stop()
        #expect(first.status == 1, "\(first.stdout)\n\(first.stderr)")
        let transient = (first.summaryCount("failed") ?? 0) - 1
        #expect(transient > 0, "\(first.stdout)")

        let healthy = try await SimulatorFixture.start(rows: 10) { $0.forbiddenCustomers = [ids[0]] }
        defer { Task { await healthy.stop() } }
        let second = try await ToolRunner.start(arguments(2, healthy), environment: SimulatorFixture.environment)
            .finish()
        #expect(second.status == 1, "\(second.stdout)\n\(second.stderr)")
        #expect(second.summaryCount("applied") == 9, "\(second.stdout)")
        #expect(second.summaryCount("failed") == 1, "\(second.stdout)")
        #expect(await healthy.simulator.stats().writesPerCustomer.count == transient)
        let failedRows = try String(contentsOfFile: files(2).failed, encoding: .utf8)
        #expect(failedRows.split(whereSeparator: \.isNewline).count == 2, "\(failedRows)")
        #expect(failedRows.contains(ids[0]))
        let rows = try #require(try readReport(files(2).report)["rows"] as? [[String: Any]])
        #expect(rows.count == 10)
        #expect(rows.first { $0["customerId"] as? String == ids[0] }?["outcome"] as? String == "failed")

        let requests = await healthy.simulator.stats().log.count
        let third = try await ToolRunner.start(arguments(3, healthy), environment: SimulatorFixture.environment)
            .finish()
        #expect(third.status == 1, "\(third.stdout)\n\(third.stderr)")
        let log = await healthy.simulator.stats().log
        #expect(log.count == requests, "\(log.suffix(log.count - requests))\n\(third.stdout)")
        let again = try #require(try readReport(files(3).report)["rows"] as? [[String: Any]])
        #expect(again.map { $0["outcome"] as? String } == rows.map { $0["outcome"] as? String })
        #expect(try String(contentsOfFile: files(3).failed, encoding: .utf8) == failedRows)
    }

    @Test("an output path that names the input, the journal or another output is refused before anything")
    func outputClashes() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3)
        try await stopping(fixture) {
            let input = fixture.input
            let journal = fixture.folder.appendingPathComponent("r.json").path
            let plan = fixture.folder.appendingPathComponent("a.json").path
            let link = fixture.folder.appendingPathComponent("link.csv").path
            try FileManager.default.linkItem(atPath: input, toPath: link)
            let before = try String(contentsOfFile: input, encoding: .utf8)
            let cases: [[String]] = [
                ["validate", input, "--failed-rows", input],
                ["validate", input, "--report", link],
                ["apply", input, "--journal", journal, "--report", journal],
                ["apply", input, "--journal", journal, "--undo-file", journal],
                ["apply", input, "--journal", input],
                ["plan", input, "--report", plan, "--save-plan", fixture.folder.path + "/./a.json"],
            ]
            for arguments in cases {
                let output =
                    arguments[0] == "validate" ? try await ToolRunner.run(arguments) : try await fixture.run(arguments)
                #expect(output.status == 2, "\(arguments): \(output.stderr)")
                #expect(output.stderr.contains("name the same file"), "\(arguments): \(output.stderr)")
            }
            #expect(try String(contentsOfFile: input, encoding: .utf8) == before)
            #expect(!FileManager.default.fileExists(atPath: journal))
            #expect(await fixture.simulator.stats().log.isEmpty)
        }
    }

    /// The plan at `path` with `edit` applied to its text and the checksum made again (a forgery).
    private static func forge(_ path: String, _ edit: (String) -> String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let end = try #require(text.range(of: "\"checksum\":")).lowerBound
        let body = edit(String(text[..<end]))
        let hasher = Process()
        hasher.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let pipe = Pipe()
        let input = Pipe()
        hasher.standardOutput = pipe
        hasher.standardInput = input
        try hasher.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try input.fileHandleForWriting.close()
        hasher.waitUntilExit()
        let digest = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
        try (body + "\"checksum\":\"sha256:\(digest)\"}\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("a forged plan cannot slip a country change or an invalid value past apply's own checks")
    func forgedPlan() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3)
        try await stopping(fixture) {
            let ids = await fixture.simulator.customerIds()
            let input = fixture.folder.appendingPathComponent("move.csv").path
            try "customerId,country,state,postalCode,city\n\(ids[0]),CA,ON,K1A 0B1,Ottawa\n\(ids[1]),,,,Sometown\n"
                .write(toFile: input, atomically: true, encoding: .utf8)
            let plan = fixture.folder.appendingPathComponent("plan.json").path
            let planned = try await fixture.run(["plan", input, "--allow-country-change", "--save-plan", plan])
            #expect(planned.status == 0, "\(planned.stdout)\n\(planned.stderr)")
            try Self.forge(plan) {
                $0.replacingOccurrences(of: "\"city\":\"Sometown\"", with: "\"city\":\"\",\"region\":\"X\"")
            }
            let applied = try await fixture.run(["apply", "--plan", plan, "--journal", fixture.journal])
            #expect(applied.status == 1, "\(applied.stdout)\n\(applied.stderr)")
            #expect(applied.summaryCount("invalid") == 2, "\(applied.stdout)")
            #expect(applied.stdout.contains("country-change"))
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 0)
        }
    }

    @Test("the undo file restores exactly: an empty value, surrounding spaces, and the literal text <clear>")
    func exactUndo() async throws {
        let originals: [[String: String]] = [
            ["addressLine2": "", "city": "  Redmond ", "firstName": "<clear>"],
            ["addressLine2": "<value:x>", "city": "Redmond", "firstName": " Ann"],
        ]
        let customers = originals.enumerated().map { index, fields in
            RulesLayeringTests.customer(
                index + 1, ["country": "US", "state": "WA", "postalCode": "98052"].merging(fields) { $1 })
        }
        var configuration = SimulatorConfiguration()
        configuration.seedCustomers = customers
        let simulator = try await RunningSimulator.start(configuration)
        defer { Task { await simulator.stop() } }
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv").path
        var csv = "customerId,addressLine2,city,firstName\n"
        for customer in customers { csv += "\(customer.customerId),Suite 9,Kirkland,Jo\n" }
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        let undo = folder.appendingPathComponent("undo.csv").path
        func run(_ arguments: [String]) async throws -> ToolRunner.Output {
            try await ToolRunner.start(
                arguments + ["--endpoint", simulator.baseURL], environment: SimulatorFixture.environment
            )
            .finish()
        }
        let applied = try await run([
            "apply", input, "--journal", folder.appendingPathComponent("j1").path, "--undo-file", undo,
        ])
        #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
        let undoText = try String(contentsOfFile: undo, encoding: .utf8)
        let reverted = try await run(["apply", undo, "--journal", folder.appendingPathComponent("j2").path])
        #expect(
            reverted.status == 0, "\(reverted.stdout)\n\(reverted.stderr)\n\(undoText)")
        #expect(reverted.summaryCount("applied") == 2)
        for (customer, fields) in zip(customers, originals) {
            let address = await simulator.simulator.profile(customer.customerId)?["defaultAddress"]?.objectValue
            for (key, value) in fields {
                #expect(address?[key] == .string(value), "\(customer.customerId) \(key)")
            }
        }
    }

    @Test("--force after an edit: the edited finished row is done again, the identical ones stay done")
    func forceEditedRow() async throws {
        let fixture = try await SimulatorFixture.start(rows: 4)
        try await stopping(fixture) {
            let first = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
            let text = try String(contentsOfFile: fixture.input, encoding: .utf8)
            try text.replacingOccurrences(of: "Newtown 2", with: "Newtown 9").write(
                toFile: fixture.input, atomically: true, encoding: .utf8)
            let refused = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(refused.status == 2)
            let forced = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal, "--force"])
            #expect(forced.status == 0, "\(forced.stdout)\n\(forced.stderr)")
            #expect(forced.stdout.contains("row has changed since (--force)"))
            let ids = await fixture.simulator.customerIds()
            let stats = await fixture.simulator.stats()
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing") == 5)
            #expect(
                await fixture.simulator.simulator.profile(ids[2])?["defaultAddress"]?.objectValue?["city"]
                    == .string("Newtown 9"))
        }
    }
}
