import AddressRules
import Foundation
import PartnerCenter

/// What a row would do to a customer's profile: the pure middle of `plan` and `apply`.
public struct PlannedChange: Sendable, Equatable {
    /// The verdict.
    public enum Verdict: Sendable, Equatable {
        /// The merged address differs from the current one in `fields`.
        case change
        /// The merged address equals the current one (exact, case-sensitive).
        case unchanged
        /// The merged address breaks a rule.
        case invalid([RowIssue])
    }

    public var verdict: Verdict
    /// The current address fields.
    public var before: AddressFields
    /// The address the row asks for.
    public var after: AddressFields
    /// The fields that differ, in field order.
    public var fields: [AddressField]
    /// What the row should carry as warnings (Partner Center's address validation under
    /// `--verify-address report`).
    public var warnings: [RowIssue] = []

    public init(
        verdict: Verdict, before: AddressFields, after: AddressFields, fields: [AddressField],
        warnings: [RowIssue] = []
    ) {
        self.verdict = verdict
        self.before = before
        self.after = after
        self.fields = fields
        self.warnings = warnings
    }

    /// The changes to apply to the profile: each differing field set or cleared.
    public var changes: FieldMap<FieldChange> {
        var changes = FieldMap<FieldChange>()
        for field in fields { changes[field] = after[field].map(FieldChange.set) ?? .clear }
        return changes
    }

    /// The field-level diff for reports.
    public var diff: [RowResult.Change] {
        fields.map { RowResult.Change(field: $0.rawValue, before: before[$0], after: after[$0]) }
    }
}

/// Merges a row's changes into a customer's current address and checks the result in layers:
/// Partner Center's served rules for the merged address's country decide, the offline table fills
/// in what they leave out (see ``AddressValidator`` for the table of which rule decides).
public struct Planner: Sendable {
    public let validator: AddressValidator
    public let allowCountryChange: Bool

    public init(validator: AddressValidator = AddressValidator(), allowCountryChange: Bool = false) {
        self.validator = validator
        self.allowCountryChange = allowCountryChange
    }

    /// Plans `changes` against `current`, under Partner Center's `rules` for the merged address's
    /// country when it served them.
    ///
    /// **A cell equal to the value on file is no change**: compared with the stored value before
    /// any normalization (and with it trimmed, the way cells are), it leaves the field exactly as
    /// stored, whatever its form (`Madrid`, `sw1a 2aa`, `wa`). So an unedited export plans no
    /// write. The values the row does change are normalized on the merged address (so a row
    /// without a country cell is normalized with the profile's country); the profile's own values
    /// are judged as stored, since they are sent back unchanged. The diff and the no-op comparison
    /// use the normalized values. A stored value the rules refuse, on a row that changes nothing,
    /// is a warning, not a write. So is a cell that is the stored value as a spreadsheet damaged
    /// it (``SpreadsheetDamage``): the value on file is kept.
    public func plan(_ changes: FieldMap<FieldChange>, current: AddressFields, rules: ServedRules?) -> PlannedChange {
        var changes = changes
        var damaged: [RowIssue] = []
        for (field, change) in changes {
            if Self.asksForStored(change, current[field]) {
                changes[field] = nil
            } else if case .set(let cell) = change, let stored = current[field],
                let why = SpreadsheetDamage.explain(cell: cell, stored: stored)
            {
                changes[field] = nil
                damaged.append(RowIssue(.address(.spreadsheetDamage), field: field.rawValue, why))
            }
        }
        var merged = current
        for (field, change) in changes { merged[field] = change.value }
        let stored = FieldSet(AddressField.allCases.filter { changes[$0] == nil || changes[$0]?.isExact == true })
        let checked = validator.check(merged, mode: .complete, served: rules, asStored: stored)
        var after = current
        for (field, change) in changes { after[field] = change.value == nil ? nil : checked.address[field] }
        let fields = AddressField.allCases.filter { after[$0] != current[$0] }
        var issues: [RowIssue] = []
        if let from = current[.country], let to = after[.country], from.uppercased() != to.uppercased(),
            !allowCountryChange
        {
            issues.append(
                RowIssue(
                    .address(.countryChange), field: "country",
                    "the row changes the country from \(from) to \(to); Partner Center ties the country to the "
                        + "customer's tenant. Pass --allow-country-change only if you are sure."))
        }
        var warnings: [RowIssue] = []
        if !fields.isEmpty {
            issues += checked.issues.filter { Self.concerns($0, changed: fields) }.map { Self.rowIssue($0, fields) }
            warnings = checked.warnings.filter { Self.concerns($0, changed: fields) }.map(RowIssue.init)
        } else if issues.isEmpty {
            warnings = checked.issues.filter { $0.authority == .partnerCenter }.map(Self.storedValueWarning)
        }
        let verdict: PlannedChange.Verdict =
            !issues.isEmpty ? .invalid(Self.firstPerField(issues)) : fields.isEmpty ? .unchanged : .change
        return PlannedChange(
            verdict: verdict, before: current, after: after, fields: fields, warnings: damaged + warnings)
    }

    /// Whether `change` asks for the value already on file: the same text, or the same once
    /// trimmed the way a cell is. Clearing an absent field is no change either way.
    static func asksForStored(_ change: FieldChange, _ stored: String?) -> Bool {
        switch change {
        case .set(let value):
            stored.map { $0 == value || $0.trimmingCharacters(in: .whitespacesAndNewlines) == value } ?? false
        case .exactly(let value): stored == value
        case .clear: stored == nil
        }
    }

    /// A rule the profile's stored value breaks, on a row that writes nothing: said, not refused.
    private static func storedValueWarning(_ issue: AddressIssue) -> RowIssue {
        RowIssue(
            issue,
            message: issue.message + " That is the profile's current value; this row leaves it as it is and writes "
                + "nothing. A row that changes this customer's address will need a corrected \(issue.field.rawValue).")
    }

    /// Whether an issue stops or marks this row: Partner Center's rules judge the whole address it
    /// would receive; an offline rule only what the row changes, and required fields.
    private static func concerns(_ issue: AddressIssue, changed: [AddressField]) -> Bool {
        if issue.authority == .partnerCenter || issue.code == .requiredField || changed.contains(issue.field) {
            return true
        }
        let pair: Set<AddressField> = [.state, .postalCode]
        return [.postalStateMismatch, .postalStateUnverified].contains(issue.code) && !pair.isDisjoint(with: changed)
    }

    /// The row's form of an issue; one about a value the row leaves as it is says so.
    private static func rowIssue(_ issue: AddressIssue, _ changed: [AddressField]) -> RowIssue {
        guard !changed.contains(issue.field), issue.code != .requiredField else { return RowIssue(issue) }
        return RowIssue(
            issue,
            message: issue.message + " That is the profile's current value, which the row keeps; give a corrected "
                + "\(issue.field.rawValue) in the row.")
    }

    private static func firstPerField(_ issues: [RowIssue]) -> [RowIssue] {
        var seen: Set<String> = []
        return issues.filter { seen.insert($0.field ?? "").inserted }
    }
}
