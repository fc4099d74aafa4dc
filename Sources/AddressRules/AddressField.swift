/// A field of a Partner Center billing address (`defaultAddress`) that the tool can change.
public enum AddressField: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    case addressLine1, addressLine2, addressLine3, city, state, postalCode, country, region, district
    case firstName, lastName, phoneNumber

    /// Partner Center's length limit for the field, in characters, where it documents one.
    public var maximumLength: Int? {
        switch self {
        case .addressLine1, .addressLine2, .addressLine3: 200
        case .firstName, .lastName: 50
        default: nil
        }
    }

    public static func < (lhs: AddressField, rhs: AddressField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Address values by field. A field that is absent has no value; in a partial address (a row's
/// changes) the empty string stands for "clear this field".
public typealias AddressFields = [AddressField: String]
