import AddressRules

/// Turns input rows into checked rows: duplicates resolved, address fields checked and normalized
/// offline (SPEC §3: what the row gives, and agreement among its fields).
public struct RowChecker {
    /// Which address issues a row carries out of this stage.
    public enum Scope: Sendable {
        /// `validate`: the offline rules decide, and every issue they find is the row's.
        case offline
        /// `plan` and `apply`: the row's cells are compared with the profile's values first (a cell
        /// equal to the value on file is no change, whatever its form), then Partner Center's
        /// served rules decide on the merged address (``Planner``). So nothing is normalized here,
        /// and only a cleared country stops the row, since no value on file can make it right.
        case beforePartnerCenter
    }

    private let validator: AddressValidator
    private let duplicates: InputSurvey
    private let scope: Scope
    /// Lines already seen for each repeated customer, to name them in later messages.
    private var linesSeen: [CustomerID: [Int]] = [:]

    public init(validator: AddressValidator, duplicates: InputSurvey, scope: Scope = .offline) {
        self.validator = validator
        self.duplicates = duplicates
        self.scope = scope
    }

    /// Normalizes the row's address and adds every issue found to it; returns any warnings.
    public mutating func check(_ row: inout InputRow) -> [RowIssue] {
        var warnings: [RowIssue] = []
        if let id = row.customerId, let entry = duplicates[id] {
            let earlier = linesSeen[id, default: []]
            linesSeen[id, default: []].append(row.line)
            if !entry.identical {
                let others =
                    earlier.isEmpty
                    ? ""
                    : " (also on line\(earlier.count == 1 ? "" : "s") "
                        + earlier.map(String.init).joined(separator: ", ") + ")"
                row.issues.append(
                    RowIssue(
                        .duplicateCustomer, field: "customerId",
                        "customer \(id) appears on \(entry.count) rows with different changes\(others); keep one "
                            + "row per customer."))
            } else if let first = earlier.first {
                warnings.append(
                    RowIssue(
                        .duplicateRow, field: "customerId",
                        "same customer and changes as line \(first); this row is processed once, there."))
            }
        }
        let address = row.changes.mapValues { $0.value ?? "" }
        let exact = FieldSet(row.changes.compactMap { $0.value.isExact ? $0.field : nil })
        let result = validator.check(address, mode: .partial, asStored: exact)
        switch scope {
        case .offline:
            for (field, value) in result.address where row.changes[field] != .clear && value != address[field] {
                row.changes[field] = .set(value)
            }
            row.issues += result.issues.map(RowIssue.init)
            warnings += result.warnings.map(RowIssue.init)
        case .beforePartnerCenter:
            row.issues += result.issues.filter { $0.code == .requiredField && $0.field == .country }
                .map(RowIssue.init)
        }
        return warnings
    }
}
