import CSVReading

/// A corrections file opened for one pass: its header mapped, its rows read one at a time.
public final class InputFile {
    /// How the file is read.
    public struct Options: Sendable {
        /// The field separator. Default `,`.
        public var delimiter: UInt8 = UInt8(ascii: ",")
        /// Skip columns the tool does not know instead of refusing the file.
        public var ignoreUnknownColumns = false

        public init() {}
    }

    public let path: String
    /// The header's columns (a file without lines is refused).
    public let header: HeaderMap?
    private let reader: CSVReader

    /// Opens `path` and reads its header; `observer` sees every byte of the file read, in order.
    /// - Throws: ``InputError`` when the file cannot be read or its header is not usable.
    public init(path: String, options: Options, observer: ((UnsafeRawBufferPointer) -> Void)? = nil)
        throws(InputError)
    {
        var readerOptions = CSVReader.Options()
        readerOptions.delimiter = options.delimiter
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
        if let problem = first.problems.first {
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
    func nextRecord() throws(InputError) -> CSVRecord? {
        guard header != nil else { return nil }
        do {
            return try reader.next()
        } catch {
            throw InputError(path: path, line: error.line, error.kindDescription)
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
