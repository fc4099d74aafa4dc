import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which file a path names: its device and inode when it exists (so two spellings, a hard link
/// or a symbolic link to it are the same file), else its resolved absolute path.
struct FileIdentity: Hashable {
    private enum Key: Hashable {
        case node(device: UInt64, inode: UInt64)
        case path(String)
    }

    private let key: Key

    init(path: String) {
        var status = stat()
        if stat(path, &status) == 0 {
            key = .node(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
            return
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path
        key = .path(folder + "/" + url.lastPathComponent)
    }
}

/// The files a command reads and writes, checked before anything is read or sent: no file it
/// writes may be one it reads or another it writes (`--report in.csv`, `--undo-file` onto the
/// journal, …).
public struct CommandFiles {
    private var files: [(role: String, path: String, written: Bool)] = []

    public init() {}

    /// A file the command reads (the corrections file, a saved plan).
    public mutating func reads(_ role: String, _ path: String?) {
        if let path { files.append((role, path, false)) }
    }

    /// A file the command writes (a report, the journal, the undo file, …).
    public mutating func writes(_ role: String, _ path: String?) {
        if let path { files.append((role, path, true)) }
    }

    /// - Throws: ``RunRefusal`` (`.input`, exit 2) naming the two options that name one file.
    public func checkDistinct() throws(RunRefusal) {
        var seen: [FileIdentity: (role: String, path: String, written: Bool)] = [:]
        for file in files {
            let identity = FileIdentity(path: file.path)
            if let other = seen[identity], file.written || other.written {
                throw RunRefusal(
                    .input,
                    "\(other.role) and \(file.role) name the same file (\(file.path)); writing one would destroy "
                        + "the other. Give each its own path; nothing was read or sent.")
            }
            if seen[identity] == nil { seen[identity] = file }
        }
    }
}
