import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

/// The binary against the simulator playing Partner Center in each of the ways its documents
/// leave open: a byte-order mark, each stale-ETag answer, each ETag placement, a merging and a
/// normalizing store.
@Suite("The wire as Partner Center may speak it, run as a user runs it", .serialized)
struct WireFidelityTests {
    private func apply(_ fixture: SimulatorFixture, _ extra: [String] = []) async throws -> ToolRunner.Output {
        try await fixture.run(["apply", fixture.input, "--journal", fixture.journal] + extra)
    }

    @Test("a byte-order mark on every answer: every row applied exactly")
    func byteOrderMark() async throws {
        let fixture = try await SimulatorFixture.start(rows: 12) { $0.bom = true }
        try await stopping(fixture) {
            let output = try await apply(fixture)
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 12)
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
        }
    }

    @Test(
        "each stale-ETag answer is a conflict: re-read and re-applied over another field, kept for the same field",
        arguments: SimulatorConfiguration.ConflictStyle.allCases)
    func conflictStyles(style: SimulatorConfiguration.ConflictStyle) async throws {
        let ids = try await Self.generatedIds(4)
        let fixture = try await SimulatorFixture.start(rows: 4) { configuration in
            configuration.conflictStyle = style
            configuration.editsAfterFirstRead = [
                ids[0]: JSONObject([.init(key: "phoneNumber", value: .string("206-555-0000"))]),
                ids[1]: JSONObject([.init(key: "city", value: .string("Kirkland"))]),
            ]
        }
        try await stopping(fixture) {
            let output = try await apply(fixture)
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 3)
            #expect(output.summaryCount("conflict") == 1)
            let stats = await fixture.simulator.stats()
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing", status: Int(style.rawValue)!) == 2)
            let first = await fixture.simulator.simulator.profile(ids[0])?["defaultAddress"]?.objectValue
            #expect(first?["phoneNumber"] == .string("206-555-0000"))
            #expect(first?["city"] == .string(fixture.targets[ids[0]]!))
            #expect(
                await fixture.simulator.simulator.profile(ids[1])?["defaultAddress"]?.objectValue?["city"]
                    == .string("Kirkland"))
        }
    }

    @Test(
        "a service that does not take the ETag where it is sent: the run stops after the PUTs of the rows under way, exit 3, resumable"
    )
    func etagPlacementRefused() async throws {
        let fixture = try await SimulatorFixture.start(rows: 10) { $0.etagIn = .header }
        try await stopping(fixture) {
            let output = try await apply(fixture, ["--etag-in", "body", "--concurrency", "1"])
            #expect(output.status == 3, "\(output.stdout)\n\(output.stderr)")
            #expect((output.stdout + output.stderr).contains("--etag-in body"))
            // One call at a time: the second row read its profile while the first journaled its
            // write, and its PUT went out before the first one's read-back showed the refusal.
            let puts = await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing")
            #expect(puts == 2, "\(output.stdout)\n\(output.stderr)")
            let resumed = try await apply(fixture, ["--etag-in", "header"])
            #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
            #expect(await fixture.simulator.stats().writesPerCustomer.values.allSatisfy { $0 == 1 })
        }
    }

    @Test("a merging service: a cleared field is sent as null, so the clear takes effect")
    func mergingService() async throws {
        let fixture = try await SimulatorFixture.start(rows: 6) { $0.mergePuts = true }
        try await stopping(fixture) {
            let ids = await fixture.simulator.customerIds()
            var csv = "customerId,addressLine2,district\n"
            for id in ids { csv += "\(id),<clear>,<clear>\n" }
            let input = fixture.folder.appendingPathComponent("clears.csv").path
            try csv.write(toFile: input, atomically: true, encoding: .utf8)
            let output = try await fixture.run(["apply", input, "--journal", fixture.journal])
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            for id in ids {
                let address = await fixture.simulator.simulator.profile(id)?["defaultAddress"]?.objectValue
                #expect(address?[anyCase: "addressLine2"] == nil, "\(id)")
                #expect(address?[anyCase: "district"] == nil, "\(id)")
            }
        }
    }

    @Test("a normalizing service: applied with stored-differently, the stored form in journal and report")
    func normalizingService() async throws {
        let fixture = try await SimulatorFixture.start(rows: 5) { $0.normalizeStoredValues = true }
        try await stopping(fixture) {
            let report = fixture.folder.appendingPathComponent("apply.json").path
            let undo = fixture.folder.appendingPathComponent("undo.csv").path
            let output = try await apply(fixture, ["--report", report, "--undo-file", undo])
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 5)
            let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
            for row in rows {
                let warnings = (row["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
                #expect(warnings == ["stored-differently"])
                let change = (row["changes"] as? [[String: Any]])?.first
                #expect(change?["after"] as? String == (change?["after"] as? String)?.uppercased())
            }
            let journal = try String(contentsOfFile: fixture.journal, encoding: .utf8)
            #expect(journal.contains("\"stored\":{\"city\":\"NEWTOWN 0\"}"))
            let undoText = try String(contentsOfFile: undo, encoding: .utf8)
            for (id, original) in fixture.original {
                let city = original["defaultAddress"]?.objectValue?["city"]?.stringValue ?? ""
                #expect(undoText.contains("\(id)") && undoText.contains(city))
            }
        }
    }

    @Test("a success answer without a body: each row read back once and applied")
    func emptyPutAnswer() async throws {
        let fixture = try await SimulatorFixture.start(rows: 6) { $0.emptyPutAnswer = true }
        try await stopping(fixture) {
            let output = try await apply(fixture)
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 6)
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
            let stats = await fixture.simulator.stats()
            #expect(stats.count("GET /v1/customers/{id}/profiles/billing") == 12)
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing") == 6)
        }
    }

    @Test("doctor finds the ETag enforced under each placement the simulator enforces, and nothing changes")
    func doctorEnforced() async throws {
        for source in [SimulatorConfiguration.ETagSource.header, .body, .both] {
            let fixture = try await SimulatorFixture.start(rows: 2) { $0.etagIn = source }
            let id = try #require(fixture.targets.keys.sorted().first)
            let placement = source == .both ? "both" : source.rawValue
            let output = try await fixture.run(["doctor", "--customer", id, "--etag-in", placement])
            #expect(output.status == 0, "\(source): \(output.stdout)\n\(output.stderr)")
            #expect(output.stdout.contains("PASS ETag enforcement"), "\(source): \(output.stdout)")
            #expect(await Self.sameAddress(fixture, id))
            #expect(await fixture.simulator.stats().writesPerCustomer[id] == nil)
            await fixture.stop()
        }
    }

    @Test("doctor reports a service that ignores the ETag, says not to trust it, and changes no value")
    func doctorNotEnforced() async throws {
        let fixture = try await SimulatorFixture.start(rows: 2) { $0.etagIn = .ignored }
        try await stopping(fixture) {
            let id = try #require(fixture.targets.keys.sorted().first)
            let report = fixture.folder.appendingPathComponent("doctor.json").path
            let output = try await fixture.run(["doctor", "--customer", id, "--report", report])
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            #expect(output.stdout.contains("FAIL ETag enforcement"))
            #expect(output.stdout.contains("--trust-etag"))
            #expect(try readReport(report)["passed"] as? Bool == false)
            #expect(await Self.sameAddress(fixture, id))
        }
    }

    /// The IDs a simulator generates for `count` customers (the same for the same seed and count).
    static func generatedIds(_ count: Int) async throws -> [String] {
        var configuration = SimulatorConfiguration()
        configuration.generatedCustomers = count
        let probe = try await RunningSimulator.start(configuration)
        let ids = await probe.customerIds()
        await probe.stop()
        return ids
    }

    /// Whether the customer's profile holds exactly its original values (the ETag aside).
    private static func sameAddress(_ fixture: SimulatorFixture, _ id: String) async -> Bool {
        guard var now = await fixture.simulator.simulator.profile(id), var before = fixture.original[id] else {
            return false
        }
        now["attributes"] = nil
        before["attributes"] = nil
        return JSONValue.object(now).text == JSONValue.object(before).text
    }
}

@Suite("Sovereign clouds, run as a user runs them")
struct CloudTests {
    @Test("--cloud china asks the token endpoint for the China cloud's audience; --resource overrides it")
    func chinaAudience() async throws {
        let fixture = try await SimulatorFixture.start(rows: 2)
        try await stopping(fixture) {
            let credentials = [
                "PARTNER_CENTER_TENANT_ID": "contoso.partner.onmschina.cn", "PARTNER_CENTER_CLIENT_ID": "app",
                "PARTNER_CENTER_CLIENT_SECRET": "sandbox-secret",
            ]
            for (extra, audience) in [
                ([String](), "https://partner.partnercenterapi.microsoftonline.cn"),
                (["--resource", "https://example.partner.cn"], "https://example.partner.cn"),
            ] {
                let output = try await ToolRunner.start(
                    ["plan", fixture.input, "--cloud", "china", "--authority", fixture.simulator.baseURL] + extra
                        + fixture.connection,
                    environment: credentials
                ).finish()
                #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
                #expect(await fixture.simulator.stats().tokenAudiences.last == audience)
            }
        }
    }
}
