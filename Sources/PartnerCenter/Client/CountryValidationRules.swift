import AddressRules
import JSONDocument

/// Partner Center's address rules for one country (`GET /v1/countryvalidationrules/{iso2}`) as
/// served: a member it leaves out stays `nil`, so the offline table can fill in exactly there.
/// Reads the current flat `*List` fields and tolerates the older wrapped shape
/// (`"states": {"value": [...]}`), in camelCase or PascalCase.
public struct CountryValidationRules: Sendable, Equatable {
    public var country: String
    public var isStateRequired: Bool?
    /// States as listed (codes or names), compared exactly (Partner Center's own check is
    /// case-sensitive).
    public var supportedStates: [String]
    public var isPostalCodeRequired: Bool?
    /// The postal pattern as sent; `nil` when null or absent, possibly empty.
    public var postalCodeRegex: String?
    public var isCityRequired: Bool?
    public var phoneNumberRegex: String?
    /// `customerOrganizationPhoneNumberRequired`, where served.
    public var isPhoneNumberRequired: Bool?

    public init(
        country: String, isStateRequired: Bool?, supportedStates: [String], isPostalCodeRequired: Bool?,
        postalCodeRegex: String?, isCityRequired: Bool?, phoneNumberRegex: String? = nil,
        isPhoneNumberRequired: Bool? = nil
    ) {
        self.country = country
        self.isStateRequired = isStateRequired
        self.supportedStates = supportedStates
        self.isPostalCodeRequired = isPostalCodeRequired
        self.postalCodeRegex = postalCodeRegex
        self.isCityRequired = isCityRequired
        self.phoneNumberRegex = phoneNumberRegex
        self.isPhoneNumberRequired = isPhoneNumberRequired
    }

    /// Reads a response body; `nil` when it is not an object with an `iso2Code`.
    public init?(json: [UInt8]) {
        guard let object = (try? JSONValue(parsing: json))?.objectValue,
            let country = object[anyCase: "iso2Code"]?.stringValue
        else { return nil }
        self.country = country
        isStateRequired = object[anyCase: "isStateRequired"]?.boolValue
        let states =
            object[anyCase: "supportedStatesList"]?.arrayValue
            ?? object[anyCase: "states"]?.objectValue?[anyCase: "value"]?.arrayValue
            ?? object[anyCase: "states"]?.arrayValue ?? []
        supportedStates = states.compactMap(\.stringValue)
        isPostalCodeRequired = object[anyCase: "isPostalCodeRequired"]?.boolValue
        postalCodeRegex = object[anyCase: "postalCodeRegex"]?.stringValue
        isCityRequired = object[anyCase: "isCityRequired"]?.boolValue
        phoneNumberRegex = object[anyCase: "phoneNumberRegex"]?.stringValue
        isPhoneNumberRequired = object[anyCase: "customerOrganizationPhoneNumberRequired"]?.boolValue
    }

    /// The rules compiled for checking addresses (patterns compiled once).
    public func compiled(table: CountryTable = .shipped) -> ServedRules {
        ServedRules(
            country: country, stateRequired: isStateRequired, postalRequired: isPostalCodeRequired,
            cityRequired: isCityRequired, phoneRequired: isPhoneNumberRequired, states: supportedStates,
            postalRegex: postalCodeRegex, phoneRegex: phoneNumberRegex, table: table)
    }
}

/// Partner Center's verdict on an address (`POST /v1/validations/address`).
public struct AddressValidationResult: Sendable, Equatable {
    /// `VerifiedShippable`, `Verified`, `InteractionRequired`, `StreetPartial`, `PremisesPartial`,
    /// `Multiple`, `None`, `NotValidated`.
    public var status: String
    public var validationMessage: String?
    public var suggestionCount: Int

    /// Whether Partner Center accepts the address as it is.
    public var isVerified: Bool { status == "Verified" || status == "VerifiedShippable" }

    public init?(json: [UInt8]) {
        guard let object = (try? JSONValue(parsing: json))?.objectValue,
            let status = object[anyCase: "status"]?.stringValue
        else { return nil }
        self.status = status
        validationMessage = object[anyCase: "validationMessage"]?.stringValue
        suggestionCount = object[anyCase: "suggestedAddresses"]?.arrayValue?.count ?? 0
    }
}
