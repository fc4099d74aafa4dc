#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file of customer data, written whole or not at all: created mode 0600 beside its final
/// path, buffered, and renamed into place by ``commit()``. Dropped without a commit, it leaves
/// nothing behind.
public final class PrivateFile {
    /// Where the file ends up.
    public let path: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var committed = false

    /// Creates the file's temporary twin.
    /// - Throws: ``FileError`` when it cannot be created.
    public init(path: String) throws(FileError) {
        self.path = path
        self.temporaryPath = path + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError(path: path, action: "create", errno: errno) }
        fchmod(descriptor, 0o600)
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
    }

    /// Appends text.
    public func write(_ text: String) throws(FileError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends bytes.
    public func write(bytes: [UInt8]) throws(FileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes out the buffer, syncs, and moves the file into place.
    public func commit() throws(FileError) {
        try flush()
        guard fsync(descriptor) == 0 else { throw FileError(path: path, action: "sync", errno: errno) }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else { throw FileError(path: path, action: "rename", errno: errno) }
        committed = true
    }

    private func flush() throws(FileError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in
                SystemCalls.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, action: "write", errno: errno)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A file that could not be created, written or moved into place.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let action: String
    public let reason: String

    init(path: String, action: String, errno code: Int32) {
        self.path = path
        self.action = action
        self.reason = String(cString: strerror(code))
    }

    public var description: String {
        "\(path): cannot \(action) the file (\(reason)); check that its folder exists and is writable."
    }
}
