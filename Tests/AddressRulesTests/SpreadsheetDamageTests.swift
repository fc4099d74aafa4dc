import Testing

@testable import AddressRules

@Suite("SpreadsheetDamage: a value on file as a spreadsheet damaged it")
struct SpreadsheetDamageTests {
    @Test(
        "leading zeros dropped, scientific notation and characters lost to an encoding are named",
        arguments: [
            ("2110", "02110", "leading zero"), ("1067", "01067", "leading zero"), ("8001", "08001", "leading zero"),
            ("3514000000", "03514000000", "leading zero"), ("3.514E+09", "03514000000", "scientific notation"),
            ("4.26E+11", "426000000000", "scientific notation"), ("4E10", "40000000000", "scientific notation"),
            ("???", "東京都", "encoding"), ("Z?rich", "Zürich", "encoding"), ("???1-1-1", "丸の内1-1-1", "encoding"),
        ])
    func damaged(cell: String, stored: String, kind: String) throws {
        let why = try #require(SpreadsheetDamage.explain(cell: cell, stored: stored))
        #expect(why.contains(kind))
        #expect(why.contains(stored))
    }

    @Test(
        "real edits are not damage",
        arguments: [
            ("2111", "02110"), ("02110", "02110"), ("12110", "02110"), ("2110", "2110"), ("1.5E+09", "Suite 5"),
            ("Zurich", "Zürich"), ("???", "abc"), ("Tokyo", "東京都"), ("?", "東京都"), ("", "02110"),
            ("Köln?", "Köln"),
        ])
    func notDamaged(cell: String, stored: String) {
        #expect(SpreadsheetDamage.explain(cell: cell, stored: stored) == nil)
    }
}
