/// One record of a CSV file, with the line it starts on.
///
/// A quoted field may hold newlines, so a record can span several lines; `line` is always the
/// first of them (the header is line 1). Fields that could not be read as text are left empty and
/// explained in `problems`, so that a bad cell fails its row and never the whole file.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based line on which the record starts.
    public var line: Int
    /// The fields, in file order. A field named in `problems` is the empty string.
    public var fields: [String]
    /// What was wrong with this record's bytes, if anything.
    public var problems: [CSVProblem]

    public init(line: Int, fields: [String], problems: [CSVProblem] = []) {
        self.line = line
        self.fields = fields
        self.problems = problems
    }
}

/// A defect in one record that fails the record but lets the reader go on with the next one.
public enum CSVProblem: Sendable, Equatable {
    /// The field at `column` (0-based) is longer than the reader's field limit.
    case fieldTooLarge(column: Int, bytes: Int, limit: Int)
    /// The field at `column` is not valid UTF-8.
    case invalidUTF8(column: Int)
    /// The field at `column` holds a NUL byte.
    case nulByte(column: Int)
    /// A quote stands where RFC 4180 allows none (inside an unquoted field, or right after a
    /// closing quote), on `line`. The rest of that line was skipped.
    case strayQuote(line: Int)

    /// Whether the problem makes the file malformed CSV (as opposed to a row that is merely too big).
    public var isMalformed: Bool {
        switch self {
        case .fieldTooLarge: false
        case .invalidUTF8, .nulByte, .strayQuote: true
        }
    }
}
