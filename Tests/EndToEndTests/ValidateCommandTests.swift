import Foundation
import Testing

@Suite("billing-migrate validate, run as a user runs it")
struct ValidateCommandTests {
    @Test("the valid sample passes with exit 0 and a JSON report of valid rows")
    func validSample() async throws {
        let folder = try temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let output = try await ToolRunner.run([
            "validate", ToolRunner.sample("corrections-valid.csv"), "--report", report,
        ])
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
    func edgeCaseSample() async throws {
        let folder = try temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let output = try await ToolRunner.run([
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
    func invalidSample() async throws {
        let folder = try temporaryDirectory()
        let report = folder.appendingPathComponent("report.json").path
        let output = try await ToolRunner.run([
            "validate", ToolRunner.sample("corrections-invalid.csv"), "--report", report,
        ])
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
    func failedRows() async throws {
        let folder = try temporaryDirectory()
        let failed = folder.appendingPathComponent("failed.csv").path
        let output = try await ToolRunner.run([
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
        let again = try await ToolRunner.run(["validate", failed])
        #expect(again.stdout.contains("9 rows: 9 invalid"))
    }

    @Test("an unknown column exits 2 with the closest known name, and writes no report")
    func unknownColumn() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        try "customerId,postcode2\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,98052\n".write(
            to: input, atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("report.json").path
        let output = try await ToolRunner.run(["validate", input.path, "--report", report])
        #expect(output.status == 2)
        #expect(output.stderr.contains("in.csv:1: unknown column 'postcode2' (did you mean postalCode?)"))
        #expect(!FileManager.default.fileExists(atPath: report))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["in.csv"])
    }

    @Test(
        "a file that is not UTF-8 is refused once, naming its line, cell and byte; read with --encoding it is checked"
    )
    func notUTF8() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        var bytes = Array("customerId,city,country\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Z".utf8)
        bytes += [0xFC] + Array("rich,CH\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,Bern,Helvetia\n".utf8)
        try Data(bytes).write(to: input)
        let output = try await ToolRunner.run(["validate", input.path])
        #expect(output.status == 2)
        #expect(
            output.stderr.contains("in.csv:2: cell 2 holds the byte 0xFC ('ü' in Windows-1252), which is not UTF-8"))
        #expect(output.stderr.contains("--encoding windows-1252"))
        #expect(output.stderr.components(separatedBy: "not UTF-8").count == 3, "one message: \(output.stderr)")
        #expect(!output.stdout.contains("line 3"), "nothing is checked from a file read in the wrong encoding")

        let decoded = try await ToolRunner.run(["validate", input.path, "--encoding", "windows-1252"])
        #expect(decoded.status == 1, "\(decoded.stdout)\(decoded.stderr)")
        #expect(!decoded.stdout.contains("line 2"), "Zürich is valid: \(decoded.stdout)")
        #expect(decoded.stdout.contains("line 3: error [country-unknown]"))

        // Said to be UTF-8, the bad cell fails its row and the rest is still checked.
        let strict = try await ToolRunner.run(["validate", input.path, "--encoding", "utf-8"])
        #expect(strict.status == 2)
        #expect(
            strict.stdout.contains("line 2: error [invalid-utf8] customer 3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01, city"))
        #expect(strict.stdout.contains("line 3: error [country-unknown]"))
        #expect(strict.stdout.contains("not well-formed CSV"))
    }

    @Test(
        "--failed-rows of a Windows-1252 input is UTF-8 with a BOM and CRLF, its accents decoded, and re-runs to the same outcome"
    )
    func failedRowsOfWindows1252() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        let text =
            "customerId;city;country\r\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01;Zürich;CH\r\n"
            + "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02;São Paulo;Helvetia\r\n"
        try Data(text.unicodeScalars.map { UInt8($0.value) }).write(to: input)
        let failed = folder.appendingPathComponent("failed.csv").path
        let output = try await ToolRunner.run([
            "validate", input.path, "--encoding", "windows-1252", "--delimiter", ";", "--failed-rows", failed,
        ])
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        let written = try Data(contentsOf: URL(fileURLWithPath: failed))
        #expect(Array(written.prefix(3)) == [0xEF, 0xBB, 0xBF], "a byte order mark, for Excel")
        #expect(
            String(decoding: written.dropFirst(3), as: UTF8.self)
                == "customerId;city;country\r\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02;São Paulo;Helvetia\r\n")
        let again = try await ToolRunner.run(["validate", failed, "--delimiter", ";"])
        #expect(again.status == 1)
        #expect(again.stdout.contains("line 2: error [country-unknown]"), "\(again.stdout)\(again.stderr)")
    }

    @Test("Excel's Unicode Text (UTF-16 with a BOM, tab-separated) and a UTF-16 file without a BOM")
    func unicodeText() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.txt")
        let text = "customerId\tcity\tcountry\r\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01\tZürich, Altstadt\tCH\r\n"
        try Data([0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: input)
        let output = try await ToolRunner.run(["validate", input.path])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("1 row: 1 valid"))
        try Data(text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: input)
        let bare = try await ToolRunner.run(["validate", input.path])
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("looks like UTF-16 without a byte order mark"), "\(bare.stderr)")
        #expect(try await ToolRunner.run(["validate", input.path, "--encoding", "utf-16"]).status == 0)
    }

    @Test("an unterminated quote exits 2 and names the line where it opened")
    func unterminatedQuote() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        try
            "customerId,city\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,\"Bergen\nmore\n"
            .write(to: input, atomically: true, encoding: .utf8)
        let output = try await ToolRunner.run(["validate", input.path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("in.csv:3: a quoted cell opens on this line and never closes"))
        #expect(!output.stderr.contains("Fatal error"))
    }

    @Test("a header with no rows is fine and says so")
    func emptyFile() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv")
        try "customerId,city\n".write(to: input, atomically: true, encoding: .utf8)
        let output = try await ToolRunner.run(["validate", input.path])
        #expect(output.status == 0)
        #expect(output.stdout.contains("no data rows"))
    }

    @Test(
        "usage errors exit 2 with a message, not a stack trace",
        arguments: [
            ["validate"], ["validate", "x.csv", "--report", "r.txt"], ["validate", "x.csv", "--delimiter", "ab"],
            ["no-such-command"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let output = try await ToolRunner.run(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains("Error:"))
    }

    @Test("a missing input file exits 2 naming the path")
    func missingFile() async throws {
        let output = try await ToolRunner.run(["validate", "/nonexistent/in.csv"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("/nonexistent/in.csv: cannot read the file"))
    }
}
