#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The corrections file as it was when the run started, for every read of the run: a descriptor
/// opened once and held to the end, and a path that opens that same file again
/// (`/proc/self/fd/N`). The run reads its input several times (the survey and its SHA-256, the
/// `--max-changes` dry run, the rows, `--failed-rows`); a file replaced meanwhile (Excel and sync
/// clients save by writing a new file and renaming it over the old one) is not read: every read
/// is of the content the journal header's SHA-256 and `--max-changes` were computed from.
final class PinnedInput: Sendable {
    /// The path every read of the run opens.
    let path: String
    private let descriptor: Int32

    /// Opens `path`; `nil` when it cannot be opened (the reads then report why, by its own name).
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
        #if os(Linux)
            self.path = "/proc/self/fd/\(descriptor)"
        #else
            self.path = "/dev/fd/\(descriptor)"
        #endif
    }

    deinit { close(descriptor) }
}
