/// One thing wrong with an address, or worth a warning: a stable machine code, the field, a
/// message for people, and whose rule found it.
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
        case phoneNumberFormat = "phone-number-format"
        case controlCharacter = "control-character"
        /// Warnings: an offline rule disagrees, but the evidence is not certain (see ``AddressValidator``).
        case stateUnverified = "state-unverified"
        case postalCodeUnverified = "postal-code-unverified"
        case postalStateUnverified = "postal-state-unverified"
        /// A warning: the cell is the value on file as a spreadsheet damaged it (leading zeros
        /// dropped, a number in scientific notation, characters its encoding could not hold), so
        /// the value on file is kept (``SpreadsheetDamage``).
        case spreadsheetDamage = "spreadsheet-damage"
    }

    /// Whose rule found the issue.
    public enum Authority: String, Sendable {
        /// The offline table shipped with the tool.
        case offline
        /// Partner Center's rules as it served them for the country.
        case partnerCenter
    }

    public let code: Code
    public let field: AddressField
    /// What is wrong and what would be accepted.
    public let message: String
    public let authority: Authority
    /// The pattern that refused the value, for the JSON report (the message says it in words).
    public var pattern: String?

    public init(
        _ code: Code, field: AddressField, _ message: String, authority: Authority = .offline, pattern: String? = nil
    ) {
        self.code = code
        self.field = field
        self.pattern = pattern
        self.message = message
        self.authority = authority
    }
}
