import AddressRules

/// What a column of the corrections file holds.
public enum InputColumn: Sendable, Hashable {
    case customerId
    case address(AddressField)
    /// A read-only column `export` writes for the people who edit the file (`companyName`,
    /// `domain`): accepted, and ignored.
    case context(String)

    /// The column's canonical header name.
    public var name: String {
        switch self {
        case .customerId: "customerId"
        case .address(let field): field.rawValue
        case .context(let name): name
        }
    }

    /// The read-only context columns (see ``context(_:)``).
    public static let contextNames = ["companyName", "domain"]

    /// Every column the tool knows, in canonical order.
    public static let all: [InputColumn] =
        [.customerId] + AddressField.allCases.map(InputColumn.address) + contextNames.map(InputColumn.context)

    /// Header names by their matching key (see ``matchingKey(_:)``): canonical names and aliases.
    static let byKey: [String: InputColumn] = {
        var map: [String: InputColumn] = [:]
        for column in all { map[matchingKey(column.name)] = column }
        let aliases: [(String, InputColumn)] = [
            ("customer-tenant-id", .customerId), ("tenantId", .customerId),
            ("province", .address(.state)),
            ("zip", .address(.postalCode)), ("zipCode", .address(.postalCode)), ("postcode", .address(.postalCode)),
        ]
        for (alias, column) in aliases { map[matchingKey(alias)] = column }
        return map
    }()

    /// Header names match case-insensitively, ignoring spaces, `_` and `-`.
    static func matchingKey(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "-" })
    }
}
