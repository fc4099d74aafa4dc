/// A value per address field, kept in one fixed slot per field: the per-row map of the hot path,
/// without hashing. Iterates the present fields in ``AddressField`` order.
///
/// Inlinable so that callers in other modules get it specialized for their value type.
@frozen
public struct FieldMap<Value>: Sequence {
    @usableFromInline var slots: [Value?]

    @inlinable
    public init() {
        slots = Array(repeating: nil, count: AddressField.slotCount)
    }

    @inlinable
    public subscript(field: AddressField) -> Value? {
        get { slots[field.slot] }
        set { slots[field.slot] = newValue }
    }

    /// Whether no field has a value.
    @inlinable
    public var isEmpty: Bool { slots.allSatisfy { $0 == nil } }

    /// How many fields have a value.
    @inlinable
    public var count: Int { slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    @inlinable
    public func makeIterator() -> Iterator { Iterator(slots: slots) }

    /// Walks the present fields in field order.
    @frozen
    public struct Iterator: IteratorProtocol {
        @usableFromInline let slots: [Value?]
        @usableFromInline var index = 0

        @inlinable
        init(slots: [Value?]) { self.slots = slots }

        @inlinable
        public mutating func next() -> (field: AddressField, value: Value)? {
            while index < slots.count {
                defer { index += 1 }
                if let value = slots[index] { return (AddressField(slot: index), value) }
            }
            return nil
        }
    }

    /// The same fields with their values transformed.
    @inlinable
    public func mapValues<Other>(_ transform: (Value) throws -> Other) rethrows -> FieldMap<Other> {
        var result = FieldMap<Other>()
        for index in slots.indices {
            if let value = slots[index] { result.slots[index] = try transform(value) }
        }
        return result
    }
}

extension FieldMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (AddressField, Value)...) {
        self.init()
        for (field, value) in elements { self[field] = value }
    }
}

extension FieldMap: Equatable where Value: Equatable {}
extension FieldMap: Hashable where Value: Hashable {}
extension FieldMap: Sendable where Value: Sendable {}

extension FieldMap: CustomStringConvertible {
    public var description: String {
        "[" + map { "\($0.field.rawValue): \($0.value)" }.joined(separator: ", ") + "]"
    }
}

/// Address values by field. A field that is absent has no value; in a partial address (a row's
/// changes) the empty string stands for "clear this field".
public typealias AddressFields = FieldMap<String>
