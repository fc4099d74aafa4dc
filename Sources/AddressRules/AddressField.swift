/// A field of a Partner Center billing address (`defaultAddress`) that the tool can change.
@frozen
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

    /// How many fields there are.
    @usableFromInline static let slotCount = 12

    /// The field's position in ``allCases``.
    @inlinable
    var slot: Int {
        switch self {
        case .addressLine1: 0
        case .addressLine2: 1
        case .addressLine3: 2
        case .city: 3
        case .state: 4
        case .postalCode: 5
        case .country: 6
        case .region: 7
        case .district: 8
        case .firstName: 9
        case .lastName: 10
        case .phoneNumber: 11
        }
    }

    /// The field at `slot`.
    @inlinable
    init(slot: Int) {
        switch slot {
        case 0: self = .addressLine1
        case 1: self = .addressLine2
        case 2: self = .addressLine3
        case 3: self = .city
        case 4: self = .state
        case 5: self = .postalCode
        case 6: self = .country
        case 7: self = .region
        case 8: self = .district
        case 9: self = .firstName
        case 10: self = .lastName
        default: self = .phoneNumber
        }
    }

    public static func < (lhs: AddressField, rhs: AddressField) -> Bool { lhs.slot < rhs.slot }
}
