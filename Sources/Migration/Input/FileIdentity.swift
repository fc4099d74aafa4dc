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

/// Whether `path` names something other than a regular file (a pipe, a device, a socket), which
/// can be read only once. A path that does not exist is not one.
func isStream(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG
}

/// The files a command reads and writes, checked before anything is read or sent: no file it
/// writes may be one it reads or another it writes (`--report in.csv`, `--undo-file` onto the
/// journal, …), and a file it reads more than once must be a regular file, not a pipe.
public struct CommandFiles {
    private var files: [(role: String, path: String, written: Bool)] = []
    private var readMoreThanOnce: [(role: String, path: String)] = []

    public init() {}

    /// A file the command reads (the corrections file, a saved plan); `once` when a pipe will do.
    public mutating func reads(_ role: String, _ path: String?, once: Bool = false) {
        guard let path else { return }
        files.append((role, path, false))
        if !once { readMoreThanOnce.append((role, path)) }
    }

    /// A file the command writes (a report, the journal, the undo file, …).
    public mutating func writes(_ role: String, _ path: String?) {
        if let path { files.append((role, path, true)) }
    }

    /// - Throws: ``RunRefusal`` (`.input`, exit 2) naming the two options that name one file, or a
    ///   file read more than once that is a pipe or a device.
    public func checkDistinct() throws(RunRefusal) {
        for (role, path) in readMoreThanOnce where isStream(path) {
            throw RunRefusal(
                .input,
                "\(role) (\(path)) is a pipe or a device, not a file; this command reads it more than once. Save it "
                    + "to a file and give that path; nothing was read or sent.")
        }
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
