import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `export` through the built binary against the simulator: what it writes is what Partner Center
/// holds, applying it unedited changes nothing, and a killed export resumes into the same file.
@Suite("export")
struct ExportTests {
    static let billingGET = "GET /v1/customers/{id}/profiles/billing"
    static let customerGET = "GET /v1/customers/{id}"
    static let addressFields = [
        "addressLine1", "addressLine2", "addressLine3", "city", "state", "postalCode", "country", "region",
        "district", "firstName", "lastName", "phoneNumber",
    ]

    @Test(
        "export --all over several pages equals the simulator's state, under each way a page points to the next",
        arguments: SimulatorConfiguration.CustomerPaging.allCases)
    func exportAll(paging: SimulatorConfiguration.CustomerPaging) async throws {
        let count = paging == .relativeLink ? 3000 : 700
        let fixture = try await SimulatorFixture.start(rows: count) {
            $0.customerPaging = paging
            $0.customerPageLimit = paging == .relativeLink ? 500 : 150
        }
        try await stopping(fixture) {
            let output = fixture.folder.appendingPathComponent("export.csv").path
            let result = try await fixture.run(["export", output, "--all", "--quiet", "--concurrency", "16"])
            #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            let rows = try Self.rows(output)
            #expect(rows.count == count)
            let problems = try await Self.differences(rows, fixture.simulator.simulator)
            #expect(problems.count == 0, "\(problems.prefix(5))")
            let pages = await fixture.simulator.stats().count("GET /v1/customers")
            #expect(pages == (count + (paging == .relativeLink ? 499 : 149)) / (paging == .relativeLink ? 500 : 150))
            let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    /// The ways Partner Center may answer the customer calls otherwise than the documents show.
    enum Variant: String, CaseIterable, Sendable {
        case byteOrderMark, withoutBillingProfile
    }

    @Test(
        "export writes the same file when every answer starts with a BOM, or the customer comes without its billing profile",
        arguments: Variant.allCases)
    func variants(variant: Variant) async throws {
        let plain = try await SimulatorFixture.start(rows: 120) { $0.customerPageLimit = 50 }
        let other = try await SimulatorFixture.start(rows: 120) {
            $0.customerPageLimit = 50
            $0.bom = variant == .byteOrderMark
            $0.customerWithoutBillingProfile = variant == .withoutBillingProfile
        }
        try await stopping(plain) {
            try await stopping(other) {
                let expected = plain.folder.appendingPathComponent("export.csv").path
                let output = other.folder.appendingPathComponent("export.csv").path
                #expect(try await plain.run(["export", expected, "--all", "--quiet"]).status == 0)
                let result = try await other.run(["export", output, "--all", "--quiet"])
                #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: output))
                        == Data(contentsOf: URL(fileURLWithPath: expected)))
                let stats = await other.simulator.stats()
                #expect(stats.count(Self.customerGET, status: 200) == 120)
                // Without the billing profile in the customer's answer, it is read on its own, once.
                #expect(stats.count(Self.billingGET, status: 200) == (variant == .withoutBillingProfile ? 120 : 0))
            }
        }
    }

    @Test("export refuses to write over a journal of any command, and leaves it as it was")
    func notOverAJournal() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3)
        try await stopping(fixture) {
            let applied = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            let before = try Data(contentsOf: URL(fileURLWithPath: fixture.journal))
            let export = try await fixture.run(["export", fixture.journal, "--all"])
            #expect(export.status == 2, "\(export.stdout)\n\(export.stderr)")
            #expect(export.stderr.contains("is a journal of an earlier run"), "\(export.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.journal)) == before)
            #expect(await fixture.simulator.stats().count("GET /v1/customers") == 0, "nothing was read")
        }
    }

    @Test("applying an unmodified export sends no PUT; an edited cell changes exactly that field")
    func applyExport() async throws {
        let fixture = try await SimulatorFixture.start(rows: 40)
        try await stopping(fixture) {
            let output = fixture.folder.appendingPathComponent("export.csv").path
            let exported = try await fixture.run(["export", output, "--customers", fixture.input, "--quiet"])
            #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
            let applied = try await fixture.run([
                "apply", output, "--journal", fixture.folder.appendingPathComponent("a.journal").path, "--quiet",
            ])
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            #expect(applied.summaryCount("unchanged") == 40)
            #expect(await fixture.simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 0)

            // One cell edited, as in a spreadsheet: only that customer's city changes.
            var text = try String(contentsOfFile: output, encoding: .utf8)
            let lines = text.components(separatedBy: "\r\n")
            let cells = lines[1].components(separatedBy: ",")
            let id = cells[0]
            let cityIndex = 3 + Self.addressFields.firstIndex(of: "city")!
            var edited = cells
            edited[cityIndex] = "Edited City"
            text = text.replacingOccurrences(of: lines[1], with: edited.joined(separator: ","))
            try text.write(toFile: output, atomically: true, encoding: .utf8)
            let before = await fixture.simulator.simulator.profile(id)
            let again = try await fixture.run([
                "apply", output, "--journal", fixture.folder.appendingPathComponent("b.journal").path, "--quiet",
            ])
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            #expect(again.summaryCount("applied") == 1)
            #expect(again.summaryCount("unchanged") == 39)
            var after = try #require(await fixture.simulator.simulator.profile(id))
            var expected = try #require(before)
            var address = try #require(expected["defaultAddress"]?.objectValue)
            address["city"] = .string("Edited City")
            expected["defaultAddress"] = .object(address)
            expected["attributes"] = nil
            after["attributes"] = nil
            #expect(JSONValue.object(after).text == JSONValue.object(expected).text)
        }
    }

    @Test("an export killed part-way resumes with its journal into the same file, reading no customer twice")
    func killAndResume() async throws {
        let fixture = try await SimulatorFixture.start(rows: 300) {
            $0.faults.latency = .milliseconds(10)
            $0.customerPageLimit = 100
        }
        try await stopping(fixture) {
            let whole = fixture.folder.appendingPathComponent("whole.csv").path
            let uninterrupted = try await fixture.run(["export", whole, "--all", "--quiet"])
            #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")
            let readsBefore = await fixture.simulator.stats().count(Self.customerGET)

            let output = fixture.folder.appendingPathComponent("resumed.csv").path
            let journal = fixture.folder.appendingPathComponent("export.journal").path
            let arguments = ["export", output, "--all", "--journal", journal, "--quiet"] + fixture.connection
            let running = try ToolRunner.start(arguments, environment: SimulatorFixture.environment)
            try await ApplyCommandTests.until { Self.exportedLines(journal) >= 60 }
            running.send(SIGKILL)
            let killed = await running.finish()
            #expect(killed.status == -SIGKILL)
            #expect(!FileManager.default.fileExists(atPath: output), "a killed export left a file in place")
            let recorded = Self.exportedLines(journal)
            #expect(recorded >= 60 && recorded < 300)

            let resumed = try await fixture.run(["export", output, "--all", "--journal", journal])
            #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
            #expect(resumed.stdout.contains("recorded by an earlier run"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(contentsOf: URL(fileURLWithPath: whole)))
            let reads = await fixture.simulator.stats().count(Self.customerGET) - readsBefore
            // The killed run and the resumed one read each customer once, but for those in flight at the kill.
            #expect(reads >= 300 && reads <= 300 + 16)

            let status = try await ToolRunner.run(["status", "--journal", journal])
            #expect(status.stdout.contains("exported 300 customers recorded"), "\(status.stdout)")
            let misused = try await fixture.run(["apply", output, "--journal", journal, "--force"])
            #expect(misused.status == 2 && misused.stderr.contains("is an export's journal"), "\(misused.stderr)")
        }
    }

    @Test("customers that cannot be read are reported, not exported; cells are spreadsheet-safe unless --raw")
    func failuresAndCells() async throws {
        let fixture = try await SimulatorFixture.start(rows: 6)
        let ids = await fixture.simulator.customerIds()
        try await stopping(fixture) {
            _ = await fixture.simulator.simulator.edit(
                customerId: ids[0], fields: JSONObject([.init(key: "phoneNumber", value: .string("+1 425 555 0100"))]))
            let missing = "00000000-0000-4000-8000-000000000404"
            let list = fixture.folder.appendingPathComponent("customers.csv").path
            try
                ("Customer,customerId,note\r\nA,\(ids[0]),x\r\nB,\(missing),y\r\nC,not-a-guid,z\r\nD,\(ids[1]),w\r\n"
                + "E,\(ids[0]),again\r\n").write(toFile: list, atomically: true, encoding: .utf8)
            let output = fixture.folder.appendingPathComponent("export.csv").path
            let report = fixture.folder.appendingPathComponent("export.json").path
            let failedRows = fixture.folder.appendingPathComponent("failed.csv").path
            let result = try await fixture.run([
                "export", output, "--customers", list, "--report", report, "--failed-rows", failedRows,
            ])
            #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("line 3: error [partner-center] customer \(missing)"))
            #expect(result.stdout.contains("line 4: error [customer-id-format]"))
            let rows = try Self.rows(output)
            #expect(rows.map { $0["customerId"] } == [ids[0], ids[1]])
            #expect(rows[0]["phoneNumber"] == "'+1 425 555 0100")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let json = try #require(
                try JSONValue(parsing: Array(Data(contentsOf: URL(fileURLWithPath: report)))).objectValue)
            let outcomes = json["rows"]?.arrayValue?.compactMap { $0.objectValue?["outcome"]?.stringValue }
            #expect(outcomes == ["exported", "failed", "invalid", "exported", "skipped"])
            // The rows to export again, under the list's own header.
            #expect(
                try String(contentsOfFile: failedRows, encoding: .utf8)
                    == "Customer,customerId,note\r\nB,\(missing),y\r\nC,not-a-guid,z\r\n")

            // The neutralized cell reads back as the value: applying the file changes nothing.
            let applied = try await fixture.run(["plan", output, "--quiet"])
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            #expect(applied.summaryCount("unchanged") == 2)

            let raw = fixture.folder.appendingPathComponent("raw.csv").path
            let plain = try await fixture.run(["export", raw, "--customers", list, "--raw", "--no-bom", "--quiet"])
            #expect(plain.status == 1)
            #expect(try Self.rows(raw)[0]["phoneNumber"] == "+1 425 555 0100")
            #expect(try !Data(contentsOf: URL(fileURLWithPath: raw)).starts(with: [0xEF, 0xBB, 0xBF]))
        }
    }

    /// The exported rows, by column name (a simple reader: the simulator's values hold no comma or quote).
    static func rows(_ path: String) throws -> [[String: String]] {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var lines = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let header = lines.removeFirst().components(separatedBy: ",")
        return lines.map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.components(separatedBy: ",")))
        }
    }

    /// How the exported rows differ from what the simulator holds: each customer once, with its
    /// company name and every address field as stored (absent fields as empty cells).
    static func differences(_ rows: [[String: String]], _ simulator: Simulator) async throws -> [String] {
        var problems: [String] = []
        let ids = await simulator.customerIds()
        if Set(rows.compactMap { $0["customerId"] }) != Set(ids) { problems.append("not the simulator's customers") }
        for row in rows {
            guard let id = row["customerId"], let profile = await simulator.profile(id) else {
                problems.append("\(row["customerId"] ?? "?"): unknown")
                continue
            }
            let address = profile["defaultAddress"]?.objectValue ?? JSONObject()
            for field in addressFields where unneutralized(row[field]) != (address[field]?.stringValue ?? "") {
                problems.append(
                    "\(id): \(field) is '\(row[field] ?? "")', stored '\(address[field]?.stringValue ?? "")'")
            }
            if row["companyName"] != profile["companyName"]?.stringValue { problems.append("\(id): companyName") }
            if row["domain"]?.hasSuffix(".onmicrosoft.com") != true { problems.append("\(id): domain") }
        }
        return problems
    }

    /// A cell as a spreadsheet shows it: without the `'` put before what it would take for a formula.
    static func unneutralized(_ cell: String?) -> String? {
        guard let cell, cell.count > 1, cell.first == "'", "=+-@".contains(cell.dropFirst().first!) else { return cell }
        return String(cell.dropFirst())
    }

    static func exportedLines(_ path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        return text.components(separatedBy: "\"type\":\"exported\"").count - 1
    }
}
