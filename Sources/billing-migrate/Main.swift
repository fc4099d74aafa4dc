import ArgumentParser
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the command and maps every way out to SPEC §7's exit codes: argument errors are usage
/// errors (2, not argument-parser's 64), and no user mistake ends in a stack trace. Logs go to
/// stderr; stdout is for results.
@main
enum Main {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        do {
            var command = try BillingMigrate.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            let code = BillingMigrate.exitCode(for: error)
            if code == .validationFailure {
                let message = BillingMigrate.fullMessage(for: error)
                Console.error(message)
                Glibc.exit(ExitStatus.usage.rawValue)
            }
            BillingMigrate.exit(withError: error)
        }
    }
}

/// SPEC §7 exit codes.
enum ExitStatus: Int32 {
    /// Every row fine.
    case success = 0
    /// The run finished but some rows are invalid, failed or in conflict.
    case rowsFailed = 1
    /// Usage, configuration or input-file error: nothing was sent.
    case usage = 2
    /// Interrupted, aborted or locked: resumable.
    case interrupted = 3
    /// `plan --detailed-exitcode` with changes pending.
    case changesPending = 4

    var exitCode: ExitCode { ExitCode(rawValue) }
}
