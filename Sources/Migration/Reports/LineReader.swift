import Foundation

/// Reads a file one line at a time (the tool's own JSON Lines files: plans and journals).
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var pointer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// Opens `path`; `nil` when it cannot be read (`errno` says why).
    init?(path: String) {
        guard let file = fopen(path, "rb") else { return nil }
        self.file = file
    }

    deinit {
        free(pointer)
        fclose(file)
    }

    /// The next line, with its line feed when it has one; `nil` at the end.
    func next() -> [UInt8]? {
        let count = getline(&pointer, &capacity, file)
        guard count > 0, let pointer else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }
}
