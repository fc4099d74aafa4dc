import AddressRules
import Foundation
import Testing

@testable import Migration

/// Writes `text` to a temporary file and returns its path.
func temporaryFile(_ text: String, suffix: String = ".csv") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bm-\(UUID())\(suffix)").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Keeps the rows a run writes, honouring restarts.
final class CollectingSink: RowSink {
    var rows: [RowResult] = []
    var restarts = 0
    var finished: RunSummary?

    func write(_ row: RowResult) { rows.append(row) }

    func restart() {
        rows = []
        restarts += 1
    }

    func finish(_ summary: RunSummary) { finished = summary }
}

@Suite("OfflineValidation")
struct OfflineValidationTests {
    private func validate(_ text: String) throws -> (RunSummary, [RowResult]) {
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = CollectingSink()
        let summary = try OfflineValidation.run(path: path, options: InputFile.Options(), sink: sink)
        #expect(sink.finished == summary)
        return (summary, sink.rows)
    }

    @Test("a file without repeated customers is read in one pass; a repeat starts the run over")
    func speculativePass() throws {
        let unique = try temporaryFile("customerId,city\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo\n")
        let repeated = try temporaryFile(
            "customerId,city\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo\n")
        let once = CollectingSink()
        _ = try OfflineValidation.run(path: unique, options: InputFile.Options(), sink: once)
        #expect(once.restarts == 0)
        let twice = CollectingSink()
        _ = try OfflineValidation.run(path: repeated, options: InputFile.Options(), sink: twice)
        #expect(twice.restarts == 1)
        #expect(twice.rows.count == 2)
    }

    @Test("identical duplicate rows: the first is processed, the others warned about")
    func identicalDuplicates() throws {
        let (summary, rows) = try validate(
            """
            customerId,city
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo
            3C9A8B2E-1F4D-4A6B-9E2C-5D7F8A1B2C01, Oslo
            """)
        #expect(rows.map(\.outcome) == [.valid, .valid])
        #expect(rows[0].warnings.isEmpty)
        #expect(rows[1].warnings.map(\.code) == [.duplicateRow])
        #expect(rows[1].warnings[0].message.contains("line 2"))
        #expect(summary.warnings == 1)
    }

    @Test("duplicates that differ are all invalid, the first one included")
    func differingDuplicates() throws {
        let (summary, rows) = try validate(
            """
            customerId,city
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Oslo
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,Bergen
            {3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01},Trondheim
            """)
        #expect(rows.map(\.outcome) == [.invalid, .valid, .invalid])
        #expect(rows[0].errors.map(\.code) == [.duplicateCustomer])
        #expect(rows[2].errors[0].message.contains("also on line 2"))
        #expect(summary.count(.invalid) == 2)
    }

    @Test("values come out normalized and cleared fields as null")
    func normalizedChanges() throws {
        let (_, rows) = try validate(
            """
            customerId,state,postalCode,country,addressLine2
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Washington,98052,us,<clear>
            """)
        #expect(
            rows[0].changes == [
                RowResult.Change(field: "addressLine2", before: nil, after: nil),
                RowResult.Change(field: "state", before: nil, after: "WA"),
                RowResult.Change(field: "postalCode", before: nil, after: "98052"),
                RowResult.Change(field: "country", before: nil, after: "US"),
            ])
    }

    @Test("a bad row after a quoted multi-line field is reported at its own line")
    func lineAfterMultiline() throws {
        let (_, rows) = try validate(
            """
            customerId,addressLine1,country
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,"Suite 1
            Building 2",US
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,1 Main St,Atlantis
            """)
        #expect(rows.map(\.line) == [2, 4])
        #expect(rows[1].errors.map(\.code) == [.address(.countryUnknown)])
    }

    @Test("malformed rows are counted, and the rest of the file is still checked")
    func malformedRows() throws {
        let (summary, rows) = try validate(
            """
            customerId,city
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,Os"lo
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,Bergen,extra
            3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c03,Bergen
            """)
        #expect(rows.map(\.outcome) == [.invalid, .invalid, .valid])
        #expect(summary.malformedRows == 2)
    }

    @Test("an unterminated quote ends the run with the line where it opened")
    func unterminatedQuote() throws {
        #expect(throws: InputError.self) {
            try validate("customerId,city\n3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01,\"Oslo\n")
        }
    }

    @Test("a file with a header and no rows is fine")
    func noRows() throws {
        let (summary, rows) = try validate("customerId,city\n")
        #expect(rows.isEmpty)
        #expect(summary.rows == 0)
    }
}
