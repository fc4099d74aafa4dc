import AddressRules
import CSVReading
import Testing

@testable import Migration

@Suite("InputRow")
struct InputRowTests {
    let header = try! HeaderMap(
        header: ["customerId", "addressLine1", "addressLine2", "city"], line: 1, ignoreUnknown: false, path: "in.csv")

    private func row(_ fields: [String], problems: [CSVProblem] = []) -> InputRow {
        InputRow(record: CSVRecord(line: 7, fields: fields, problems: problems), header: header)
    }

    @Test("cells are trimmed, empty keeps, <clear> clears")
    func changes() {
        let input = row(["3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01", "  1 Main St ", "<clear>", ""])
        #expect(input.issues.isEmpty)
        #expect(input.changes == [.addressLine1: .set("1 Main St"), .addressLine2: .clear])
    }

    @Test(
        "GUIDs in braces and upper case are normalized to lower case",
        arguments: [
            "{3C9A8B2E-1F4D-4A6B-9E2C-5D7F8A1B2C01}", "3C9A8B2E-1F4D-4A6B-9E2C-5D7F8A1B2C01",
            " 3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01 ",
        ])
    func guidNormalization(text: String) {
        #expect(row([text, "", "", ""]).customerLabel == "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01")
    }

    @Test(
        "a malformed customerId is a row error",
        arguments: [
            "", "3c9a8b2e1f4d4a6b9e2c5d7f8a1b2c01", "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c0g",
            "{3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01",
        ])
    func badGUID(text: String) {
        #expect(row([text, "", "", ""]).issues.map(\.code) == [.customerIdFormat])
    }

    @Test("too few cells, or extra non-empty cells, is a column-count error; extra empty cells are fine")
    func columnCount() {
        let id = "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01"
        #expect(row([id, "a"]).issues.map(\.code) == [.columnCount])
        #expect(row([id, "a", "b", "c", "extra"]).issues.map(\.code) == [.columnCount])
        #expect(row([id, "a", "b", "c", " "]).issues.isEmpty)
    }

    @Test("CSV problems become row issues naming the column")
    func csvProblems() {
        let id = "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01"
        let input = row(
            [id, "", "", ""],
            problems: [
                .fieldTooLarge(column: 1, bytes: 5000, limit: 4096),
                .invalidUTF8(column: 3),
            ])
        #expect(input.issues.map(\.code) == [.fieldTooLarge, .invalidUTF8])
        #expect(input.issues.map(\.field) == ["addressLine1", "city"])
        #expect(input.issues[0].message.contains("5000 bytes"))
    }
}
