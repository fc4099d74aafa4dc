import AddressRules

/// What one row of the corrections file asks for.
public struct ChangeRequest: Sendable, Equatable {
    /// The line the row starts on.
    public let line: Int
    public let customerId: CustomerID
    /// The fields to change. A field the row leaves empty is absent: it keeps its current value.
    public var changes: FieldMap<FieldChange>

    public init(line: Int, customerId: CustomerID, changes: FieldMap<FieldChange>) {
        self.line = line
        self.customerId = customerId
        self.changes = changes
    }
}

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
