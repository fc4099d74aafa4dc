#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the libcsv callbacks build up between two calls of `csv_parse`: the record in progress,
/// the records finished, and the line bookkeeping.
final class ParseState {
    var maxFieldBytes = 4096
    /// The line the parser is on (1-based): one more than the line feeds fed so far.
    var line = 1
    var recordStartLine = 1
    var fieldStartLine = 1
    var fields: [String] = []
    var problems: [CSVProblem] = []
    var ready: [CSVRecord] = []

    func addField(_ bytes: UnsafeRawBufferPointer) {
        let column = fields.count
        fieldStartLine = line
        if bytes.count > maxFieldBytes {
            problems.append(.fieldTooLarge(column: column, bytes: bytes.count, limit: maxFieldBytes))
            fields.append("")
        } else if bytes.count > 0, memchr(bytes.baseAddress!, 0, bytes.count) != nil {
            problems.append(.nulByte(column: column))
            fields.append("")
        } else if let text = Self.text(bytes.bindMemory(to: UInt8.self)) {
            fields.append(text)
        } else {
            problems.append(.invalidUTF8(column: column))
            fields.append("")
        }
    }

    /// The bytes as a string, or `nil` when they are not UTF-8. ASCII, the common case, skips the
    /// generic validator.
    private static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var ascii = true
        for byte in bytes where byte >= 0x80 {
            ascii = false
            break
        }
        return ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
    }

    /// Closes the record in progress. A record of nothing but empty fields is a blank line.
    func endRecord() {
        defer {
            fields.removeAll(keepingCapacity: true)
            problems.removeAll(keepingCapacity: true)
            recordStartLine = line
            fieldStartLine = line
        }
        if problems.isEmpty, fields.allSatisfy(\.isEmpty) { return }
        ready.append(CSVRecord(line: recordStartLine, fields: fields, problems: problems))
    }
}

/// libcsv's end-of-field callback; `context` is the reader's ``ParseState``.
func fieldEnded(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let state = Unmanaged<ParseState>.fromOpaque(context!).takeUnretainedValue()
    state.addField(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
}

/// libcsv's end-of-record callback; `context` is the reader's ``ParseState``.
func recordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    Unmanaged<ParseState>.fromOpaque(context!).takeUnretainedValue().endRecord()
}
