import AddressRules
import Foundation

/// CSV lines as the tool writes them: RFC 4180 quoting and CRLF line ends.
public enum CSVText {
    /// One CSV line: a field is quoted when it holds the delimiter, a quote, or a line break.
    public static func line(_ fields: [String], delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        let separator = String(UnicodeScalar(delimiter))
        return fields.map { field in
            let needsQuotes = field.utf8.contains {
                $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13
            }
            return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: separator) + "\r\n"
    }

    /// `cell` made safe for a spreadsheet: one that starts with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return would be read as a formula, so it gets a leading `'` (OWASP's advice).
    public static func neutralized(_ cell: String) -> String {
        guard let first = cell.utf8.first, FieldChange.formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }
}
