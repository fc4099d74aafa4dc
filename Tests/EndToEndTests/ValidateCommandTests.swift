import Foundation
import Testing

@Suite("billing-migrate validate, run as a user runs it")
struct ValidateCommandTests {
    @Test("the valid sample passes with exit 0 and a JSON report of valid rows")
    func validSample() throws {
        let folder = try temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let output = try ToolRunner.run(["validate", ToolRunner.sample("corrections-valid.csv"), "--report", report])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("6 rows: 6 valid."))
        let json = try readReport(report)
        #expect(json["command"] as? String == "validate")
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["rows"] as? Int == 6)
        #expect(summary["valid"] as? Int == 6)
        let rows = try #require(json["rows"] as? [[String: Any]])
        #expect(rows.map { $0["line"] as? Int } == [2, 3, 4, 5, 6, 7])
        let attributes = try FileManager.default.attributesOfItem(atPath: report)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("the edge-case sample is valid, normalized, and its duplicate warned about")
    func edgeCaseSample() throws {
        let folder = try temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let output = try ToolRunner.run([
            "validate", ToolRunner.sample("corrections-edge-cases.csv"), "--delimiter", ";", "--report", report,
        ])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("line 10: warning [duplicate-row]"))
        let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
        let first = rows[0]
        #expect(first["line"] as? Int == 2)
        #expect(first["customerId"] as? String == "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c11")
        let changes = try #require(first["changes"] as? [[String: Any]])
        let after = Dictionary(uniqueKeysWithValues: changes.map { ($0["field"] as! String, $0["after"] as? String) })
        #expect(after["addressLine1"] == "Suite 5, Building \"B\"")
        #expect(after["addressLine2"] == "Attn: Billing\r\nFloor 2")
        #expect(after["state"] == "WA")
        #expect(after["postalCode"] == "98052-1234")
        #expect(after["country"] == "US")
        #expect(rows.map { $0["line"] as? Int } == [2, 5, 6, 8, 9, 10])
    }

    @Test("the invalid sample exits 1 and names line, customer, field and code for each problem")
    func invalidSample() throws {
        let folder = try temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let output = try ToolRunner.run(["validate", ToolRunner.sample("corrections-invalid.csv"), "--report", report])
        #expect(output.status == 1)
        #expect(
            output.stdout.contains(
                "line 2: error [country-unknown] customer 3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c21, country: 'Great Britain and Ireland'"
            ))
        #expect(output.stdout.contains("use a two-letter ISO 3166-1 code"))
        #expect(output.stdout.contains("line 3: error [postal-state-mismatch]"))
        #expect(output.stdout.contains("line 4: error [customer-id-format] customer not-a-guid"))
        let rows = try #require(try readReport(report)["rows"] as? [[String: Any]])
        let codes = rows.map { row in ((row["errors"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String } }
        #expect(
            codes == [
                ["country-unknown"], ["postal-state-mismatch"], ["customer-id-format"], ["state-unknown"],
                ["postal-code-format"], ["required-field"], ["region-not-allowed"], ["duplicate-customer"], [],
                ["duplicate-customer"],
            ])
    }

    @Test("--failed-rows writes the rows that did not succeed under the input's own header, ready to re-run")
    func failedRows() throws {
        let folder = try temporaryDirectory()
        let failed = folder.appendingPathComponent("failed.csv").path
        let output = try ToolRunner.run([
            "validate", ToolRunner.sample("corrections-invalid.csv"), "--failed-rows", failed,
        ])
        #expect(output.status == 1)
        let lines = try String(contentsOfFile: failed, encoding: .utf8).split(separator: "\r\n")
        #expect(lines.first == "customerId,addressLine1,city,state,postalCode,country,region")
        #expect(lines.count == 10)
        #expect(
            lines[1].hasPrefix(
                "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c21,1 High Street,London,,SW1A 1AA,Great Britain and Ireland,"))
        #expect(!lines.contains { $0.contains("2 New Road") })
        let attributes = try FileManager.default.attributesOfItem(atPath: failed)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try ToolRunner.run(["validate", failed])
        #expect(again.stdout.contains("9 rows: 9 invalid"))
    }

    @Test("an unknown column exits 2 with the closest known name, and writes no report")
    func unknownColumn() throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        try "customerId,postcode2\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,98052\n".write(
            to: input, atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("report.json").path
        let output = try ToolRunner.run(["validate", input.path, "--report", report])
        #expect(output.status == 2)
        #expect(output.stderr.contains("in.csv:1: unknown column 'postcode2' (did you mean postalCode?)"))
        #expect(!FileManager.default.fileExists(atPath: report))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["in.csv"])
    }

    @Test("malformed CSV exits 2, names each bad line, and still checks the rest")
    func malformedFile() throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        var bytes = Array("customerId,city,country\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Z".utf8)
        bytes += [0xFC] + Array("rich,CH\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,Bern,Helvetia\n".utf8)
        try Data(bytes).write(to: input)
        let output = try ToolRunner.run(["validate", input.path])
        #expect(output.status == 2)
        #expect(
            output.stdout.contains("line 2: error [invalid-utf8] customer 3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01, city"))
        #expect(output.stdout.contains("line 3: error [country-unknown]"))
        #expect(output.stdout.contains("not well-formed CSV"))
    }

    @Test("an unterminated quote exits 2 and names the line where it opened")
    func unterminatedQuote() throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        try
            "customerId,city\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,\"Bergen\nmore\n"
            .write(to: input, atomically: true, encoding: .utf8)
        let output = try ToolRunner.run(["validate", input.path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("in.csv:3: a quoted cell opens on this line and never closes"))
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test("a header with no rows is fine and says so")
    func emptyFile() throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        try "customerId,city\n".write(to: input, atomically: true, encoding: .utf8)
        let output = try ToolRunner.run(["validate", input.path])
        #expect(output.status == 0)
        #expect(output.stdout.contains("no data rows"))
    }

    @Test(
        "usage errors exit 2 with a message, not a stack trace",
        arguments: [
            ["validate"], ["validate", "x.csv", "--report", "r.txt"], ["validate", "x.csv", "--delimiter", "ab"],
            ["no-such-command"],
        ])
    func usageErrors(arguments: [String]) throws {
        let output = try ToolRunner.run(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains("Error:"))
    }

    @Test("a missing input file exits 2 naming the path")
    func missingFile() throws {
        let output = try ToolRunner.run(["validate", "/nonexistent/in.csv"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("/nonexistent/in.csv: cannot read the file"))
    }
}
