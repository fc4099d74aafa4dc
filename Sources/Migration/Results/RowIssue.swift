import AddressRules
import CSVReading

/// One thing wrong with a row, or worth a warning: a stable code, the column, and a message that
/// says what to do.
public struct RowIssue: Sendable, Equatable {
    /// Stable codes; reports and scripts may rely on them. The address codes are
    /// ``AddressIssue/Code``'s.
    public enum Code: String, Sendable, CaseIterable {
        case customerIdFormat = "customer-id-format"
        case duplicateRow = "duplicate-row"
        case duplicateCustomer = "duplicate-customer"
        case fieldTooLarge = "field-too-large"
        case columnCount = "column-count"
        case csvMalformed = "csv-malformed"
        case invalidUTF8 = "invalid-utf8"
        case nulByte = "nul-byte"
        case countryUnknown = "country-unknown"
        case countryChange = "country-change"
        case stateUnknown = "state-unknown"
        case postalCodeFormat = "postal-code-format"
        case postalStateMismatch = "postal-state-mismatch"
        case requiredField = "required-field"
        case fieldTooLong = "field-too-long"
        case regionNotAllowed = "region-not-allowed"

        /// Whether the issue means the file is not well-formed CSV (nothing may be applied from it).
        public var isMalformedInput: Bool {
            switch self {
            case .columnCount, .csvMalformed, .invalidUTF8, .nulByte: true
            default: false
            }
        }
    }

    public let code: Code
    /// The column the issue is about, by its canonical name (or as written, for unknown columns).
    public let field: String?
    public let message: String

    public init(_ code: Code, field: String?, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The row-level form of an address issue.
    public init(_ issue: AddressIssue) {
        self.init(Code(rawValue: issue.code.rawValue)!, field: issue.field.rawValue, issue.message)
    }
}
