import Foundation
import Testing

@testable import AddressRules

/// Cells as the tool reads them back from its own CSV files.
@Suite("FieldChange cells")
struct FieldChangeTests {
    @Test(
        "a cell the tool neutralized for spreadsheets reads as the value",
        arguments: [("'+1 425 555 0100", "+1 425 555 0100"), ("'=SUM(A1)", "=SUM(A1)"), ("'-", "-"), ("'@x", "@x")])
    func neutralized(cell: String, value: String) {
        #expect(FieldChange(cell: cell) == .set(value))
    }

    @Test("a quote before anything else is part of the value", arguments: ["'quoted'", "O'Brien", "'"])
    func plainQuote(cell: String) {
        #expect(FieldChange(cell: cell) == .set(cell))
    }

    @Test(
        "every value has a cell that reads back as exactly it",
        arguments: ["+1 425", "'+1 425", " padded ", "<clear>", "<value:x>", "plain", "'=x"])
    func roundTrip(value: String) {
        let cell = FieldChange.cell(exactly: value)
        let read = FieldChange(cell: cell.trimmingCharacters(in: .whitespaces))
        #expect(read?.value == value, "\(cell)")
    }
}
