import AddressRules

/// `apply --undo-file FILE`: for every row a journal records as applied, by this run or an earlier
/// one, a row of the corrections-file format that puts back the values the write replaced: the
/// before-value of each changed field (`<clear>` where the field was absent), other cells empty
/// (keep). Applying the file with `billing-migrate apply` reverts the batch. Rows are in input
/// order; the file is UTF-8 with a byte order mark, written 0600, and appears only once complete. Cells are written so that
/// `apply` reproduces the profile's value exactly: as plain text where that reads back the same,
/// otherwise as `<value:…>` (an empty value, surrounding spaces, a value not in normal form, the
/// text `<clear>`). Not neutralized for spreadsheets: the file is input for the tool.
public enum UndoFile {
    /// What writing an undo file did.
    public struct Written: Sendable {
        /// The undo file.
        public var path = ""
        public var rows = 0
        /// Rows that `apply` may still refuse (a value that breaks the offline rules), with why.
        public var warnings: [String] = []
    }

    /// The undo file's columns: the customer, then every address field in field order.
    static let columns = ["customerId"] + AddressField.allCases.map(\.rawValue)

    /// Writes the undo file of `journal` into `file` (created before the run, so that a path that
    /// cannot be written is refused before anything is sent) and moves it into place.
    /// - Returns: the rows written, and those that may not apply.
    /// - Throws: ``RunRefusal`` when the journal cannot be read, ``FileError`` when the file cannot be written.
    @discardableResult
    public static func write(journal: String, into file: PrivateFile, validator: AddressValidator = AddressValidator())
        throws -> Written
    {
        var replaced: [Int: (customer: String, before: [(AddressField, String?)], country: String?)] = [:]
        var applied: [Int: String] = [:]
        try Journal.forEachEntry(path: journal) { entry in
            switch entry {
            case .intent(let intent):
                let fields = AddressField.allCases.filter { intent.before[$0] != intent.after[$0] }
                replaced[intent.line] = (
                    intent.customer, fields.map { ($0, intent.before[$0]) }, intent.before[.country]
                )
                applied[intent.line] = nil
            case .outcome(let outcome):
                applied[outcome.line] = outcome.outcome == .applied ? outcome.customer : nil
            default:
                break
            }
        }
        // UTF-8 with a byte order mark and CRLF, as export writes: Excel reads accents right.
        try file.write("\u{FEFF}" + CSVText.line(columns))
        var written = Written()
        for line in applied.keys.sorted() {
            guard let change = replaced[line], change.customer == applied[line] else { continue }
            var cells = FieldMap<String>()
            var values = AddressFields()
            values[.country] = change.country
            for (field, before) in change.before {
                guard let before else {
                    cells[field] = FieldChange.clearMarker
                    continue
                }
                values[field] = before
                var alone = AddressFields()
                alone[.country] = change.country
                alone[field] = before
                let readBack = validator.check(alone, mode: .partial).address[field]
                cells[field] = readBack == before ? FieldChange.cell(exactly: before) : "<value:\(before)>"
            }
            let problems = validator.check(values, mode: .partial, asStored: .all).issues
            for problem in problems where change.before.contains(where: { $0.0 == problem.field }) {
                written.warnings.append(
                    "undo row for customer \(change.customer) (input line \(line)): \(problem.field.rawValue) "
                        + "'\(values[problem.field] ?? "")' breaks the offline rules (\(problem.message)); applying "
                        + "the undo file may refuse this row")
            }
            try file.write(CSVText.line([change.customer] + AddressField.allCases.map { cells[$0] ?? "" }))
            written.rows += 1
        }
        try file.commit()
        return written
    }
}
