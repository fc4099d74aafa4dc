import AddressRules
import CSVReading

/// One data row of the input, read into changes, with what is wrong with it so far.
public struct InputRow: Sendable {
    public let line: Int
    /// The customerId cell, trimmed, as written.
    public let customerIdText: String
    /// The parsed customer, `nil` when the cell is not a GUID.
    public let customerId: CustomerID?
    public var changes: FieldMap<FieldChange>
    public var issues: [RowIssue]

    /// The customer for messages and reports: normalized when valid.
    public let customerLabel: String

    /// Reads `record` through `header`.
    init(record: CSVRecord, header: HeaderMap) {
        var issues: [RowIssue] = []
        func columnName(_ index: Int) -> String {
            index < header.columns.count ? header.columns[index]?.name ?? header.names[index] : "column \(index + 1)"
        }
        for problem in record.problems {
            switch problem {
            case .fieldTooLarge(let column, let bytes, let limit):
                issues.append(
                    RowIssue(
                        .fieldTooLarge, field: columnName(column),
                        "the cell holds at least \(bytes) bytes; no field may exceed \(limit). Check for a missing quote "
                            + "or pasted text."))
            case .invalidUTF8(let column):
                issues.append(
                    RowIssue(
                        .invalidUTF8, field: columnName(column),
                        "the cell is not valid UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)."))
            case .nulByte(let column):
                issues.append(
                    RowIssue(.nulByte, field: columnName(column), "the cell holds a NUL byte; remove it."))
            case .tooManyFields(let limit):
                issues.append(
                    RowIssue(
                        .columnCount, field: nil,
                        "the row has more than \(limit) cells but the header has \(header.columns.count); check for "
                            + "a missing line break or a wrong delimiter (--delimiter)."))
            case .strayQuote(let line):
                issues.append(
                    RowIssue(
                        .csvMalformed, field: nil,
                        "line \(line) has a quote inside an unquoted cell or after a closing quote; quote the whole "
                            + "cell and write an inner quote as \"\"."))
            }
        }
        let cellCount = record.count
        let extra = header.columns.count..<max(cellCount, header.columns.count)
        let counted = record.problems.contains { if case .tooManyFields = $0 { true } else { false } }
        if !counted, cellCount < header.columns.count || extra.contains(where: { !record.trimmedField($0).isEmpty }) {
            issues.append(
                RowIssue(
                    .columnCount, field: nil,
                    "the row has \(cellCount) cells but the header has \(header.columns.count); check for a "
                        + "missing or extra delimiter."))
        }
        var changes = FieldMap<FieldChange>()
        var idText = ""
        var customerId: CustomerID?
        var canonicalId = false
        for (index, column) in header.columns.enumerated() where index < cellCount {
            guard let column else { continue }
            record.withTrimmedFieldBytes(index) { cell in
                switch column {
                case .customerId:
                    idText = String(decoding: cell, as: UTF8.self)
                    customerId = CustomerID(utf8: cell)
                    canonicalId =
                        cell.count == 36 && !cell.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
                case .address(let field):
                    if !cell.isEmpty { changes[field] = FieldChange(cell: String(decoding: cell, as: UTF8.self)) }
                case .context:
                    break
                }
            }
        }
        let idUnreadable = record.problems.contains { problem in
            if case .fieldTooLarge(header.customerIdIndex, _, _) = problem { return true }
            if case .invalidUTF8(header.customerIdIndex) = problem { return true }
            if case .nulByte(header.customerIdIndex) = problem { return true }
            return false
        }
        if customerId == nil, !idUnreadable, cellCount > header.customerIdIndex {
            issues.append(
                RowIssue(
                    .customerIdFormat, field: "customerId",
                    idText.isEmpty
                        ? "customerId is empty; every row needs the customer's tenant ID (a GUID)."
                        : "'\(idText)' is not a GUID; expected 8-4-4-4-12 hex digits such as "
                            + "0b7e2a4c-3f1d-4e5a-9c8b-1a2b3c4d5e6f."))
        }
        self.line = record.line
        self.customerIdText = idText
        self.customerId = customerId
        self.customerLabel = customerId.map { id in canonicalId ? idText : id.description } ?? idText
        self.changes = changes
        self.issues = issues
    }
}

extension InputRow {
    /// What the row asks for, as a short digest (FNV-1a, 64 bits, hex): the journal records it with
    /// the row's outcome, so that `--force` can tell a row edited since an earlier run.
    public var changesDigest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        for (field, change) in changes {
            mix(field.rawValue.utf8)
            switch change {
            case .set(let value): mix([1] + Array(value.utf8))
            case .exactly(let value): mix([2] + Array(value.utf8))
            case .clear: mix([3])
            }
            mix([0])
        }
        return String(hash, radix: 16)
    }
}
