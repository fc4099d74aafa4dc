import AddressRules
import JSONDocument
import PartnerCenter

/// What became of one row: the unit of every report.
public struct RowResult: Sendable, Equatable {
    /// Per-row outcomes (SPEC §7).
    public enum Outcome: String, Sendable, CaseIterable, Codable {
        case valid, invalid
        case wouldChange = "would-change"
        case unchanged, failed, applied, conflict, skipped
        /// The run stopped before the row was started; the next run with the journal does it.
        case notStarted = "not-started"
        /// `export`: the customer's address is in the exported file.
        case exported

        /// Whether the row did not succeed: invalid, failed or in conflict (exit code 1). The one
        /// place this set is named.
        public var isUnsuccessful: Bool {
            switch self {
            case .invalid, .failed, .conflict: true
            default: false
            }
        }

        /// The outcome's position in ``allCases``.
        var index: Int {
            switch self {
            case .valid: 0
            case .invalid: 1
            case .wouldChange: 2
            case .unchanged: 3
            case .failed: 4
            case .applied: 5
            case .conflict: 6
            case .skipped: 7
            case .notStarted: 8
            case .exported: 9
            }
        }
    }

    /// One field's change: `before` is `nil` where the field was absent or is not known (validate).
    public struct Change: Sendable, Equatable {
        public let field: String
        public let before: String?
        public var after: String?

        public init(field: String, before: String?, after: String?) {
            self.field = field
            self.before = before
            self.after = after
        }
    }

    /// What `plan` read and would write, for a saved plan (``SavedPlan``): the profile's ETag, its
    /// address before and after, and the whole document as read (what `apply --plan --trust-etag`
    /// writes back without reading first). Set on `would-change` rows only.
    public struct Snapshot: Sendable, Equatable {
        public var etag: String?
        public var before: AddressFields
        public var after: AddressFields
        public var profile: JSONObject?
    }

    public var line: Int
    /// The customer as normalized, or as written when it is not a valid GUID.
    public var customerId: String
    public var outcome: Outcome
    public var errors: [RowIssue]
    public var warnings: [RowIssue]
    public var changes: [Change]
    public var httpStatus: Int?
    public var partnerCenterCode: String?
    public var correlationId: String?
    public var snapshot: Snapshot?
    /// Values Partner Center stored in another form than the row sent (recorded in the journal).
    public var stored = AddressFields()
    /// The digest of what the input row asked for (``InputRow/changesDigest``), recorded in the journal.
    public var inputDigest: String?
    /// The customer's company name, from the billing profile read (or the customer's company
    /// profile), when known: reports show it beside the GUID.
    public var companyName: String?
    /// `export`: the customer's domain (`companyProfile.domain`), when known.
    public var domain: String?
    /// `export`: the address as Partner Center holds it, the exported row's cells.
    public var current: AddressFields?

    /// Whether the row still needs attention: invalid, failed, in conflict, or left unfinished by
    /// a stop (what `--failed-rows` lists).
    public var needsAttention: Bool {
        if outcome.isUnsuccessful || outcome == .notStarted { return true }
        return outcome == .skipped && errors.contains { $0.code == .notFinished }
    }

    /// A failure another run may not meet: no answer, a transient status, or refused access
    /// (``PartnerCenterError/isTransientFailure(status:code:)``). Resuming does such a row again;
    /// other outcomes are final.
    public var isTransientFailure: Bool {
        Self.isTransientFailure(outcome, status: httpStatus, code: partnerCenterCode)
    }

    static func isTransientFailure(_ outcome: Outcome, status: Int?, code: String?) -> Bool {
        outcome == .failed && PartnerCenterError.isTransientFailure(status: status, code: code)
    }

    public init(
        line: Int, customerId: String, outcome: Outcome, errors: [RowIssue] = [], warnings: [RowIssue] = [],
        changes: [Change] = []
    ) {
        self.line = line
        self.customerId = customerId
        self.outcome = outcome
        self.errors = errors
        self.warnings = warnings
        self.changes = changes
    }
}
