/// A set of address fields as bits: what the validator is told to judge as stored. Checked on
/// every row, so it allocates nothing (a `Set<AddressField>` costs a hash table and a metadata
/// lookup per row).
public struct FieldSet: Sendable, Equatable, ExpressibleByArrayLiteral {
    private var bits: UInt16 = 0

    public init() {}

    public init(arrayLiteral fields: AddressField...) {
        for field in fields { insert(field) }
    }

    public init(_ fields: some Sequence<AddressField>) {
        for field in fields { insert(field) }
    }

    /// Every field.
    public static var all: FieldSet { FieldSet(AddressField.allCases) }

    public func contains(_ field: AddressField) -> Bool { bits & (1 << field.slot) != 0 }

    public mutating func insert(_ field: AddressField) { bits |= 1 << field.slot }
}
