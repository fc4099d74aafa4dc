import ArgumentParser
import Foundation
import Migration

/// `billing-migrate status`: what a journal says.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize a journal: rows per outcome, writes in doubt, what is left, when it ran. Reads only.",
        discussion: """
            Example:
              billing-migrate status --journal run.journal
            """
    )

    @Option(help: ArgumentHelp("The journal to read.", valueName: "file"), completion: .file())
    var journal: String

    func run() throws {
        let replay: Journal.Replay
        do {
            replay = try Journal.read(path: journal)
        } catch {
            Console.error("error: \(error)")
            throw ExitStatus.usage.exitCode
        }
        guard let header = replay.header else {
            print("\(journal): empty journal; no run has started with it.")
            return
        }
        var counts: [String: Int] = [:]
        for outcome in replay.outcomes.values { counts[outcome.outcome.rawValue, default: 0] += 1 }
        let modified =
            (try? FileManager.default.attributesOfItem(atPath: journal)[.modificationDate] as? Date)
            .map { ISO8601DateFormatter().string(from: $0) } ?? "unknown"
        var lines = [
            "journal  \(journal)",
            "input    \(header.input) (SHA-256 \(header.inputSHA256.prefix(16))…, \(header.rows) rows)",
            "started  \(header.started) by billing-migrate \(header.toolVersion)",
            "last     \(modified)",
            "outcomes",
        ]
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) { lines.append("  \(name): \(count)") }
        let done = replay.outcomes.count
        lines.append("in doubt \(replay.pendingIntents.count) (a write with no recorded answer; read back on resume)")
        lines.append("left     \(max(0, header.rows - done)) of \(header.rows) rows")
        lines.append(
            "state    \(replay.complete != nil ? "complete" : "not finished: run apply again with this journal")")
        print(lines.joined(separator: "\n"))
    }
}
