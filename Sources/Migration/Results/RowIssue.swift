import AddressRules
import CSVReading

/// One thing wrong with a row, or worth a warning: a stable code, the column, and a message that
/// says what to do.
public struct RowIssue: Sendable, Equatable {
    /// Stable codes; reports and scripts may rely on them (``rawValue``). The address checks'
    /// codes are ``AddressIssue/Code``'s.
    public enum Code: Sendable, Equatable, Hashable {
        case customerIdFormat
        case duplicateRow
        case duplicateCustomer
        case fieldTooLarge
        case columnCount
        case csvMalformed
        case invalidUTF8
        case nulByte
        case address(AddressIssue.Code)
        /// Partner Center refused the row (the message has its status and code).
        case partnerCenter
        /// Another writer changed the fields this row changes.
        case conflict
        /// Partner Center's address validation did not verify the address (`--verify-address`).
        case addressNotVerified
        /// The run stopped before the row was done; the next run with the journal does it.
        case notFinished
        /// A warning: an earlier run had already done the row.
        case doneEarlier
        /// A warning: a write that got no answer was found applied by reading it back.
        case resolvedByReadBack
        /// A warning: Partner Center stored a value in another form than sent.
        case storedDifferently
        /// Partner Center answered a write as a success without storing a field it was sent.
        case notStored

        /// The code as reports print it (`postal-state-mismatch`).
        public var rawValue: String {
            switch self {
            case .customerIdFormat: "customer-id-format"
            case .duplicateRow: "duplicate-row"
            case .duplicateCustomer: "duplicate-customer"
            case .fieldTooLarge: "field-too-large"
            case .columnCount: "column-count"
            case .csvMalformed: "csv-malformed"
            case .invalidUTF8: "invalid-utf8"
            case .nulByte: "nul-byte"
            case .address(let code): code.rawValue
            case .partnerCenter: "partner-center"
            case .conflict: "conflict"
            case .addressNotVerified: "address-not-verified"
            case .notFinished: "not-finished"
            case .doneEarlier: "done-in-earlier-run"
            case .resolvedByReadBack: "resolved-by-read-back"
            case .storedDifferently: "stored-differently"
            case .notStored: "not-stored"
            }
        }

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
    /// The pattern that refused the value, kept for the JSON report: the message says it in words.
    public var pattern: String?

    public init(_ code: Code, field: String?, _ message: String, pattern: String? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.pattern = pattern
    }

    /// The row-level form of an address issue.
    public init(_ issue: AddressIssue) {
        self.init(issue, message: issue.message)
    }

    /// The row-level form of an address issue, with `message` in place of its own.
    public init(_ issue: AddressIssue, message: String) {
        self.init(.address(issue.code), field: issue.field.rawValue, message, pattern: issue.pattern)
    }
}
