#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive OS lock on an open journal: one process per journal. The kernel drops it when the
/// process ends, however it ends.
///
/// On Linux it is an open-file-description lock (`F_OFD_SETLK`): it belongs to the descriptor that
/// took it, so the process cannot drop it by reading the journal through another descriptor (a
/// classic `fcntl` record lock is released when *any* descriptor of the file is closed). It
/// conflicts with classic record locks, so a holder of either kind is seen.
enum JournalLock {
    #if os(Linux)
        // <fcntl.h> defines these only under _GNU_SOURCE, which Swift's Glibc module does not set.
        private static let setLock: Int32 = 37  // F_OFD_SETLK
        private static let getLock: Int32 = 36  // F_OFD_GETLK
    #else
        private static let setLock = F_SETLK
        private static let getLock = F_GETLK
    #endif

    /// Locks the whole file behind `descriptor` without waiting.
    /// - Returns: `nil` on success, else the process holding the lock (0 when unknown: an
    ///   open-file-description lock names no process).
    static func tryLock(_ descriptor: Int32) -> Int32? {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        lock.l_pid = 0
        if fcntl(descriptor, setLock, &lock) == 0 { return nil }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        if fcntl(descriptor, getLock, &probe) == 0, probe.l_type != Int16(F_UNLCK) { return max(0, probe.l_pid) }
        return 0
    }
}
