import AddressRules
import CSVReading
import Foundation

/// CSV lines as the tool writes them: RFC 4180 quoting and CRLF line ends.
public enum CSVText {
    /// One CSV line: a field is quoted when it holds the delimiter, a quote, or a line break.
    public static func line(_ fields: [String], delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        var bytes: [UInt8] = []
        for (index, field) in fields.enumerated() { append(field.utf8, first: index == 0, delimiter, to: &bytes) }
        return String(decoding: bytes + [13, 10], as: UTF8.self)
    }

    /// A record written back as one CSV line, its cells' bytes as read (quoted as by
    /// ``line(_:delimiter:)``): a cell that is not UTF-8 keeps its bytes rather than turning into
    /// replacement characters.
    public static func line(_ record: CSVRecord, delimiter: UInt8 = UInt8(ascii: ",")) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in 0..<record.count {
            record.withFieldBytes(index) { append($0, first: index == 0, delimiter, to: &bytes) }
        }
        return bytes + [13, 10]
    }

    /// Appends one cell, after a delimiter unless it is the line's first, quoted when it must be.
    private static func append(
        _ cell: some Collection<UInt8>, first: Bool, _ delimiter: UInt8, to bytes: inout [UInt8]
    ) {
        if !first { bytes.append(delimiter) }
        let quote = UInt8(ascii: "\"")
        guard cell.contains(where: { $0 == delimiter || $0 == quote || $0 == 10 || $0 == 13 }) else {
            bytes += cell
            return
        }
        bytes.append(quote)
        for byte in cell {
            if byte == quote { bytes.append(quote) }
            bytes.append(byte)
        }
        bytes.append(quote)
    }

    /// `cell` made safe for a spreadsheet: one that starts with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return would be read as a formula, so it gets a leading `'` (OWASP's advice).
    public static func neutralized(_ cell: String) -> String {
        guard let first = cell.utf8.first, FieldChange.formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }
}
