import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a CSV file record by record through libcsv in strict mode, in fixed-size chunks.
///
/// Memory stays flat whatever the file's length: the reader holds one chunk and the record being
/// read. It skips a leading UTF-8 byte order mark and blank lines, accepts LF and CRLF, and knows
/// the line each record starts on.
///
/// ```swift
/// let reader = try CSVReader(path: "changes.csv")
/// while let record = try reader.next() { print(record.line, record.fields) }
/// ```
///
/// This type is not thread-safe; use one reader from one task.
public final class CSVReader {
    /// How the reader splits and guards the input.
    public struct Options: Sendable {
        /// The field separator, one ASCII byte. Default `,`.
        public var delimiter: UInt8 = UInt8(ascii: ",")
        /// A field longer than this many bytes fails its record (``CSVProblem/fieldTooLarge``).
        /// Default 4 KiB.
        public var maxFieldBytes: Int = 4096
        /// A quoted field still open after this many bytes is taken for an unterminated quote and
        /// stops the read, so that a missing quote cannot pull the whole file into memory.
        /// Default 1 MiB.
        public var runawayFieldBytes: Int = 1 << 20
        /// Bytes read from the file at a time. Default 64 KiB.
        public var chunkSize: Int = 64 * 1024

        public init() {}
    }

    private let options: Options
    private let path: String
    private var source: ByteSource
    private var parser = csv_parser()
    private let state = ParseState()
    private var chunk: [UInt8]
    private var chunkStart = 0
    private var chunkEnd = 0
    private var atStartOfInput = true
    private var reachedEnd = false
    /// After a stray quote, the rest of its line is dropped, up to and including its line feed,
    /// even where the line goes on in the next chunk.
    private var skippingRestOfLine = false

    /// Opens `path` for reading.
    /// - Throws: ``CSVError`` when the file cannot be opened.
    public convenience init(path: String, options: Options = Options()) throws(CSVError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CSVError(.unreadable(reason: String(cString: strerror(errno))), path: path)
        }
        self.init(source: .file(fd), path: path, options: options)
    }

    /// Reads CSV from bytes in memory; `name` stands for the path in messages.
    public convenience init(bytes: [UInt8], name: String = "<memory>", options: Options = Options()) {
        self.init(source: .memory(bytes, offset: 0), path: name, options: options)
    }

    private init(source: ByteSource, path: String, options: Options) {
        self.source = source
        self.path = path
        self.options = options
        self.chunk = [UInt8](repeating: 0, count: max(options.chunkSize, 4))
        csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_delim(&parser, options.delimiter)
        state.maxFieldBytes = options.maxFieldBytes
    }

    deinit {
        csv_free(&parser)
        if case .file(let fd) = source { close(fd) }
    }

    /// The next record, or `nil` at the end of the file.
    /// - Throws: ``CSVError`` for a fault that ends the read (an unreadable file, an unterminated
    ///   quote); every record before it has been returned.
    public func next() throws(CSVError) -> CSVRecord? {
        while state.ready.isEmpty {
            if reachedEnd { return nil }
            try feedNextLine()
        }
        return state.ready.removeFirst()
    }

    /// Feeds the parser up to and including the next line feed, or finishes at the end of input.
    private func feedNextLine() throws(CSVError) {
        if chunkStart == chunkEnd {
            try refill()
            if chunkEnd == 0 {
                try finish()
                return
            }
        }
        let length = chunk.withUnsafeBufferPointer { buffer -> Int in
            let base = buffer.baseAddress! + chunkStart
            let available = chunkEnd - chunkStart
            if let newline = memchr(base, Int32(UInt8(ascii: "\n")), available) {
                return base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return available
        }
        let endsLine = chunk[chunkStart + length - 1] == UInt8(ascii: "\n")
        if skippingRestOfLine {
            chunkStart += length
            skippingRestOfLine = !endsLine
            if endsLine { state.line += 1 }
            return
        }
        if parser.pstate == rowNotBegun {
            state.recordStartLine = state.line
            state.fieldStartLine = state.line
        }
        let consumed = parse(from: chunkStart, count: length)
        chunkStart += length
        if consumed < length {
            try recoverFromParseError()
            skippingRestOfLine = !endsLine
        }
        if parser.pstate == fieldBegun, parser.quoted != 0, parser.entry_pos > options.runawayFieldBytes {
            throw CSVError(.unterminatedQuote(line: state.fieldStartLine), path: path)
        }
        if endsLine { state.line += 1 }
    }

    private func parse(from start: Int, count: Int) -> Int {
        let context = Unmanaged.passUnretained(state).toOpaque()
        return chunk.withUnsafeBufferPointer { buffer in
            csv_parse(&parser, buffer.baseAddress! + start, count, fieldEnded, recordEnded, context)
        }
    }

    /// Ends the broken record with a ``CSVProblem/strayQuote`` and drops the rest of its line.
    private func recoverFromParseError() throws(CSVError) {
        if csv_error(&parser) != CSV_EPARSE {
            throw CSVError(.outOfMemory(line: state.recordStartLine), path: path)
        }
        state.problems.append(.strayQuote(line: state.line))
        csv_set_opts(&parser, UInt8(CSV_STRICT))
        csv_fini(&parser, nil, nil, nil)
        csv_set_opts(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        state.endRecord()
    }

    private func finish() throws(CSVError) {
        reachedEnd = true
        let context = Unmanaged.passUnretained(state).toOpaque()
        if csv_fini(&parser, fieldEnded, recordEnded, context) != 0 {
            throw CSVError(.unterminatedQuote(line: state.fieldStartLine), path: path)
        }
    }

    private func refill() throws(CSVError) {
        chunkStart = 0
        chunkEnd = 0
        let count: Int = chunk.withUnsafeMutableBytes { buffer in source.read(into: buffer) }
        guard count >= 0 else {
            throw CSVError(.unreadable(reason: String(cString: strerror(errno))), path: path)
        }
        chunkEnd = count
        if atStartOfInput {
            atStartOfInput = false
            if count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { chunkStart = 3 }
        }
    }
}

#if canImport(Glibc)
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private let systemRead = Darwin.read
#endif

/// libcsv's parser states (csv_parser.pstate), from libcsv.c.
private let rowNotBegun: Int32 = 0
private let fieldBegun: Int32 = 2

/// Where the bytes come from: a file descriptor the reader owns, or memory (tests).
private enum ByteSource {
    case file(Int32)
    case memory([UInt8], offset: Int)

    /// Fills `buffer` from the source; returns the count read, 0 at the end, -1 on error.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch self {
        case .file(let fd):
            while true {
                let count = systemRead(fd, buffer.baseAddress, buffer.count)
                if count < 0, errno == EINTR { continue }
                return count
            }
        case .memory(let bytes, let offset):
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            self = .memory(bytes, offset: offset + count)
            return count
        }
    }
}
