import ArgumentParser
import Logging

/// How a `plan` or `apply` run reports itself and when it gives up.
struct RunOptions: ParsableArguments {
    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    @Option(help: LogFormat.help)
    var logFormat: LogFormat = .text

    /// A logger at `--log-level` in `--log-format`, to stderr.
    func logger() -> Logger {
        Console.use(logFormat)
        var logger = Logger(label: "billing-migrate") { [logFormat] label in
            switch logFormat {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler()
            }
        }
        logger.logLevel = logLevel
        return logger
    }

    @Flag(name: .shortAndLong, help: "No progress line and no per-row listing; the closing summary only.")
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "Stop taking new rows after this long (90s, 30m, 2h); the run then exits 3 and resumes next time.",
            valueName: "duration"))
    var deadline: String?

    func validate() throws {
        if let deadline, Self.duration(deadline) == nil {
            throw ValidationError("--deadline '\(deadline)' is not a duration; write it like 90s, 30m, 2h or 1h30m.")
        }
    }

    /// The deadline as a duration.
    var deadlineDuration: Duration? { deadline.flatMap(Self.duration) }

    /// Reads `90s`, `30m`, `2h`, `1h30m`, or plain seconds.
    static func duration(_ text: String) -> Duration? {
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        var total: Double = 0
        var number = ""
        for character in text.lowercased() {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
        }
        guard number.isEmpty, total > 0 else { return nil }
        return .milliseconds(Int64(total * 1000))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
