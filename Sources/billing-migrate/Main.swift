import ArgumentParser
import Foundation
import Logging
import Migration

/// Runs the command and maps every way out to SPEC §7's exit codes, in one place
/// (``ExitStatus``): argument errors are usage errors (2, not argument-parser's 64), an error from
/// a command is printed as `error: …` and mapped by its kind, and no user mistake ends in a stack
/// trace. Logs go to stderr; stdout is for results.
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
        } catch let status as ExitStatus {
            end(status)
        } catch {
            switch BillingMigrate.exitCode(for: error) {
            case .success:
                BillingMigrate.exit(withError: error)
            case .validationFailure:
                Console.error(BillingMigrate.fullMessage(for: error))
                end(.usage)
            default:
                Console.error("error: \(error)")
                end(ExitStatus(error))
            }
        }
        end(.success)
    }

    private static func end(_ status: ExitStatus) -> Never {
        exit(status.rawValue)
    }
}
