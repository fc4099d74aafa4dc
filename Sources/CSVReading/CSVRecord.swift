/// One record of a CSV file, with the line it starts on.
///
/// A quoted field may hold newlines, so a record can span several lines; `line` is always the
/// first of them (the header is line 1). The fields are kept as UTF-8 bytes back to back, and
/// become strings only when asked for. A field named in `problems` fails its row, never the
/// whole file: one too large or holding a NUL byte is empty; one that is not UTF-8 keeps its
/// bytes (as a string, its bad bytes read as U+FFFD), so that a file written back from it keeps
/// the cell and a message can name the byte.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based line on which the record starts.
    public var line: Int
    /// What was wrong with this record's bytes, if anything.
    public var problems: [CSVProblem]
    /// Every field's bytes, back to back.
    @usableFromInline let bytes: [UInt8]
    /// Where each field ends in `bytes`.
    @usableFromInline let ends: [Int]

    init(line: Int, bytes: [UInt8], ends: [Int], problems: [CSVProblem]) {
        self.line = line
        self.bytes = bytes
        self.ends = ends
        self.problems = problems
    }

    /// A record of these fields (for tests and callers that build records by hand).
    public init(line: Int, fields: [String], problems: [CSVProblem] = []) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for field in fields {
            bytes.append(contentsOf: field.utf8)
            ends.append(bytes.count)
        }
        self.init(line: line, bytes: bytes, ends: ends, problems: problems)
    }

    /// How many fields the record has.
    @inlinable public var count: Int { ends.count }

    /// The fields, in file order.
    public var fields: [String] { (0..<count).map(field) }

    /// The field at `index` (0-based) as written.
    public func field(_ index: Int) -> String {
        withFieldBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// The field at `index` without leading and trailing white space.
    @inlinable
    public func trimmedField(_ index: Int) -> String {
        withTrimmedFieldBytes(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of the field at `index`.
    @inlinable
    public func withFieldBytes<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let start = index == 0 ? 0 : ends[index - 1]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    /// Calls `body` with the bytes of the field at `index`, white space trimmed from both ends
    /// (ASCII white space byte by byte; Unicode's, such as a no-break space, where it stands at an end).
    @inlinable
    public func withTrimmedFieldBytes<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withFieldBytes(index) { field in
            var low = field.startIndex
            var high = field.endIndex
            while low < high, Self.isASCIISpace(field[low]) { low += 1 }
            while high > low, Self.isASCIISpace(field[high - 1]) { high -= 1 }
            if low < high, field[low] >= 0x80 || field[high - 1] >= 0x80 {
                let trimmed = Array(String(decoding: field[low..<high], as: UTF8.self).trimmingWhitespace().utf8)
                return trimmed.withUnsafeBufferPointer(body)
            }
            return body(UnsafeBufferPointer(rebasing: field[low..<high]))
        }
    }

    /// Whether every field is empty.
    var isBlank: Bool { bytes.isEmpty }

    @inlinable
    static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}

/// A defect in one record that fails the record but lets the reader go on with the next one.
public enum CSVProblem: Sendable, Equatable {
    /// The field at `column` (0-based) is longer than the reader's field limit: `bytes` long, or,
    /// for a field the reader stopped holding, at least `bytes` long.
    case fieldTooLarge(column: Int, bytes: Int, limit: Int)
    /// The record has more fields than the reader keeps; it holds the first `limit`.
    case tooManyFields(limit: Int)
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
        case .invalidUTF8, .nulByte, .strayQuote, .tooManyFields: true
        }
    }
}

extension CSVProblem: CustomStringConvertible {
    /// The problem in plain words; cells are counted from 1.
    public var description: String {
        switch self {
        case .fieldTooLarge(let column, let bytes, let limit):
            "cell \(column + 1) holds at least \(bytes) bytes, over the limit of \(limit)"
        case .tooManyFields(let limit): "the line has more than \(limit) cells"
        case .invalidUTF8(let column): "cell \(column + 1) is not valid UTF-8"
        case .nulByte(let column): "cell \(column + 1) holds a NUL byte"
        case .strayQuote(let line): "line \(line) has a quote inside an unquoted cell or after a closing quote"
        }
    }
}

extension String {
    /// The string without leading and trailing white space, as Unicode defines it.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.value < 0x80
                ? (scalar == " " || (0x09...0x0D).contains(scalar.value)) : scalar.properties.isWhitespace
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}
