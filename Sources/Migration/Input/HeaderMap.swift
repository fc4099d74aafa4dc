import CSVReading

/// Which column of the input holds which field, read from the header line.
public struct HeaderMap: Sendable {
    /// The header cells as written.
    public let names: [String]
    /// The field each column holds; `nil` for an ignored unknown column.
    public let columns: [InputColumn?]
    /// The position of the customerId column.
    public let customerIdIndex: Int
    /// Unknown columns left out under `--ignore-unknown-columns`.
    public let ignored: [String]

    /// Maps `header`.
    /// - Throws: ``InputError`` for a missing customerId column, an unknown column (unless
    ///   `ignoreUnknown`), or a field named twice.
    public init(header: [String], line: Int, ignoreUnknown: Bool, path: String) throws(InputError) {
        // Empty cells at the end of the header are the stray commas a spreadsheet keeps: no
        // columns (a row's cells under them must be empty, as for any cell past the header).
        var header = header
        while header.count > 1, header.last?.trimmingWhitespace().isEmpty == true { header.removeLast() }
        var columns: [InputColumn?] = []
        var seen: [InputColumn: String] = [:]
        var unknown: [String] = []
        for raw in header {
            let name = raw.trimmingWhitespace()
            guard let column = InputColumn.byKey[InputColumn.matchingKey(name)] else {
                unknown.append(name)
                columns.append(nil)
                continue
            }
            if let earlier = seen[column] {
                throw InputError(
                    path: path, line: line,
                    "columns '\(earlier)' and '\(name)' both mean \(column.name); keep one of them.")
            }
            seen[column] = name
            columns.append(column)
        }
        let separators: [(character: String, name: String)] = [(";", ";"), ("\t", "tab"), ("|", "|")]
        if header.count == 1, let only = header.first,
            let name = separators.first(where: { only.contains($0.character) })?.name
        {
            throw InputError(
                path: path, line: line,
                "the header is one column holding '\(name)'; if the file is separated by '\(name)', pass "
                    + "--delimiter '\(name)'.")
        }
        if !unknown.isEmpty, !ignoreUnknown {
            let described = unknown.map { name in
                Self.suggestion(for: name).map { "'\(name)' (did you mean \($0)?)" } ?? "'\(name)'"
            }
            throw InputError(
                path: path, line: line,
                "unknown column\(unknown.count == 1 ? "" : "s") \(described.joined(separator: ", ")). Rename "
                    + "\(unknown.count == 1 ? "it" : "them") to a known column, or pass --ignore-unknown-columns. "
                    + "Known columns: \(InputColumn.all.map(\.name).joined(separator: ", ")).")
        }
        guard let customerIdIndex = columns.firstIndex(of: .customerId) else {
            throw InputError(
                path: path, line: line,
                "no customerId column; the header must name one (aliases: customer-tenant-id, tenantId).")
        }
        self.names = header.map { $0.trimmingWhitespace() }
        self.columns = columns
        self.customerIdIndex = customerIdIndex
        self.ignored = unknown
    }

    /// The known column name closest to `name`, if it is close enough to be a likely typo.
    static func suggestion(for name: String) -> String? {
        let key = InputColumn.matchingKey(name)
        var best: (distance: Int, name: String)?
        for (candidateKey, column) in InputColumn.byKey {
            let distance = editDistance(key, candidateKey)
            if distance < (best?.distance ?? Int.max) { best = (distance, column.name) }
        }
        guard let best, best.distance <= max(2, key.count / 3) else { return nil }
        return best.name
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
