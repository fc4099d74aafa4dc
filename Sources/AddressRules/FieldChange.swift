import Foundation

/// The change a cell asks for.
public enum FieldChange: Sendable, Equatable, Hashable {
    /// Set the field to this value (trimmed, and normalized once validated).
    case set(String)
    /// Remove the field (the cell said `<clear>`).
    case clear
    /// Set the field to exactly this text, not trimmed and not normalized (the cell said
    /// `<value:TEXT>`): how an undo file restores an empty value, surrounding spaces, a value not in
    /// normal form, or the literal text `<clear>`.
    case exactly(String)

    /// The cell text that means "remove this field".
    public static let clearMarker = "<clear>"
    /// How a cell that holds an exact value starts; it ends with `>`.
    public static let exactPrefix = "<value:"

    /// The value the field ends with, `nil` when cleared.
    public var value: String? {
        switch self {
        case .set(let value), .exactly(let value): value
        case .clear: nil
        }
    }

    /// Whether the value is to be taken exactly as given.
    public var isExact: Bool {
        if case .exactly = self { true } else { false }
    }

    /// The change a cell asks for: `<clear>`, `<value:TEXT>`, or `nil` for an empty cell (keep).
    /// - Parameter cell: the cell with surrounding white space trimmed.
    public init?(cell: String) {
        if cell.isEmpty { return nil }
        let cell = Self.unneutralized(cell)
        if cell == Self.clearMarker {
            self = .clear
        } else if cell.hasPrefix(Self.exactPrefix), cell.hasSuffix(">") {
            self = .exactly(String(cell.dropFirst(Self.exactPrefix.count).dropLast()))
        } else {
            self = .set(cell)
        }
    }

    /// The cell that asks for `value` exactly as it is: the plain text where trimming and reading
    /// it back give it unchanged, otherwise `<value:…>`.
    public static func cell(exactly value: String) -> String {
        let plain =
            !value.isEmpty && value == value.trimmingCharacters(in: .whitespacesAndNewlines)
            && value != clearMarker && !value.hasPrefix(exactPrefix) && unneutralized(value) == value
        return plain ? value : exactPrefix + value + ">"
    }

    /// First bytes a spreadsheet reads as the start of a formula: `=`, `+`, `-`, `@`, tab and
    /// carriage return. The tool's CSV files put a `'` before a cell that starts with one.
    public static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13,
    ]

    /// `cell` without the `'` the tool's CSV files (and the OWASP advice they follow) put before a
    /// cell a spreadsheet would take for a formula: `'+1 425` reads as `+1 425`.
    public static func unneutralized(_ cell: String) -> String {
        let bytes = cell.utf8
        guard bytes.first == UInt8(ascii: "'"), let second = bytes.dropFirst().first, formulaStarts.contains(second)
        else { return cell }
        return String(cell.dropFirst())
    }
}
