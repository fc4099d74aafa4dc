import AddressRules

/// The exported file: a corrections file of the customers' current addresses. Its columns are
/// `customerId`, the read-only context `companyName` and `domain` (which `validate`, `plan` and
/// `apply` accept and ignore), then every address field; each value as a cell that reads back as
/// exactly that value, so that applying the file unedited changes nothing. UTF-8 (with a BOM
/// unless `bom` is off), CRLF; cells a spreadsheet would take for a formula get a leading `'`
/// unless `raw` (the tool reads such a cell without it). Written 0600 under a temporary name and
/// renamed into place by ``commit()``. Under `snapshot`, a field the customer has no value for is
/// `<clear>`, so that applying the file later removes a value added since; otherwise it is an
/// empty cell, which keeps whatever the field holds then.
final class ExportFile {
    static let columns = ["customerId", "companyName", "domain"] + AddressField.allCases.map(\.rawValue)

    private let file: PrivateFile
    private let raw: Bool
    private let snapshot: Bool
    /// Rows written.
    private(set) var rows = 0

    init(path: String, bom: Bool, raw: Bool, snapshot: Bool = false) throws(FileError) {
        file = try PrivateFile(path: path)
        self.raw = raw
        self.snapshot = snapshot
        try file.write((bom ? "\u{FEFF}" : "") + CSVText.line(Self.columns))
    }

    var path: String { file.path }

    /// Appends one customer's row.
    func write(_ row: JournalEntry.Exported) throws(FileError) {
        var cells = [row.customer, row.companyName ?? "", row.domain ?? ""]
        for field in AddressField.allCases {
            cells.append(
                row.address[field].map(FieldChange.cell(exactly:)) ?? (snapshot ? FieldChange.clearMarker : ""))
        }
        try file.write(CSVText.line(raw ? cells : cells.map(CSVText.neutralized)))
        rows += 1
    }

    /// Moves the complete file into place.
    func commit() throws(FileError) { try file.commit() }
}

extension JournalEntry.Exported {
    /// The exported row of a result, `nil` for a customer that was not exported.
    init?(_ result: RowResult) {
        guard result.outcome == .exported, let address = result.current else { return nil }
        self.init(
            line: result.line, customer: result.customerId, companyName: result.companyName, domain: result.domain,
            address: address)
    }
}
