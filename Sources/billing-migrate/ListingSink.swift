import Foundation
import Migration

/// The listing people read: a line per problem, held back until the run is final (a run may
/// start over, see ``RowSink``), then written to stdout. Up to 1 MiB is kept in memory; beyond
/// that the lines go to an anonymous temporary file (`tmpfile`, mode 0600, gone when closed).
final class ListingSink: RowSink {
    private let quiet: Bool
    private let showChanges: Bool
    private var buffer: [UInt8] = []
    private var spill: UnsafeMutablePointer<FILE>?

    /// - Parameter showChanges: also list each row's changes (`plan`, `apply`).
    init(quiet: Bool, showChanges: Bool = false) {
        self.quiet = quiet
        self.showChanges = showChanges
    }

    deinit {
        if let spill { fclose(spill) }
    }

    var wantsChanges: Bool { showChanges && !quiet }

    func write(_ row: RowResult) throws {
        guard !quiet else { return }
        for line in RowListing.lines(for: row) + (showChanges ? RowListing.changes(for: row) : []) {
            buffer.append(contentsOf: line.utf8)
            buffer.append(UInt8(ascii: "\n"))
        }
        if buffer.count > 1 << 20 { try spillBuffer() }
    }

    func restart() throws {
        buffer.removeAll()
        if let spill { fclose(spill) }
        spill = nil
    }

    func finish(_ summary: RunSummary) throws {
        let out = FileHandle.standardOutput
        if let spill {
            try spillBuffer()
            rewind(spill)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = fread(&chunk, 1, chunk.count, spill)
                if count == 0 { break }
                out.write(Data(chunk[0..<count]))
            }
        } else {
            out.write(Data(buffer))
        }
        buffer.removeAll()
    }

    private func spillBuffer() throws {
        if spill == nil {
            guard let file = tmpfile() else { throw CocoaError(.fileWriteUnknown) }
            spill = file
        }
        guard fwrite(buffer, 1, buffer.count, spill) == buffer.count else { throw CocoaError(.fileWriteOutOfSpace) }
        buffer.removeAll(keepingCapacity: true)
    }
}
