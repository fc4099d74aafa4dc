#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the libcsv callbacks build up between two calls of `csv_parse`: the record in progress,
/// the records finished, and the line bookkeeping.
///
/// Its properties opt out of dynamic exclusivity checks (`@exclusivity(unchecked)`): they are
/// touched once per field on the hot path, and only ever by the reader that owns the state,
/// from one thread, one access at a time (the callbacks run inside `csv_parse`, which the
/// reader calls synchronously).
final class ParseState {
    @exclusivity(unchecked) var maxFieldBytes = 4096
    @exclusivity(unchecked) var maxFields = 1024
    /// The line the parser is on (1-based): one more than the line feeds fed so far.
    @exclusivity(unchecked) var line = 1
    @exclusivity(unchecked) var recordStartLine = 1
    @exclusivity(unchecked) var fieldStartLine = 1
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var ends: [Int] = []
    @exclusivity(unchecked) var problems: [CSVProblem] = []
    @exclusivity(unchecked) var ready: [CSVRecord] = []

    func addField(_ field: UnsafeRawBufferPointer) {
        let column = ends.count
        fieldStartLine = line
        guard column < maxFields else { return noteTooManyFields() }
        defer { ends.append(bytes.count) }
        guard field.count > 0 else { return }
        if field.count > maxFieldBytes {
            problems.append(.fieldTooLarge(column: column, bytes: field.count, limit: maxFieldBytes))
        } else if memchr(field.baseAddress!, 0, field.count) != nil {
            problems.append(.nulByte(column: column))
        } else {
            if !Self.isUTF8(field.bindMemory(to: UInt8.self)) { problems.append(.invalidUTF8(column: column)) }
            bytes.append(contentsOf: field)
        }
    }

    /// Ends the field in progress as one too large to hold, `bytes` long so far.
    func addCutField(bytes count: Int) {
        let column = ends.count
        guard column < maxFields else { return noteTooManyFields() }
        problems.append(.fieldTooLarge(column: column, bytes: count, limit: maxFieldBytes))
        ends.append(bytes.count)
    }

    private func noteTooManyFields() {
        if !problems.contains(.tooManyFields(limit: maxFields)) { problems.append(.tooManyFields(limit: maxFields)) }
    }

    /// Whether the bytes are UTF-8. ASCII, the common case, skips the generic validator.
    private static func isUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte >= 0x80 {
            return String(validating: bytes, as: UTF8.self) != nil
        }
        return true
    }

    /// Closes the record in progress. A record of nothing but empty fields is a blank line.
    func endRecord() {
        let record = CSVRecord(line: recordStartLine, bytes: bytes, ends: ends, problems: problems)
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        problems.removeAll(keepingCapacity: true)
        recordStartLine = line
        fieldStartLine = line
        if record.problems.isEmpty, record.isBlank { return }
        ready.append(record)
    }
}

/// libcsv's end-of-field callback; `context` is the reader's ``ParseState``.
func fieldEnded(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    Unmanaged<ParseState>.fromOpaque(context!)._withUnsafeGuaranteedRef {
        $0.addField(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length))
    }
}

/// libcsv's end-of-record callback; `context` is the reader's ``ParseState``.
func recordEnded(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    Unmanaged<ParseState>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.endRecord() }
}
