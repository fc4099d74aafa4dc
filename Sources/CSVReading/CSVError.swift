/// A fault that stops reading a CSV file. Records before it have already been returned.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or read; `reason` is the system's word for it.
        case unreadable(reason: String)
        /// A quoted field opened on `line` never closes: it runs to the end of the file, or past
        /// the reader's runaway limit.
        case unterminatedQuote(line: Int)
        /// The parser ran out of memory.
        case outOfMemory(line: Int)
    }

    public var kind: Kind
    /// The file the error is about.
    public var path: String

    public init(_ kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    public var description: String {
        switch kind {
        case .unreadable(let reason):
            "\(path): cannot read the file (\(reason)). Check the path and its permissions."
        case .unterminatedQuote(let line):
            "\(path):\(line): a quoted field opens on this line and never closes. "
                + "Add the closing \" (a quote inside a quoted field is written as \"\")."
        case .outOfMemory(let line):
            "\(path):\(line): out of memory while reading this record."
        }
    }
}
