import AddressRules
import CSVReading
import Crypto

/// What a first pass over the whole file finds before any row is processed: the customers that
/// appear on more than one row, the row count, and the rows that are not well-formed CSV.
///
/// SPEC §2: identical duplicate rows are processed once (with a warning); rows that name the
/// same customer with different changes are all invalid. Knowing that before the first such row
/// is reported takes a pass of its own. It keeps 24 bytes a row (the GUID and a hash of the
/// changes), sorted in place, so a million rows cost about 24 MB for the length of the pass.
public struct InputSurvey: Sendable {
    /// How a repeated customer's rows relate.
    public struct Entry: Sendable, Equatable {
        /// How many rows name the customer.
        public let count: Int
        /// Whether every one of them asks for the same changes.
        public let identical: Bool
    }

    public private(set) var entries: [CustomerID: Entry] = [:]
    /// Data rows in the file.
    public private(set) var rowCount = 0
    /// Lines of rows that are not well-formed CSV (a stray quote, bad UTF-8, a NUL, a missing or extra cell).
    public private(set) var malformedLines: [Int] = []
    /// The file's SHA-256 (lower-case hex), when the survey was asked for it: the file is read once
    /// for both.
    public private(set) var sha256: String?

    public init() {}

    /// The survey of rows that come from a saved plan: `rowCount` rows, none repeated.
    public init(rowCount: Int) {
        self.rowCount = rowCount
    }

    /// Reads every row of `path` and records the repeated customers, the row count and the
    /// malformed rows; with `digest`, also the file's SHA-256, in the same read.
    /// - Throws: ``InputError`` as ``InputFile`` does.
    public init(path: String, options: InputFile.Options, digest: Bool = false) throws(InputError) {
        let hasher = digest ? DigestBox() : nil
        let file = try InputFile(path: path, options: options, observer: hasher.map { box in { box.update($0) } })
        defer { sha256 = hasher?.hex() }
        guard let header = file.header else { return }
        var keys: [Key] = []
        while let record = try file.nextRecord() {
            rowCount += 1
            if record.problems.contains(where: \.isMalformed) || record.count < header.columns.count {
                malformedLines.append(record.line)
            }
            guard header.customerIdIndex < record.count,
                let id = record.withTrimmedFieldBytes(header.customerIdIndex, CustomerID.init(utf8:))
            else { continue }
            keys.append(Key(id: id.bits, changes: Self.fingerprint(record, header: header)))
        }
        keys.sort { $0.id < $1.id }
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count, keys[end].id == keys[start].id { end += 1 }
            if end - start > 1 {
                let identical = keys[start..<end].allSatisfy { $0.changes == keys[start].changes }
                entries[CustomerID(unchecked: keys[start].id)] = Entry(count: end - start, identical: identical)
            }
            start = end
        }
    }

    /// The entry for `id` when it is repeated.
    public subscript(id: CustomerID) -> Entry? { entries.isEmpty ? nil : entries[id] }

    /// The SHA-256 being computed as the reader goes.
    private final class DigestBox {
        private var hasher = SHA256()

        func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

        func hex() -> String { InputDigest.hex(hasher.finalize()) }
    }

    private struct Key {
        let id: UInt128
        let changes: Int
    }

    /// A hash of what the row asks for: each address column's trimmed cell, by field. Rows with
    /// the same changes (``InputRow/changes``) have the same cells, and so the same hash.
    private static func fingerprint(_ record: CSVRecord, header: HeaderMap) -> Int {
        var hasher = Hasher()
        for (index, column) in header.columns.enumerated() {
            guard case .address(let field) = column, index < record.count else { continue }
            record.withTrimmedFieldBytes(index) { cell in
                guard !cell.isEmpty else { return }
                hasher.combine(field)
                hasher.combine(cell.count)
                hasher.combine(bytes: UnsafeRawBufferPointer(cell))
            }
        }
        return hasher.finalize()
    }
}
