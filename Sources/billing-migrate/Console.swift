import AddressRules
import Foundation
import Logging
import Synchronization

/// Where the tool talks to people: results on stdout, errors and progress on stderr. Under
/// `--log-format json` what goes to stderr is one JSON object per line, like the logs.
enum Console {
    private static let jsonLines = Atomic<Bool>(false)

    /// Chooses how stderr messages look; set once, before the run starts.
    static func use(_ format: LogFormat) {
        jsonLines.store(format == .json, ordering: .relaxed)
    }

    /// Writes `text` and a line feed to stdout at once (unbuffered).
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes an error message to stderr.
    static func error(_ text: String) {
        message(text, level: .error)
    }

    /// Writes `text` to stderr as a line, or as a JSON log object with `fields`.
    /// Control and text-direction characters in `text` (which may carry a cell, a profile value or a
    /// server's words) are shown escaped, line by line.
    static func message(_ text: String, level: Logger.Level, fields: Logger.Metadata = [:]) {
        let line =
            jsonLines.load(ordering: .relaxed)
            ? JSONLogHandler.line(level: level, message: text, metadata: fields)
            : text.split(separator: "\n", omittingEmptySubsequences: false).map { VisibleText.escaped(String($0)) }
                .joined(separator: "\n")
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Whether stdout gets colours: a terminal, `NO_COLOR` unset or empty (https://no-color.org), and
    /// a `TERM` other than `dumb`.
    static let colors: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }()

    /// `text` in `colour` when stdout takes colours.
    static func paint(_ text: String, _ colour: Colour) -> String {
        colors ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// ANSI colour codes.
    enum Colour: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
        case dim = "2"
    }
}
