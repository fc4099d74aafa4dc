import Foundation
import Migration

/// The listing people read: a line per problem, held back until the run is final (a run may
/// start over, see ``RowSink``), then written to stdout.
final class ListingSink: RowSink {
    private let quiet: Bool
    private let showChanges: Bool
    private let spool = Spool()

    /// - Parameter showChanges: also list each row's changes (`plan`, `apply`).
    init(quiet: Bool, showChanges: Bool = false) {
        self.quiet = quiet
        self.showChanges = showChanges
    }

    var wantsChanges: Bool { showChanges && !quiet }

    func write(_ row: RowResult) throws {
        guard !quiet else { return }
        for (index, line) in RowListing.lines(for: row).enumerated() {
            try spool.append(Console.paint(line, index < row.errors.count ? .red : .yellow) + "\n")
        }
        guard showChanges else { return }
        for line in RowListing.changes(for: row) {
            try spool.append(Console.paint(line, row.outcome == .applied ? .green : .cyan) + "\n")
        }
    }

    func restart() throws {
        spool.reset()
    }

    func finish(_ summary: RunSummary) throws {
        try spool.drain { FileHandle.standardOutput.write(Data($0)) }
    }
}
