import CSVReading
import Foundation

/// `--failed-rows FILE`: the input rows that did not succeed (invalid, failed, conflict), under
/// the input's own header and in its column order, ready to fix and run again. Written 0600, in
/// full when the run finishes, by reading the input once more for those lines.
public final class FailedRowsWriter: RowSink {
    private let file: PrivateFile
    private let input: String
    private let options: InputFile.Options
    private var lines: Set<Int> = []

    /// Creates the file now, so that a path that cannot be written fails before the run.
    public init(path: String, input: String, options: InputFile.Options) throws(FileError) {
        file = try PrivateFile(path: path)
        self.input = input
        self.options = options
    }

    public var wantsChanges: Bool { false }

    public func write(_ row: RowResult) {
        if row.needsAttention { lines.insert(row.line) }
    }

    public func restart() {
        lines.removeAll()
    }

    /// Copies the header and the failed rows, as UTF-8 with a byte order mark and CRLF (as
    /// `export` writes, for Excel), whatever the input's encoding: a row read through
    /// `--encoding` is written decoded, and a cell that is not UTF-8 keeps its bytes, so that no
    /// correction turns into an empty cell (which would mean "keep the value on file").
    /// - Throws: ``FileError`` or ``CSVError``.
    public func finish(_ summary: RunSummary) throws {
        var readerOptions = CSVReader.Options()
        readerOptions.delimiter = options.delimiter
        readerOptions.encoding = options.encoding
        let reader = try CSVReader(path: input, options: readerOptions)
        var isHeader = true
        try file.write("\u{FEFF}")
        while let record = try reader.next() {
            if isHeader || lines.contains(record.line) {
                try file.write(bytes: CSVText.line(record, delimiter: options.delimiter))
            }
            isHeader = false
        }
        try file.commit()
    }
}
