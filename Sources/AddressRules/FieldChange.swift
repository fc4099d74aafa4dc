/// The change a cell asks for.
public enum FieldChange: Sendable, Equatable, Hashable {
    /// Set the field to this value (trimmed, and normalized once validated).
    case set(String)
    /// Remove the field (the cell said `<clear>`).
    case clear

    /// The cell text that means "remove this field".
    public static let clearMarker = "<clear>"

    /// The value the field ends with, `nil` when cleared.
    public var value: String? {
        if case .set(let value) = self { value } else { nil }
    }
}
