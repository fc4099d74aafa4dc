import CSVReading

/// A corrections file opened for one pass: its header mapped, its rows read one at a time.
public final class InputFile {
    /// How the file is read.
    public struct Options: Sendable {
        /// The field separator. Default `,`.
        public var delimiter: UInt8 = UInt8(ascii: ",")
        /// Skip columns the tool does not know instead of refusing the file.
        public var ignoreUnknownColumns = false
        /// `--encoding`: the file's encoding; `nil` for UTF-8 (or UTF-16 with a byte order mark),
        /// in which case a byte that is not UTF-8 refuses the file, with one message naming it.
        public var encoding: TextEncoding?

        public init() {}
    }

    public let path: String
    /// The header's columns (a file without lines is refused).
    public let header: HeaderMap?
    private let reader: CSVReader
    /// Whether `--encoding` named the file's encoding.
    private let encodingGiven: Bool

    /// Opens `path` and reads its header; `observer` sees every byte of the file read, in order.
    /// - Throws: ``InputError`` when the file cannot be read or its header is not usable.
    public init(path: String, options: Options, observer: ((UnsafeRawBufferPointer) -> Void)? = nil)
        throws(InputError)
    {
        var readerOptions = CSVReader.Options()
        readerOptions.delimiter = options.delimiter
        readerOptions.encoding = options.encoding
        do {
            reader = try CSVReader(path: path, options: readerOptions, observer: observer)
        } catch {
            throw InputError(path: path, line: nil, error.kindDescription)
        }
        self.path = path
        let first: CSVRecord?
        do {
            first = try reader.next()
        } catch {
            throw InputError(path: path, line: error.line, error.kindDescription)
        }
        guard let first else {
            // A scheduled run fed an empty export must not report success.
            throw InputError(
                path: path, line: nil,
                "the file is empty: it needs a header line (customerId and the address columns) and the rows to "
                    + "check.")
        }
        self.encodingGiven = options.encoding != nil
        try Self.checkEncoding(first, reader: reader, given: encodingGiven, path: path)
        if let problem = first.problems.first {
            if case .nulByte = problem, options.encoding == nil {
                throw InputError(
                    path: path, line: first.line,
                    "the header line holds NUL bytes: the file looks like UTF-16 without a byte order mark. Run "
                        + "again with --encoding utf-16, or save the file as \"CSV UTF-8 (Comma delimited)\".")
            }
            throw InputError(
                path: path, line: first.line, "the header line cannot be read (\(problem)); fix the first line.")
        }
        header = try HeaderMap(
            header: first.fields, line: first.line, ignoreUnknown: options.ignoreUnknownColumns, path: path)
    }

    /// The next data row, or `nil` at the end.
    /// - Throws: ``InputError`` for a fault that ends the read (an unterminated quote).
    public func nextRow() throws(InputError) -> InputRow? {
        guard let header, let record = try nextRecord() else { return nil }
        return InputRow(record: record, header: header)
    }

    /// The next data record as the CSV reader gives it, or `nil` at the end.
    /// - Throws: ``InputError`` for a fault that ends the read, or a byte that is not UTF-8 in a
    ///   file read as UTF-8 without `--encoding`.
    func nextRecord() throws(InputError) -> CSVRecord? {
        guard header != nil else { return nil }
        let record: CSVRecord?
        do {
            record = try reader.next()
        } catch {
            throw InputError(path: path, line: error.line, error.kindDescription)
        }
        if let record { try Self.checkEncoding(record, reader: reader, given: encodingGiven, path: path) }
        return record
    }

    /// A file read as UTF-8 because nothing said otherwise, with a byte that is not UTF-8, is
    /// refused as a whole, once: its rows would each fail alike, and the fix is for the file.
    /// The message names the first such byte and what it is in Windows-1252, the encoding Excel's
    /// "CSV (Comma delimited)" writes; the file is never decoded on a guess.
    private static func checkEncoding(_ record: CSVRecord, reader: CSVReader, given: Bool, path: String)
        throws(InputError)
    {
        guard !given, reader.encoding == .utf8 else { return }
        for problem in record.problems {
            guard case .invalidUTF8(let column) = problem,
                let byte = record.withFieldBytes(column, { UTF8Check.firstInvalidByte(in: $0) })
            else { continue }
            let character = TextEncoding.windows1252Character(byte).map { " ('\($0)' in Windows-1252)" } ?? ""
            throw InputError(
                path: path, line: record.line,
                "cell \(column + 1) holds the byte 0x\(String(byte, radix: 16, uppercase: true))\(character), which is "
                    + "not UTF-8: the file is not UTF-8. Excel's \"CSV (Comma delimited)\" saves Windows-1252: run "
                    + "again with --encoding windows-1252, or save the file as \"CSV UTF-8 (Comma delimited)\". "
                    + "Nothing was sent.")
        }
    }
}

extension CSVError {
    /// The line the error names, if any.
    var line: Int? {
        switch kind {
        case .unreadable: nil
        case .unterminatedQuote(let line), .outOfMemory(let line): line
        }
    }

    /// The message without the path and line prefix.
    var kindDescription: String {
        switch kind {
        case .unreadable(let reason): "cannot read the file (\(reason)); check the path and its permissions."
        case .unterminatedQuote:
            "a quoted cell opens on this line and never closes; add the closing \" (an inner quote is written \"\"). "
                + "Nothing after this line was read."
        case .outOfMemory: "out of memory while reading this row."
        }
    }
}
