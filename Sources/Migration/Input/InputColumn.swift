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
        // The names spreadsheet users write, and Partner Center's own exports and portal use.
        let aliases: [(String, InputColumn)] = [
            ("Customer tenant ID", .customerId), ("Customer ID", .customerId), ("tenantId", .customerId),
            ("Tenant ID", .customerId), ("Microsoft ID", .customerId),
            ("Street", .address(.addressLine1)),
            ("Street address", .address(.addressLine1)), ("Address 1", .address(.addressLine1)),
            ("Address 2", .address(.addressLine2)), ("Address 3", .address(.addressLine3)),
            ("Town", .address(.city)),
            ("Province", .address(.state)), ("State/Province", .address(.state)),
            ("State or province", .address(.state)),
            ("Zip", .address(.postalCode)), ("Zip code", .address(.postalCode)), ("Postcode", .address(.postalCode)),
            ("Postal", .address(.postalCode)), ("ZIP/Postal code", .address(.postalCode)),
            ("Country/Region", .address(.country)), ("Country or region", .address(.country)),
            ("Phone", .address(.phoneNumber)), ("Telephone", .address(.phoneNumber)),
            ("Phone number", .address(.phoneNumber)),
            ("Company", .context("companyName")), ("Company name", .context("companyName")),
            ("Customer name", .context("companyName")),
            ("Primary domain name", .context("domain")), ("Domain name", .context("domain")),
            ("Primary domain", .context("domain")),
        ]
        for (alias, column) in aliases { map[matchingKey(alias)] = column }
        return map
    }()

    /// Header names match case-insensitively, ignoring spaces and punctuation (`_`, `-`, `/`,
    /// `.`, parentheses): `State/Province`, `state_or_province` and `ZIP code` all match.
    static func matchingKey(_ header: String) -> String {
        String(
            String.UnicodeScalarView(
                header.lowercased().unicodeScalars.filter {
                    $0.properties.isAlphabetic || $0.properties.numericType != nil
                }
            ))
    }
}
