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
