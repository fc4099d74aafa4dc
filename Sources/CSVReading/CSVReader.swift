import CLibCSV

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a CSV file record by record through libcsv in strict mode, in fixed-size chunks.
///
/// Memory stays flat whatever the file holds: the reader holds one chunk and the record being
/// read, and a record holds at most ``Options/maxFieldsPerRecord`` fields of at most
/// ``Options/bufferedFieldBytes`` bytes each, however long its line. It skips a leading UTF-8 byte order mark and blank lines, accepts LF and CRLF, and knows
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
        /// The most bytes of one field held in memory (at least ``maxFieldBytes``). A field that
        /// grows past it fails its record with ``CSVProblem/fieldTooLarge`` there and then; the
        /// reader skips the rest of the field (a quoted one up to its closing quote, across lines)
        /// and of its line, and goes on with the next line. Default 64 KiB.
        public var bufferedFieldBytes: Int = 64 * 1024
        /// The most fields one record keeps; a record with more fails with
        /// ``CSVProblem/tooManyFields``. Default 1024.
        public var maxFieldsPerRecord: Int = 1024
        /// Bytes read from the file at a time. Default 64 KiB.
        public var chunkSize: Int = 64 * 1024
        /// The file's encoding; `nil` for UTF-8. A byte order mark at the start of the file
        /// (UTF-8's or UTF-16's) decides over it. Default `nil`.
        public var encoding: TextEncoding?

        public init() {}
    }

    private let options: Options
    private let path: String
    /// Sees every byte read, in order, as read (the byte order mark included), so that a caller
    /// can hash the file in the same pass.
    private let observer: ((UnsafeRawBufferPointer) -> Void)?
    private var source: ByteSource
    private var parser = csv_parser()
    private let state = ParseState()
    private var chunk: [UInt8]
    private var chunkStart = 0
    private var chunkEnd = 0
    private var atStartOfInput = true
    private var reachedEnd = false
    /// What is being dropped, even where it goes on in the next chunk.
    private var skipping = Skipping.nothing
    /// The line the field being skipped opened on.
    private var skippedFieldLine = 1
    /// The file's encoding, once its first bytes were read (``Options/encoding`` or its byte order mark).
    public private(set) var encoding = TextEncoding.utf8
    /// Whether a UTF-16 file's header is separated by tabs, as Excel's "Unicode Text" is: the
    /// reader then splits on tabs whatever the delimiter asked for.
    public private(set) var splitsOnTabs = false
    /// Turns the file's bytes into UTF-8, for an encoding other than UTF-8.
    private var transcoder: Transcoder?
    /// The file's bytes as read, when they are transcoded into ``chunk``.
    private var raw: [UInt8] = []

    /// Opens `path` for reading; `observer` sees every byte read, in order.
    /// - Throws: ``CSVError`` when the file cannot be opened.
    public convenience init(
        path: String, options: Options = Options(), observer: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(CSVError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw CSVError(.unreadable(reason: String(cString: strerror(errno))), path: path)
        }
        self.init(source: .file(fd), path: path, options: options, observer: observer)
    }

    /// Reads CSV from bytes in memory; `name` stands for the path in messages.
    public convenience init(bytes: [UInt8], name: String = "<memory>", options: Options = Options()) {
        self.init(source: .memory(bytes, offset: 0), path: name, options: options, observer: nil)
    }

    private init(
        source: ByteSource, path: String, options: Options, observer: ((UnsafeRawBufferPointer) -> Void)?
    ) {
        self.source = source
        self.path = path
        self.options = options
        self.observer = observer
        self.chunk = [UInt8](repeating: 0, count: max(options.chunkSize, 4))
        csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
        csv_set_delim(&parser, options.delimiter)
        state.maxFieldBytes = options.maxFieldBytes
        state.maxFields = max(options.maxFieldsPerRecord, 1)
    }

    /// The most bytes of the field in progress the parser may hold before the reader cuts it.
    private var fieldBufferLimit: Int { max(options.bufferedFieldBytes, options.maxFieldBytes) }

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
    ///
    /// A piece fed to the parser is never longer than the room left in the field in progress
    /// (``fieldBufferLimit`` less what the parser holds), so a field reaches the limit exactly at the
    /// end of a piece, wherever the chunks end, and is cut there.
    private func feedNextLine() throws(CSVError) {
        if chunkStart == chunkEnd {
            try refill()
            if chunkEnd == 0 {
                try finish()
                return
            }
        }
        switch skipping {
        case .nothing: break
        case .restOfLine:
            skipRestOfLine()
            return
        case .quotedField(let afterQuote):
            skipQuotedField(afterQuote: afterQuote)
            return
        }
        let room = fieldBufferLimit + 1 - parser.entry_pos
        let length = min(lineLength(), room)
        let endsLine = chunk[chunkStart + length - 1] == UInt8(ascii: "\n")
        if parser.pstate == rowNotBegun {
            state.recordStartLine = state.line
            state.fieldStartLine = state.line
        }
        let consumed = parse(from: chunkStart, count: length)
        chunkStart += length
        if consumed < length {
            try recoverFromParseError()
            if !endsLine { skipping = .restOfLine }
        } else if parser.entry_pos > fieldBufferLimit {
            cutField()
        }
        if endsLine { state.line += 1 }
    }

    /// The bytes from `chunkStart` up to and including the next line feed in the chunk, or to its end.
    private func lineLength() -> Int {
        chunk.withUnsafeBufferPointer { buffer -> Int in
            let base = buffer.baseAddress! + chunkStart
            let available = chunkEnd - chunkStart
            if let newline = memchr(base, Int32(UInt8(ascii: "\n")), available) {
                return base.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
            return available
        }
    }

    /// Ends the record at the field that outgrew the buffer, with a ``CSVProblem/fieldTooLarge``,
    /// and drops the rest of the field and of its line.
    private func cutField() {
        let quoteOpen = parser.quoted != 0 && !(parser.pstate == fieldMightHaveEnded && parser.spaces > 0)
        let afterQuote = parser.pstate == fieldMightHaveEnded
        state.addCutField(bytes: parser.entry_pos)
        skippedFieldLine = state.fieldStartLine
        resetParser()
        state.endRecord()
        skipping = quoteOpen ? .quotedField(afterQuote: afterQuote) : .restOfLine
    }

    /// Drops bytes up to and including the next line feed.
    private func skipRestOfLine() {
        let length = lineLength()
        chunkStart += length
        if chunk[chunkStart - 1] == UInt8(ascii: "\n") {
            state.line += 1
            skipping = .nothing
        }
    }

    /// Drops the rest of a quoted field up to its closing quote (a doubled quote is part of the
    /// field), counting the line feeds in it; then the rest of its line.
    private func skipQuotedField(afterQuote: Bool) {
        var afterQuote = afterQuote
        while chunkStart < chunkEnd {
            let byte = chunk[chunkStart]
            if afterQuote {
                if byte != UInt8(ascii: "\"") {
                    skipping = .restOfLine
                    return
                }
                afterQuote = false
            } else if byte == UInt8(ascii: "\"") {
                afterQuote = true
            } else if byte == UInt8(ascii: "\n") {
                state.line += 1
            }
            chunkStart += 1
        }
        skipping = .quotedField(afterQuote: afterQuote)
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
        resetParser()
        state.endRecord()
    }

    /// Drops what the parser holds, without calling back.
    private func resetParser() {
        csv_set_opts(&parser, UInt8(CSV_STRICT))
        csv_fini(&parser, nil, nil, nil)
        csv_set_opts(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI))
    }

    private func finish() throws(CSVError) {
        reachedEnd = true
        if case .quotedField = skipping {
            throw CSVError(.unterminatedQuote(line: skippedFieldLine), path: path)
        }
        let context = Unmanaged.passUnretained(state).toOpaque()
        if csv_fini(&parser, fieldEnded, recordEnded, context) != 0 {
            throw CSVError(.unterminatedQuote(line: state.fieldStartLine), path: path)
        }
    }

    private func refill() throws(CSVError) {
        chunkStart = 0
        chunkEnd = 0
        if transcoder != nil {
            try refillTranscoded()
            return
        }
        let count: Int = chunk.withUnsafeMutableBytes { buffer in source.read(into: buffer) }
        guard count >= 0 else {
            throw CSVError(.unreadable(reason: String(cString: strerror(errno))), path: path)
        }
        chunkEnd = count
        if let observer {
            chunk.withUnsafeBytes { observer(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
        if atStartOfInput {
            atStartOfInput = false
            try startInput(count: count)
        }
    }

    /// Reads the file's first bytes' byte order mark, or takes ``Options/encoding``; from then on
    /// an encoding other than UTF-8 is transcoded.
    private func startInput(count: Int) throws(CSVError) {
        let source: Transcoder.Source?
        var skip = 0
        if count >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF {
            (source, skip) = (nil, 3)
        } else if count >= 2, chunk[0] == 0xFF, chunk[1] == 0xFE {
            (source, skip) = (.utf16(bigEndian: false), 2)
        } else if count >= 2, chunk[0] == 0xFE, chunk[1] == 0xFF {
            (source, skip) = (.utf16(bigEndian: true), 2)
        } else {
            switch options.encoding ?? .utf8 {
            case .utf8: source = nil
            case .utf16: source = .utf16(bigEndian: false)
            case .windows1252: source = .windows1252
            case .latin1: source = .latin1
            }
        }
        guard let source else {
            chunkStart = skip
            return
        }
        switch source {
        case .utf16: encoding = .utf16
        case .windows1252: encoding = .windows1252
        case .latin1: encoding = .latin1
        }
        var transcoder = Transcoder(source)
        var output: [UInt8] = []
        output.reserveCapacity(count * 2)
        chunk.withUnsafeBytes {
            transcoder.transcode(UnsafeRawBufferPointer(rebasing: $0[skip..<count]), into: &output)
        }
        self.transcoder = transcoder
        raw = chunk
        if output.isEmpty {
            try refillTranscoded()
        } else {
            use(output)
        }
        if case .utf16 = source { detectTabs() }
    }

    /// The next chunk of a transcoded file: empty only at its end.
    private func refillTranscoded() throws(CSVError) {
        var output: [UInt8] = []
        while output.isEmpty, var transcoder {
            let count: Int = raw.withUnsafeMutableBytes { buffer in source.read(into: buffer) }
            guard count >= 0 else {
                throw CSVError(.unreadable(reason: String(cString: strerror(errno))), path: path)
            }
            if let observer {
                raw.withUnsafeBytes { observer(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            }
            output.reserveCapacity(count * 2)
            if count == 0 {
                transcoder.finish(into: &output)
                self.transcoder = nil
            } else {
                raw.withUnsafeBytes {
                    transcoder.transcode(UnsafeRawBufferPointer(rebasing: $0[..<count]), into: &output)
                }
                self.transcoder = transcoder
            }
        }
        use(output)
    }

    /// Makes `output` the chunk to parse.
    private func use(_ output: [UInt8]) {
        chunkEnd = output.count
        chunk = output.count >= 4 ? output : output + [0, 0, 0, 0]
        chunkStart = 0
    }

    /// Excel's "Unicode Text" is UTF-16 separated by tabs: when the first line of a UTF-16 file
    /// holds tabs and no delimiter, the reader splits on tabs.
    private func detectTabs() {
        guard options.delimiter != UInt8(ascii: "\t") else { return }
        let line = chunk[chunkStart..<chunkEnd].prefix { $0 != UInt8(ascii: "\n") }
        guard line.contains(UInt8(ascii: "\t")), !line.contains(options.delimiter) else { return }
        splitsOnTabs = true
        csv_set_delim(&parser, UInt8(ascii: "\t"))
    }
}

#if canImport(Glibc)
    private let systemRead = Glibc.read
#elseif canImport(Darwin)
    private let systemRead = Darwin.read
#endif

/// libcsv's parser states (csv_parser.pstate), from libcsv.c.
private let rowNotBegun: Int32 = 0
private let fieldMightHaveEnded: Int32 = 3

/// What the reader drops instead of parsing.
private enum Skipping {
    case nothing
    /// Up to and including the next line feed.
    case restOfLine
    /// A quoted field's rest, then its line's rest; `afterQuote` when the last byte seen was a quote.
    case quotedField(afterQuote: Bool)
}

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
