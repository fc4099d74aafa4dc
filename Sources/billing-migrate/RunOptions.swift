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
            case .text: VisibleTextLogHandler(label: label)
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

    @Option(
        help: ArgumentHelp(
            "After SIGINT, SIGTERM or SIGHUP, how long rows in flight may take to finish (a write in doubt is "
                + "read back) before they are cancelled; the process ends by this plus 1 s. A second signal exits "
                + "at once.", valueName: "duration"))
    var grace = "10s"

    /// The grace period as a duration.
    var graceDuration: Duration { Self.duration(grace) ?? .seconds(10) }

    func validate() throws {
        if Self.duration(grace) == nil || (Self.duration(grace) ?? .zero) > .seconds(600) {
            throw ValidationError("--grace '\(grace)' is not a duration from 0 to 10 minutes; write it like 10s or 1m.")
        }
        if let deadline, Self.duration(deadline) == nil {
            throw ValidationError(
                "--deadline '\(deadline)' is not a duration from 0 to \(Int(Self.longestDuration / 86_400)) days; write it "
                    + "like 0, 90s, 30m, 2h or 1h30m.")
        }
    }

    /// The deadline as a duration.
    var deadlineDuration: Duration? { deadline.flatMap(Self.duration) }

    /// The longest duration any option takes, in seconds (30 days).
    static let longestDuration: Double = 30 * 86_400

    /// Reads `90s`, `30m`, `2h`, `1h30m`, or plain seconds, from 0 to ``longestDuration``;
    /// `nil` for anything else (never a trap on huge, infinite or negative values).
    static func duration(_ text: String) -> Duration? {
        var total: Double = 0
        if let seconds = Double(text) {
            total = seconds
        } else {
            var number = ""
            for character in text.lowercased() {
                if character.isASCII, character.isNumber || character == "." {
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
            guard number.isEmpty, !text.isEmpty else { return nil }
        }
        guard total.isFinite, total >= 0, total <= longestDuration else { return nil }
        return .milliseconds(Int64((total * 1000).rounded()))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
