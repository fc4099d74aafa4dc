/// What a spreadsheet does to a value on its way through a save, recognized by comparing the
/// cell with the value on file: such a cell is the stored value damaged, not a change, and is
/// never written.
public enum SpreadsheetDamage {
    /// Why `cell` is `stored` as a spreadsheet damaged it, for the operator; `nil` when it is not.
    /// - Leading zeros dropped: Excel turns a cell of digits into a number (`02110` → `2110`).
    /// - Scientific notation: a long number saved as displayed (`03514000000` → `3.514E+09`).
    /// - Characters the file's encoding cannot hold, saved as `?` (`東京都` → `???` in a
    ///   Windows-1252 "CSV (Comma delimited)").
    public static func explain(cell: String, stored: String) -> String? {
        guard cell != stored, !cell.isEmpty else { return nil }
        let digits = stored.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        if digits, stored.hasPrefix("0"), cell == String(stored.drop { $0 == "0" }) {
            return "the value on file is \(stored); the cell says \(cell): Excel dropped the leading zero, so the "
                + "value on file is kept. Format the column as Text before saving to change it."
        }
        if digits, isScientific(cell) {
            return "the value on file is \(stored); the cell says \(cell): Excel wrote the number in scientific "
                + "notation, so the value on file is kept. Format the column as Text before saving to change it."
        }
        if isLossy(cell, of: stored) {
            return "the value on file is '\(stored)'; the cell says '\(cell)': the file was saved in an encoding "
                + "that cannot hold it, so the value on file is kept. Save the file as \"CSV UTF-8\" to change it."
        }
        return nil
    }

    /// `1.23E+09`, `4E+10`, `5.1e9`.
    private static func isScientific(_ text: String) -> Bool {
        let parts = text.uppercased().split(separator: "E", omittingEmptySubsequences: false)
        guard parts.count == 2, let mantissa = parts.first, let exponent = parts.last else { return false }
        let exponentDigits = exponent.hasPrefix("+") ? exponent.dropFirst() : exponent[...]
        let mantissaParts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        func isDigits(_ part: Substring) -> Bool {
            !part.isEmpty && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
        }
        return mantissaParts.count <= 2 && mantissaParts.allSatisfy(isDigits) && isDigits(exponentDigits)
    }

    /// Whether `cell` is `stored` with some of its non-ASCII characters replaced by `?`.
    private static func isLossy(_ cell: String, of stored: String) -> Bool {
        let cell = Array(cell.unicodeScalars)
        let stored = Array(stored.unicodeScalars)
        guard cell.count == stored.count, cell.contains("?") else { return false }
        return zip(cell, stored).allSatisfy { $0 == $1 || ($0 == "?" && !$1.isASCII) }
    }
}
