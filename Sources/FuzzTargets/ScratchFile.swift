#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file holding the fuzz input, for the readers that read only from a path (as the
/// tool does); removed when released. Each one has a name of its own, so that tests may run the
/// targets in parallel.
final class ScratchFile {
    let path: String

    init(_ bytes: [UInt8]) {
        let directory = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(directory)/billing-migrate-fuzz.XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { fatalError("cannot create a scratch file in \(directory): \(Self.reason())") }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { fatalError("cannot write \(path): \(Self.reason())") }
            offset += written
        }
    }

    deinit {
        unlink(path)
    }

    /// The file's bytes as they are now.
    func contents() -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { fatalError("cannot open \(path): \(Self.reason())") }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { fatalError("cannot read \(path): \(Self.reason())") }
            if count == 0 { return contents }
            contents += buffer[0..<count]
        }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
