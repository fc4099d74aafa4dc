#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive OS lock (`fcntl` record lock) on an open journal: one process per journal. The
/// kernel drops it when the process ends, however it ends.
enum JournalLock {
    /// Locks the whole file behind `descriptor` without waiting.
    /// - Returns: `nil` on success, else the process holding the lock (0 when unknown).
    static func tryLock(_ descriptor: Int32) -> Int32? {
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 0
        if fcntl(descriptor, F_SETLK, &lock) == 0 { return nil }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        if fcntl(descriptor, F_GETLK, &probe) == 0, probe.l_type != Int16(F_UNLCK) { return probe.l_pid }
        return 0
    }
}
