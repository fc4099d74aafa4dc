/// One thing wrong with an address: a stable machine code, the field, and a message for people.
public struct AddressIssue: Sendable, Equatable, Hashable {
    /// Stable codes; reports and scripts may rely on them.
    public enum Code: String, Sendable, Codable, CaseIterable {
        case countryUnknown = "country-unknown"
        case countryChange = "country-change"
        case stateUnknown = "state-unknown"
        case postalCodeFormat = "postal-code-format"
        case postalStateMismatch = "postal-state-mismatch"
        case requiredField = "required-field"
        case fieldTooLong = "field-too-long"
        case regionNotAllowed = "region-not-allowed"
    }

    public let code: Code
    public let field: AddressField
    /// What is wrong and what would be accepted.
    public let message: String

    public init(_ code: Code, field: AddressField, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}
