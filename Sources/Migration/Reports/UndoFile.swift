import AddressRules

/// `apply --undo-file FILE`: for every row a journal records as applied, by this run or an earlier
/// one, a row of the corrections-file format that puts back the values the write replaced: the
/// before-value of each changed field (`<clear>` where the field was absent), other cells empty
/// (keep). Applying the file with `billing-migrate apply` reverts the batch. Rows are in input
/// order; the file is written 0600 and appears only once complete. Cells are written exactly as
/// the profiles held them (not neutralized for spreadsheets: the file is input for the tool).
public enum UndoFile {
    /// The undo file's columns: the customer, then every address field in field order.
    static let columns = ["customerId"] + AddressField.allCases.map(\.rawValue)

    /// Writes the undo file of `journal` into `file` (created before the run, so that a path that
    /// cannot be written is refused before anything is sent) and moves it into place.
    /// - Returns: the number of rows written.
    /// - Throws: ``RunRefusal`` when the journal cannot be read, ``FileError`` when the file cannot be written.
    @discardableResult
    public static func write(journal: String, into file: PrivateFile) throws -> Int {
        guard let lines = LineReader(path: journal) else {
            throw RunRefusal(.input, "\(journal): cannot read the journal to write the undo file.")
        }
        var replaced: [Int: (customer: String, before: [(AddressField, String?)])] = [:]
        var applied: [Int: String] = [:]
        while let line = lines.next() {
            switch JournalEntry(json: line.last == 10 ? line.dropLast() : line[...]) {
            case .intent(let intent):
                let fields = AddressField.allCases.filter { intent.before[$0] != intent.after[$0] }
                replaced[intent.line] = (intent.customer, fields.map { ($0, intent.before[$0]) })
                applied[intent.line] = nil
            case .outcome(let outcome):
                applied[outcome.line] = outcome.outcome == .applied ? outcome.customer : nil
            default:
                continue
            }
        }
        try file.write(CSVText.line(columns))
        var rows = 0
        for line in applied.keys.sorted() {
            guard let change = replaced[line], change.customer == applied[line] else { continue }
            var cells = FieldMap<String>()
            for (field, before) in change.before { cells[field] = before ?? FieldChange.clearMarker }
            try file.write(CSVText.line([change.customer] + AddressField.allCases.map { cells[$0] ?? "" }))
            rows += 1
        }
        try file.commit()
        return rows
    }
}
