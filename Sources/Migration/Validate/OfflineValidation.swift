import AddressRules

/// `billing-migrate validate`: reads the corrections file twice (duplicates, then rows) and
/// hands each row's result to the sinks, with no network.
public enum OfflineValidation {
    /// Validates `path`, passing every row's result to `sink` in file order.
    /// - Returns: the counts; `summary.malformedRows > 0` means the file itself is malformed.
    /// - Throws: ``InputError`` for a fault in the file as a whole (header, unterminated quote).
    public static func run(
        path: String, options: InputFile.Options, validator: AddressValidator = AddressValidator(),
        sink: (RowResult) throws -> Void
    ) throws -> RunSummary {
        let duplicates = try DuplicateIndex(path: path, options: options)
        let file = try InputFile(path: path, options: options)
        var checker = RowChecker(validator: validator, duplicates: duplicates)
        var summary = RunSummary(command: "validate")
        while var row = try file.nextRow() {
            let warnings = checker.check(&row)
            let result = RowResult(
                line: row.line, customerId: row.customerLabel, outcome: row.issues.isEmpty ? .valid : .invalid,
                errors: row.issues, warnings: warnings,
                changes: row.changes.map {
                    RowResult.Change(field: $0.field.rawValue, before: nil, after: $0.value.value)
                })
            summary.add(result)
            try sink(result)
        }
        return summary
    }
}
