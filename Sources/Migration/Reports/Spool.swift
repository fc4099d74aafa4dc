import Foundation

/// Text held back until a run is final: up to 1 MiB in memory, beyond that in an anonymous
/// temporary file (`tmpfile`, mode 0600, gone when closed), so memory stays flat however many
/// rows a report or listing holds.
public final class Spool {
    private var buffer: [UInt8] = []
    private var spill: UnsafeMutablePointer<FILE>?

    public init() {}

    deinit {
        if let spill { fclose(spill) }
    }

    /// Whether nothing was appended since the last ``reset()``.
    public private(set) var isEmpty = true

    /// Appends `text`.
    public func append(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        isEmpty = false
        if buffer.count > 1 << 20 { try spillBuffer() }
    }

    /// Forgets everything appended.
    public func reset() {
        buffer.removeAll()
        if let spill { fclose(spill) }
        spill = nil
        isEmpty = true
    }

    /// Hands everything appended, in order, to `write`, in chunks of at most 64 KiB.
    public func drain(into write: ([UInt8]) throws -> Void) throws {
        if let spill {
            try spillBuffer()
            rewind(spill)
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = fread(&chunk, 1, chunk.count, spill)
                if count == 0 { break }
                try write(Array(chunk[0..<count]))
            }
        } else if !buffer.isEmpty {
            try write(buffer)
        }
        reset()
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
