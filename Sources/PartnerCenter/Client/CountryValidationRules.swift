import JSONDocument

/// Partner Center's address rules for one country (`GET /v1/countryvalidationrules/{iso2}`),
/// authoritative where they disagree with the offline table. Reads the current flat `*List`
/// fields and tolerates the older wrapped shape (`"states": {"value": [...]}`).
public struct CountryValidationRules: Sendable, Equatable {
    public var country: String
    public var isStateRequired: Bool
    /// State codes, compared exactly (Partner Center's own check is case-sensitive).
    public var supportedStates: [String]
    public var isPostalCodeRequired: Bool
    /// The postal pattern as sent (anchored, `^…$`), if any.
    public var postalCodeRegex: String?
    public var isCityRequired: Bool
    public var phoneNumberRegex: String?

    public init(
        country: String, isStateRequired: Bool, supportedStates: [String], isPostalCodeRequired: Bool,
        postalCodeRegex: String?, isCityRequired: Bool, phoneNumberRegex: String? = nil
    ) {
        self.country = country
        self.isStateRequired = isStateRequired
        self.supportedStates = supportedStates
        self.isPostalCodeRequired = isPostalCodeRequired
        self.postalCodeRegex = postalCodeRegex
        self.isCityRequired = isCityRequired
        self.phoneNumberRegex = phoneNumberRegex
    }

    /// Reads a response body; `nil` when it is not an object with an `iso2Code`.
    public init?(json: [UInt8]) {
        guard let object = (try? JSONValue(parsing: json))?.objectValue,
            let country = object[anyCase: "iso2Code"]?.stringValue
        else { return nil }
        self.country = country
        isStateRequired = object[anyCase: "isStateRequired"]?.boolValue ?? false
        let states =
            object[anyCase: "supportedStatesList"]?.arrayValue
            ?? object[anyCase: "states"]?.objectValue?[anyCase: "value"]?.arrayValue
            ?? object[anyCase: "states"]?.arrayValue ?? []
        supportedStates = states.compactMap(\.stringValue)
        isPostalCodeRequired = object[anyCase: "isPostalCodeRequired"]?.boolValue ?? false
        postalCodeRegex = object[anyCase: "postalCodeRegex"]?.stringValue
        isCityRequired = object[anyCase: "isCityRequired"]?.boolValue ?? false
        phoneNumberRegex = object[anyCase: "phoneNumberRegex"]?.stringValue
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
