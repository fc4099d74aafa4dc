import CSVReading
import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

@Suite("review, approve, undo: reports, saved plans and undo files, through the binary", .serialized)
struct ReviewWorkflowTests {
    @Test("the .csv, .md and .html reports say what the .json report says; the CSV is safe to open in Excel")
    func reportsAgree() async throws {
        let fixture = try await SimulatorFixture.start(rows: 6)
        try await stopping(fixture) {
            let input = fixture.folder.appendingPathComponent("with-bad-row.csv").path
            let injected = "=HYPERLINK(\"http://example.invalid\")"
            try
                (String(contentsOfFile: fixture.input, encoding: .utf8)
                + "\"\(injected.replacingOccurrences(of: "\"", with: "\"\""))\",Somewhere\n")
                .write(toFile: input, atomically: true, encoding: .utf8)
            let path = { (name: String) in fixture.folder.appendingPathComponent(name).path }
            for unwritable in ["missing/plan.md", "missing/plan.html", "missing/plan.csv"] {
                let refused = try await fixture.run(["plan", input, "--report", path(unwritable)])
                #expect(refused.status == 2 && refused.stderr.contains(unwritable), "\(refused.stderr)")
            }
            let refused = try await fixture.run(["plan", input, "--failed-rows", path("missing/failed.csv")])
            #expect(refused.status == 2 && refused.stderr.contains("missing/failed.csv"))
            #expect(
                await fixture.simulator.stats().count("GET /v1/customers/{id}/profiles/billing") == 0,
                "a report that cannot be written stops the run before any request")
            let output = try await fixture.run(
                ["plan", input] + ["json", "csv", "md", "html"].flatMap { ["--report", path("plan.\($0)")] })
            #expect(output.status == 1, "\(output.stderr)")
            let json = try readReport(path("plan.json"))
            let summary = try #require(json["summary"] as? [String: Any])
            #expect(summary["rows"] as? Int == 7)
            #expect(summary["would-change"] as? Int == 6)
            #expect(summary["invalid"] as? Int == 1)

            let csvBytes = try Array(Data(contentsOf: URL(fileURLWithPath: path("plan.csv"))))
            #expect(csvBytes.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 byte-order mark, so Excel reads UTF-8")
            let reader = CSVReader(bytes: csvBytes, name: "plan.csv", options: CSVReader.Options())
            var records: [[String]] = []
            while let record = try reader.next() { records.append(record.fields) }
            #expect(records.first?.prefix(4) == ["line", "customerId", "companyName", "outcome"])
            #expect(records.count == 8)
            #expect(records.dropFirst().filter { $0[3] == "would-change" }.count == 6)
            let bad = try #require(records.first { $0[3] == "invalid" })
            #expect(bad[1] == "'" + injected, "a cell starting with = is neutralized")
            #expect(bad[4] == "customer-id-format")
            #expect(bad[2] == "", "a row never read has no company name")
            #expect(records.allSatisfy { $0.allSatisfy { !"=+-@".contains($0.first ?? " ") } })
            let firstId = try #require(records.dropFirst().first?[1])
            let changed = try #require(records.first { $0[1] == firstId })
            #expect(changed[8].hasPrefix("city: ") && changed[9] == "city: \(fixture.targets[firstId]!)")
            // Customers are named: the billing profile's companyName, in every report.
            let name = try #require(fixture.original[firstId]?["companyName"]?.stringValue)
            #expect(changed[2] == name)
            let jsonRows = try #require(json["rows"] as? [[String: Any]])
            #expect(jsonRows.first { $0["customerId"] as? String == firstId }?["companyName"] as? String == name)
            #expect(output.stdout.contains("customer \(firstId) (\(name)): city"))

            let markdown = try String(contentsOfFile: path("plan.md"), encoding: .utf8)
            #expect(markdown.contains("| would-change | 6 |"))
            #expect(markdown.contains("| invalid | 1 |"))
            #expect(markdown.contains("| **total** | **7** |"))
            #expect(markdown.contains("## Changes (6 rows)"))
            #expect(markdown.contains("| city | ") && markdown.contains("| \(fixture.targets[firstId]!) |"))
            #expect(markdown.contains("## Needs attention (1 row)") && markdown.contains("customer-id-format"))
            #expect(markdown.contains("| \(name)<br>`\(firstId)` | would-change |"), "the name first, the GUID second")

            let html = try String(contentsOfFile: path("plan.html"), encoding: .utf8)
            #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
            for external in ["src=", "href=", "url(", "@import", "<link", "<iframe", "<object"] {
                #expect(!html.contains(external), "\(external)")
            }
            #expect(html.contains("data-count=\"would-change\">6<"))
            #expect(html.contains("data-count=\"invalid\">1<"))
            #expect(html.contains("data-count=\"rows\">7<"))
            #expect(html.components(separatedBy: "<tr data-outcome=\"would-change\"").count - 1 == 6)
            #expect(html.contains("=HYPERLINK(&quot;http://example.invalid&quot;)"), "row text is escaped")
            #expect(html.contains("<ins>\(fixture.targets[firstId]!)</ins>"))
            #expect(html.contains("<span class=\"name\">\(name)</span><br><code>\(firstId)</code>"))
            #expect(html.contains("Find a customer by name or ID"), "the filter finds rows by name")
            let permissions = try FileManager.default.attributesOfItem(atPath: path("plan.html"))[.posixPermissions]
            #expect(permissions as? Int == 0o600)
        }
    }

    @Test(
        "apply --plan writes exactly the reviewed rows; a profile changed since the plan is a conflict naming the field"
    )
    func savedPlan() async throws {
        let fixture = try await SimulatorFixture.start(rows: 5)
        try await stopping(fixture) {
            let plan = fixture.folder.appendingPathComponent("plan.json").path
            let planned = try await fixture.run(["plan", fixture.input, "--save-plan", plan])
            #expect(planned.status == 0, "\(planned.stderr)")
            let permissions = try FileManager.default.attributesOfItem(atPath: plan)[.posixPermissions]
            #expect(permissions as? Int == 0o600)

            let ids = fixture.targets.keys.sorted()
            await fixture.simulator.simulator.edit(
                customerId: ids[0], fields: JSONObject([.init(key: "city", value: .string("Their City"))]))
            await fixture.simulator.simulator.edit(
                customerId: ids[1], fields: JSONObject([.init(key: "phoneNumber", value: .string("206-555-0199"))]))

            let edited = fixture.folder.appendingPathComponent("edited.json").path
            let text = try String(contentsOfFile: plan, encoding: .utf8)
            try text.replacingOccurrences(of: fixture.targets[ids[2]]!, with: "Elsewhere")
                .write(toFile: edited, atomically: true, encoding: .utf8)
            let before = await fixture.simulator.stats()
            let refused = try await fixture.run(["apply", "--plan", edited, "--journal", fixture.journal])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("was changed after"))
            let otherInput = fixture.folder.appendingPathComponent("other.csv").path
            try "customerId,city\n\(ids[0]),X\n".write(toFile: otherInput, atomically: true, encoding: .utf8)
            let mismatched = try await fixture.run(["apply", otherInput, "--plan", plan, "--journal", fixture.journal])
            #expect(mismatched.status == 2)
            #expect(mismatched.stderr.contains("is not the file"))
            #expect(await fixture.simulator.stats().requests == before.requests, "a refused plan sends nothing")

            let report = fixture.folder.appendingPathComponent("apply.json").path
            let output = try await fixture.run(
                ["apply", "--plan", plan, "--journal", fixture.journal, "--report", report])
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
            let outcomes = Dictionary(
                uniqueKeysWithValues: rows.map { ($0["customerId"] as! String, $0["outcome"] as! String) })
            #expect(outcomes[ids[0]] == "conflict")
            #expect(outcomes[ids[1]] == "conflict")
            #expect(ids[2...].allSatisfy { outcomes[$0] == "applied" })
            let message = { (id: String) in
                ((rows.first { $0["customerId"] as? String == id }?["errors"] as? [[String: Any]])?.first?["message"]
                    as? String) ?? ""
            }
            #expect(message(ids[0]).contains("city") && message(ids[0]).contains("Their City"))
            #expect(message(ids[1]).contains("phoneNumber"))
            let stats = await fixture.simulator.stats()
            #expect(
                stats.putsPerCustomer[ids[0]] == nil && stats.putsPerCustomer[ids[1]] == nil, "no PUT for a stale row")
            #expect(ids[2...].allSatisfy { stats.putsPerCustomer[$0] == 1 })
            let kept = await fixture.simulator.simulator.profile(ids[0])?["defaultAddress"]?.objectValue
            #expect(kept?["city"] == .string("Their City"))
            let again = try await fixture.run(["apply", "--plan", plan, "--journal", fixture.journal])
            #expect(again.stdout.contains("every row was done by an earlier run"), "\(again.stderr)")
            #expect(await fixture.simulator.stats().putsPerCustomer == stats.putsPerCustomer)
        }
    }

    @Test(
        "apply --plan --trust-etag: one request per planned row; a profile edited since the plan is a conflict, with no PUT beyond the refused one",
        arguments: SimulatorConfiguration.ConflictStyle.allCases)
    func trustedPlan(style: SimulatorConfiguration.ConflictStyle) async throws {
        let fixture = try await SimulatorFixture.start(rows: 5) { $0.conflictStyle = style }
        try await stopping(fixture) {
            let plan = fixture.folder.appendingPathComponent("plan.json").path
            let planned = try await fixture.run(["plan", fixture.input, "--save-plan", plan])
            #expect(planned.status == 0, "\(planned.stderr)")
            let ids = fixture.targets.keys.sorted()
            await fixture.simulator.simulator.edit(
                customerId: ids[0], fields: JSONObject([.init(key: "city", value: .string("Their City"))]))
            let seen = await fixture.simulator.stats().log.count

            let report = fixture.folder.appendingPathComponent("apply.json").path
            let output = try await fixture.run(
                ["apply", "--plan", plan, "--trust-etag", "--journal", fixture.journal, "--report", report])
            #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
            let profileCalls = await fixture.simulator.stats().log.dropFirst(seen)
                .filter { $0.route.hasSuffix(" /v1/customers/{id}/profiles/billing") }
            for id in ids.dropFirst() {
                let calls = profileCalls.filter { $0.customerId == id }
                #expect(calls.map(\.method) == ["PUT"] && calls.map(\.status) == [200], "\(id): \(calls)")
                let city = await fixture.simulator.simulator.profile(id)?["defaultAddress"]?.objectValue?["city"]
                #expect(city == .string(fixture.targets[id]!))
            }
            let stale = profileCalls.filter { $0.customerId == ids[0] }
            #expect(stale.map(\.method) == ["PUT", "GET"], "the refused write, then one read-back: \(stale)")
            #expect(stale.first?.status == Int(style.rawValue))
            let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
            let conflict = try #require(rows.first { $0["customerId"] as? String == ids[0] })
            #expect(conflict["outcome"] as? String == "conflict")
            let message = ((conflict["errors"] as? [[String: Any]])?.first?["message"] as? String) ?? ""
            #expect(message.contains("city") && message.contains("Their City"), "\(message)")
            let kept = await fixture.simulator.simulator.profile(ids[0])?["defaultAddress"]?.objectValue
            #expect(kept?["city"] == .string("Their City"))
        }
    }

    @Test(
        "apply --plan through dropped PUT connections: each write in doubt is read back and, not landed, made again; every planned row applied",
        arguments: [false, true])
    func planThroughDroppedWrites(trustETag: Bool) async throws {
        let fixture = try await SimulatorFixture.start(rows: 30) {
            $0.faults.dropRate = 0.2
            $0.faults.routes = ["PUT /v1/customers/{id}/profiles/billing"]
        }
        try await stopping(fixture) {
            let plan = fixture.folder.appendingPathComponent("plan.json").path
            let planned = try await fixture.run(["plan", fixture.input, "--save-plan", plan])
            #expect(planned.status == 0, "\(planned.stderr)")
            let output = try await fixture.run(
                ["apply", "--plan", plan, "--journal", fixture.journal] + (trustETag ? ["--trust-etag"] : []))
            #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
            #expect(output.summaryCount("applied") == 30, "\(output.stdout)")
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
            let stats = await fixture.simulator.stats()
            #expect(stats.count("PUT /v1/customers/{id}/profiles/billing", status: 0) > 0, "some writes were dropped")
        }
    }

    @Test("--trust-etag without --plan is a usage error: nothing is sent")
    func trustWithoutPlan() async throws {
        let fixture = try await SimulatorFixture.start(rows: 1)
        try await stopping(fixture) {
            let output = try await fixture.run(["apply", fixture.input, "--trust-etag", "--journal", fixture.journal])
            #expect(output.status == 2 && output.stderr.contains("--trust-etag"), "\(output.stderr)")
            #expect(await fixture.simulator.stats().requests.isEmpty)
        }
    }

    @Test("applying the undo file of a batch restores every original address exactly")
    func undoRestores() async throws {
        let fixture = try await SimulatorFixture.start(rows: 12)
        try await stopping(fixture) {
            var csv = "customerId,city,addressLine2,district\n"
            for (index, id) in fixture.targets.keys.sorted().enumerated() {
                let address = fixture.original[id]?["defaultAddress"]?.objectValue
                let line2 = address?["addressLine2"] == nil ? "Suite \(index)" : "<clear>"
                let district = address?["district"] == nil ? "" : "<clear>"
                csv += "\(id),Undo City \(index),\(line2),\(district)\n"
            }
            let input = fixture.folder.appendingPathComponent("batch.csv").path
            try csv.write(toFile: input, atomically: true, encoding: .utf8)
            let undo = fixture.folder.appendingPathComponent("undo.csv").path
            let nowhere = fixture.folder.appendingPathComponent("missing/undo.csv").path
            let refused = try await fixture.run(["apply", input, "--journal", fixture.journal, "--undo-file", nowhere])
            #expect(refused.status == 2 && refused.stderr.contains("missing/undo.csv"), "\(refused.stderr)")
            #expect(
                await fixture.simulator.stats().putsPerCustomer.isEmpty, "an unwritable undo file stops the run first")
            let applied = try await fixture.run(["apply", input, "--journal", fixture.journal, "--undo-file", undo])
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            #expect(applied.summaryCount("applied") == 12)
            let permissions = try FileManager.default.attributesOfItem(atPath: undo)[.posixPermissions]
            #expect(permissions as? Int == 0o600)
            let undoText = try String(contentsOfFile: undo, encoding: .utf8)
            #expect(undoText.contains("<clear>"), "fields the batch added are cleared by the undo")
            let undoBytes = try Data(contentsOf: URL(fileURLWithPath: undo))
            #expect(Array(undoBytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 with a byte order mark, for Excel")
            #expect(undoText.contains("\r\n") && !undoText.replacingOccurrences(of: "\r\n", with: "").contains("\n"))

            let undoJournal = fixture.folder.appendingPathComponent("undo.journal").path
            let reverted = try await fixture.run(["apply", undo, "--journal", undoJournal])
            #expect(reverted.status == 0, "\(reverted.stdout)\n\(reverted.stderr)")
            #expect(reverted.summaryCount("applied") == 12)
            for (id, original) in fixture.original {
                let now = try #require(await fixture.simulator.simulator.profile(id))
                #expect(try Self.withoutETag(now) == Self.withoutETag(original), "\(id) not restored")
            }
        }
    }

    @Test("--verify-address: off asks nothing, report warns and writes, strict refuses the unverified address")
    func verifyAddress() async throws {
        let fixture = try await SimulatorFixture.start(rows: 2)
        try await stopping(fixture) {
            let ids = fixture.targets.keys.sorted()
            let input = fixture.folder.appendingPathComponent("streets.csv").path
            try "customerId,addressLine1\n\(ids[0]),Main Street\n\(ids[1]),5 Main Street\n"
                .write(toFile: input, atomically: true, encoding: .utf8)
            let route = "POST /v1/validations/address"
            let off = try await fixture.run(["plan", input])
            #expect(off.status == 0 && off.summaryCount("would-change") == 2)
            #expect(await fixture.simulator.stats().count(route) == 0)

            let report = fixture.folder.appendingPathComponent("report.json").path
            let reported = try await fixture.run(["plan", input, "--verify-address", "report", "--report", report])
            #expect(reported.status == 0 && reported.summaryCount("would-change") == 2, "\(reported.stdout)")
            #expect(await fixture.simulator.stats().count(route) == 2)
            let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
            let warnings = rows.map { ($0["warnings"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? [] }
            #expect(warnings == [["address-not-verified"], []])

            let strict = try await fixture.run(
                ["apply", input, "--verify-address", "strict", "--journal", fixture.journal, "--report", report])
            #expect(strict.status == 1, "\(strict.stdout)")
            #expect(strict.summaryCount("invalid") == 1 && strict.summaryCount("applied") == 1)
            #expect(strict.stdout.contains("StreetPartial"))
            let stats = await fixture.simulator.stats()
            #expect(stats.putsPerCustomer[ids[0]] == nil && stats.putsPerCustomer[ids[1]] == 1)
            let kept = await fixture.simulator.simulator.profile(ids[0])?["defaultAddress"]?.objectValue?[
                "addressLine1"]
            #expect(kept == fixture.original[ids[0]]?["defaultAddress"]?.objectValue?["addressLine1"])
        }
    }

    /// A profile as a Foundation dictionary (member order aside), without its ETag.
    static func withoutETag(_ profile: JSONObject) throws -> NSDictionary {
        var copy = profile
        copy["attributes"] = nil
        let object = try JSONSerialization.jsonObject(with: Data(JSONValue.object(copy).serialized))
        return try #require(object as? NSDictionary)
    }
}
