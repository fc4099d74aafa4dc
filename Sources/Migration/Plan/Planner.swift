import AddressRules
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

/// Merges a row's changes into a customer's current address and checks the result: the offline
/// rules, then Partner Center's country rules (authoritative where they disagree).
public struct Planner: Sendable {
    public let validator: AddressValidator
    public let allowCountryChange: Bool

    public init(validator: AddressValidator = AddressValidator(), allowCountryChange: Bool = false) {
        self.validator = validator
        self.allowCountryChange = allowCountryChange
    }

    /// Plans `changes` (already checked and normalized as a row) against `current`.
    public func plan(_ changes: FieldMap<FieldChange>, current: AddressFields, rules: CountryValidationRules?)
        -> PlannedChange
    {
        var after = current
        for (field, change) in changes { after[field] = change.value }
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
        if !fields.isEmpty {
            issues += validator.check(after, mode: .complete).issues
                .filter { fields.contains($0.field) || $0.code == .requiredField }
                .map(RowIssue.init)
            if let rules { issues += Self.check(after, against: rules, changed: fields) }
        }
        let verdict: PlannedChange.Verdict =
            !issues.isEmpty ? .invalid(Self.firstPerField(issues)) : fields.isEmpty ? .unchanged : .change
        return PlannedChange(verdict: verdict, before: current, after: after, fields: fields)
    }

    /// Partner Center's own rules for the country: its state list (exact), postal pattern, city.
    static func check(_ address: AddressFields, against rules: CountryValidationRules, changed: [AddressField])
        -> [RowIssue]
    {
        var issues: [RowIssue] = []
        if rules.isStateRequired, !rules.supportedStates.isEmpty,
            changed.contains(.state) || changed.contains(.country),
            !rules.supportedStates.contains(address[.state] ?? "")
        {
            issues.append(
                RowIssue(
                    .address(.stateUnknown), field: "state",
                    "Partner Center's rules for \(rules.country) do not list state '\(address[.state] ?? "")'."))
        }
        if let regex = rules.postalCodeRegex, changed.contains(.postalCode) || changed.contains(.country),
            let postal = address[.postalCode], let pattern = try? PostalPattern(regex), !pattern.matches(postal)
        {
            issues.append(
                RowIssue(
                    .address(.postalCodeFormat), field: "postalCode",
                    "Partner Center's rules for \(rules.country) do not accept postal code '\(postal)' (\(regex))."))
        }
        if rules.isCityRequired, (address[.city] ?? "").isEmpty {
            issues.append(
                RowIssue(
                    .address(.requiredField), field: "city", "Partner Center requires a city for \(rules.country)."))
        }
        return issues
    }

    private static func firstPerField(_ issues: [RowIssue]) -> [RowIssue] {
        var seen: Set<String> = []
        return issues.filter { seen.insert($0.field ?? "").inserted }
    }
}
