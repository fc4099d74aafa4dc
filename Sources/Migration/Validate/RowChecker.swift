import AddressRules

/// Turns input rows into validate's results: duplicates resolved, address fields checked and
/// normalized offline (SPEC §3: what the row gives, and agreement among its fields).
public struct RowChecker {
    private let validator: AddressValidator
    private let duplicates: InputSurvey
    /// Lines already seen for each repeated customer, to name them in later messages.
    private var linesSeen: [CustomerID: [Int]] = [:]

    public init(validator: AddressValidator, duplicates: InputSurvey) {
        self.validator = validator
        self.duplicates = duplicates
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
        let result = validator.check(address, mode: .partial)
        for (field, value) in result.address where row.changes[field] != .clear && value != address[field] {
            row.changes[field] = .set(value)
        }
        row.issues += result.issues.map(RowIssue.init)
        return warnings
    }
}
