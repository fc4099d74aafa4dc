import CSVReading

extension FuzzTargets {
    /// `CSVReader` over the bytes as the tool reads a corrections file (from a file, default
    /// options), then with `;` as the separator, with a small field limit, and with small limits on
    /// what a record may hold (16 bytes a field, 4 fields). Each read is checked record by record,
    /// and read again from memory in small chunks: the records and the error must not depend on
    /// where the chunks end.
    static func checkCSV(_ bytes: [UInt8]) throws(InvariantViolation) {
        let file = ScratchFile(bytes)
        // A chunk size of its own for each input, so that chunk ends fall everywhere.
        let chunkSize = 4 + Int(bytes.first ?? 0) % 29

        // As the tool reads a corrections file: from its path, with the default options.
        let asTool = CSVRead(path: file.path, options: CSVReader.Options())

        var semicolon = CSVReader.Options()
        semicolon.delimiter = UInt8(ascii: ";")
        var smallFields = CSVReader.Options()
        smallFields.maxFieldBytes = 8
        var smallRecords = smallFields
        smallRecords.bufferedFieldBytes = 16
        smallRecords.maxFieldsPerRecord = 4
        for (options, name) in [
            (CSVReader.Options(), "default options"), (semicolon, "';'"), (smallFields, "8-byte fields"),
            (smallRecords, "16-byte buffer, 4 fields"),
        ] {
            let whole = name == "default options" ? asTool : CSVRead(bytes, name: file.path, options: options)
            try whole.check(bytes, name)
            var chunked = options
            chunked.chunkSize = chunkSize
            let inChunks = CSVRead(bytes, name: file.path, options: chunked)
            try require(
                inChunks == whole,
                "\(name): read in \(chunkSize)-byte chunks, the file gives \(inChunks), but read whole it gives \(whole)"
            )
        }
    }
}

/// Everything a reader gives for one input: its records, then the error that ended the read.
struct CSVRead: Equatable, CustomStringConvertible {
    var records: [CSVRecord] = []
    var error: CSVError?
    let options: CSVReader.Options

    init(path: String, options: CSVReader.Options) {
        self.options = options
        do {
            read(try CSVReader(path: path, options: options))
        } catch {
            self.error = error
        }
    }

    init(_ bytes: [UInt8], name: String, options: CSVReader.Options) {
        self.options = options
        read(CSVReader(bytes: bytes, name: name, options: options))
    }

    private mutating func read(_ reader: CSVReader) {
        do {
            while let record = try reader.next() { records.append(record) }
        } catch {
            self.error = error
        }
    }

    static func == (left: CSVRead, right: CSVRead) -> Bool {
        left.records == right.records && left.error == right.error
    }

    var description: String {
        "\(records.map { "line \($0.line): \($0.fields) \($0.problems)" }) then \(error.map { "\($0.kind)" } ?? "the end")"
    }

    /// Checks what the reader promises of any input `bytes`.
    func check(_ bytes: [UInt8], _ name: String) throws(InvariantViolation) {
        let lastLine = bytes.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
        var previousLine = 1
        var fieldBytes = 0
        for record in records {
            let at = "\(name), record on line \(record.line)"
            try require(
                record.line >= previousLine && record.line <= lastLine,
                "\(at): line numbers go from \(previousLine) to \(record.line) (the input has \(lastLine) lines)")
            previousLine = record.line
            var named: Set<Int> = []
            var notUTF8: Set<Int> = []
            for problem in record.problems {
                switch problem {
                case .fieldTooLarge(let column, let size, let limit):
                    try require(
                        limit == options.maxFieldBytes && size > limit && size <= bytes.count,
                        "\(at): \(problem) with a limit of \(options.maxFieldBytes) on \(bytes.count) bytes")
                    named.insert(column)
                case .nulByte(let column):
                    named.insert(column)
                case .invalidUTF8(let column):
                    notUTF8.insert(column)
                case .tooManyFields(let limit):
                    try require(
                        limit == options.maxFieldsPerRecord && record.count == limit,
                        "\(at): \(problem) on a record of \(record.count) fields")
                case .strayQuote(let line):
                    try require(
                        line >= record.line && line <= lastLine, "\(at): \(problem) outside the record's lines")
                }
            }
            try require(
                record.count <= options.maxFieldsPerRecord,
                "\(at): \(record.count) fields, over the limit of \(options.maxFieldsPerRecord)")
            try require(
                named.union(notUTF8).allSatisfy { $0 < record.count },
                "\(at): \(record.problems) names a column of none")
            try require(!record.problems.isEmpty || record.fields.contains { !$0.isEmpty }, "\(at): a blank record")
            for index in 0..<record.count {
                let problem = record.withFieldBytes(index) { field -> String? in
                    fieldBytes += field.count
                    if named.contains(index), !field.isEmpty { return "field \(index) has a problem but bytes" }
                    if field.count > options.maxFieldBytes { return "field \(index) exceeds the field limit" }
                    if field.contains(0) { return "field \(index) holds a NUL byte" }
                    // A cell that is not UTF-8 keeps its bytes, and is named.
                    let isUTF8 = String(validating: field, as: UTF8.self) != nil
                    if isUTF8 == notUTF8.contains(index) {
                        return isUTF8
                            ? "field \(index) is named not UTF-8 but is" : "field \(index) is not UTF-8, unnamed"
                    }
                    return nil
                }
                try require(problem == nil, "\(at): \(problem ?? "")")
                try require(
                    record.trimmedField(index).utf8.count <= record.field(index).utf8.count,
                    "\(at): field \(index) grows when trimmed")
            }
        }
        try require(fieldBytes <= bytes.count, "\(name): the fields hold more bytes than the input")
        switch error?.kind {
        case nil: break
        case .unterminatedQuote(let line)?:
            try require(
                line >= previousLine && line <= lastLine,
                "\(name): an unterminated quote on line \(line), after a record on line \(previousLine)")
        case let kind?:
            throw InvariantViolation(message: "\(name): \(kind) on \(bytes.count) bytes")
        }
    }
}
