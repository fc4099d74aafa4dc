import Foundation
import Logging
import Migration
import PartnerCenter

/// Shows a run's progress on stderr: a live line (done/total, rate, ETA, failures) redrawn in
/// place when `live`, or a line every few seconds otherwise (cron, `--log-format json`).
final class ProgressReporter: Sendable {
    private let task: Task<Void, Never>

    init(command: Command, progress: RunProgress, quiet: Bool, live terminal: Bool) {
        let interval: Duration = terminal ? .milliseconds(500) : .seconds(5)
        let started = ContinuousClock.now
        task = Task {
            guard !quiet else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                let elapsed = ContinuousClock.now - started
                let line = Self.line(command: command, progress: progress, elapsed: elapsed)
                if terminal {
                    FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
                } else {
                    let (done, failures) = progress.snapshot
                    Console.message(
                        line, level: .info,
                        fields: [
                            "command": "\(command.rawValue)", "done": "\(done)", "total": "\(progress.total)",
                            "failures": "\(failures)",
                        ])
                }
            }
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
    }

    /// Stops the display and clears the live line.
    func finish() async {
        task.cancel()
        await task.value
    }

    static func line(command: Command, progress: RunProgress, elapsed: Duration) -> String {
        let (done, failures) = progress.snapshot
        let seconds = max(0.001, elapsed.inSeconds)
        let rate = Double(done) / seconds
        guard progress.total > 0 else {
            // `export --all`: the number of customers is not known until the last page.
            return "\(command.rawValue): \(done) rows, \(String(format: "%.1f", rate)) rows/s, \(failures) not ok"
        }
        let left = max(0, progress.total - done)
        let eta = rate > 0 ? Self.clock(Double(left) / rate) : "?"
        return
            "\(command.rawValue): \(done)/\(progress.total) rows, \(String(format: "%.1f", rate)) rows/s, ETA \(eta), "
            + "\(failures) not ok"
    }

    private static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
