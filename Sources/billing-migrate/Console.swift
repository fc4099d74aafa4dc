import Foundation

/// Where the tool talks to people: results on stdout, errors and progress on stderr.
enum Console {
    /// Writes `text` and a line feed to stdout at once (unbuffered).
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `text` and a line feed to stderr.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
