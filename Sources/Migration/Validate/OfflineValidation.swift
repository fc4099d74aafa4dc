import AddressRules

/// `billing-migrate validate`: checks every row offline and hands its result to a sink.
///
/// Duplicates need the whole file: a customer's first row is invalid when a later row names it
/// with other changes. Most files have none, so the run bets on that: one pass that also keeps a
/// 64-bit fingerprint per customer (8 bytes a row). If the fingerprints show a repeat, the sink
/// is restarted and the file read again with an exact ``InputSurvey`` built first (a pipe, read
/// once, cannot be: that is an ``InputError``).
public enum OfflineValidation {
    /// Validates `path`, passing every row's result to `sink` in file order, then finishing it.
    /// - Returns: the counts; `summary.malformedRows > 0` means the file itself is malformed.
    /// - Throws: ``InputError`` for a fault in the file as a whole (header, unterminated quote), or
    ///   what the sink throws.
    public static func run(
        path: String, options: InputFile.Options, validator: AddressValidator = AddressValidator(),
        sink: any RowSink
    ) throws -> RunSummary {
        var fingerprints: [UInt64] = []
        var summary = try pass(
            path: path, options: options, validator: validator, duplicates: InputSurvey(),
            sink: sink
        ) { fingerprints.append(fingerprint($0)) }
        if mayRepeat(&fingerprints) {
            fingerprints = []
            if isStream(path) {
                throw InputError(
                    path: path, line: nil,
                    "a customer may be named on two rows, and finding which takes a second read, which a pipe "
                        + "cannot give. Save the rows to a file and validate that.")
            }
            try sink.restart()
            let duplicates = try InputSurvey(path: path, options: options)
            summary = try pass(
                path: path, options: options, validator: validator, duplicates: duplicates,
                sink: sink
            ) { _ in }
        }
        try sink.finish(summary)
        return summary
    }

    private static func pass(
        path: String, options: InputFile.Options, validator: AddressValidator, duplicates: InputSurvey,
        sink: any RowSink, seen: (CustomerID) -> Void
    ) throws -> RunSummary {
        let rows = RowStream(path: path, options: options)
        var checker = RowChecker(validator: validator, duplicates: duplicates)
        var summary = RunSummary(command: .validate)
        let collectChanges = sink.wantsChanges
        while var row = try rows.next() {
            if let id = row.customerId { seen(id) }
            let warnings = checker.check(&row)
            let result = RowResult(
                line: row.line, customerId: row.customerLabel, outcome: row.issues.isEmpty ? .valid : .invalid,
                errors: row.issues, warnings: warnings,
                changes: collectChanges
                    ? row.changes.map { RowResult.Change(field: $0.field.rawValue, before: nil, after: $0.value.value) }
                    : [])
            summary.add(result)
            try sink.write(result)
        }
        return summary
    }

    /// Whether any fingerprint occurs twice (a repeated customer, or rarely a fingerprint collision).
    private static func mayRepeat(_ fingerprints: inout [UInt64]) -> Bool {
        fingerprints.sort()
        return zip(fingerprints, fingerprints.dropFirst()).contains { $0 == $1 }
    }

    /// Mixes the GUID's 128 bits into 64: the high half multiplied by the golden-ratio constant, so
    /// that a GUID whose halves are equal does not give 0, then the finalizer of MurmurHash3.
    private static func fingerprint(_ id: CustomerID) -> UInt64 {
        var value =
            UInt64(truncatingIfNeeded: id.bits >> 64) &* 0x9e37_79b9_7f4a_7c15 ^ UInt64(truncatingIfNeeded: id.bits)
        value ^= value >> 33
        value &*= 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        value &*= 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value
    }
}
