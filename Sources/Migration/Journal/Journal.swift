import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The write-ahead journal of `apply`: append-only JSON Lines, created 0600, locked for one
/// process. An intent is durable (fsync) before its PUT leaves, an outcome once the answer is in.
///
/// Appends are group-committed: whoever appends while a flush is under way joins the next one, so
/// one `fsync` serves every row that finished meanwhile, and no append returns before its line
/// is on disk.
public actor Journal {
    /// What an existing journal says.
    public struct Replay: Sendable {
        public var header: JournalEntry.Header?
        /// The last outcome of each line.
        public var outcomes: [Int: JournalEntry.Outcome] = [:]
        /// Intents with no outcome after them: PUTs that may or may not have landed.
        public var pendingIntents: [Int: JournalEntry.Intent] = [:]
        /// The counts of the last run, when it finished every row.
        public var complete: [String: Int]?
        /// Whether a torn last line was found (and cut off).
        public var tornTail = false
        /// Lines that held an entry cut short by a failed write, before the whole entry read from
        /// them (``Journal/entryAfterTornWrite(_:)``).
        public var tornLines: [Int] = []
        /// `export`: the customers whose rows are in the journal.
        public var exported: Set<String> = []
    }

    public nonisolated let path: String
    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    private var flushing = false
    /// A flush of entries nobody waited for (``record(_:)``) failed: the next call throws it.
    private var failure: RunRefusal?
    private let queue = DispatchQueue(label: "billing-migrate.journal")

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Opens `path` (creating it, mode 0600), takes its lock, cuts a torn last line, and replays it.
    ///
    /// A file is only ever opened as a journal: an existing one must be empty (it is then made
    /// 0600) or start with this tool's journal header, and a symbolic link is never followed (it
    /// could point anywhere, or create a file there). Anything else is refused untouched.
    /// - Throws: ``RunRefusal``: `.unavailable` when another process holds it, `.input` when it cannot be
    ///   read or written, or is not a journal.
    /// - Parameter replayOutcomes: read every outcome even of a finished journal (to reproduce its
    ///   reports); otherwise a finished journal is answered from its first and last lines.
    public static func open(path: String, replayOutcomes: Bool = false) throws(RunRefusal) -> (Journal, Replay) {
        let descriptor = SystemCalls.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw openFailure(path) }
        do throws(RunRefusal) {
            if try checkHead(descriptor: descriptor, path: path) == 0, fchmod(descriptor, 0o600) != 0 {
                throw RunRefusal(
                    .input, "\(path): cannot make the journal private (\(String(cString: strerror(errno)))).")
            }
        } catch {
            close(descriptor)
            throw error
        }
        if let holder = JournalLock.tryLock(descriptor) {
            close(descriptor)
            let who = holder > 0 ? "process \(holder)" : "another process"
            throw RunRefusal(
                .unavailable, "\(path) is in use by \(who); wait for it to finish (or stop it), then run again.")
        }
        do {
            let replay: Replay
            if !replayOutcomes, let finished = try finishedReplay(descriptor: descriptor, path: path) {
                replay = finished
            } else {
                replay = try self.replay(descriptor: descriptor, path: path)
            }
            return (Journal(path: path, descriptor: descriptor), replay)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Reads a journal without locking or changing it (for `status`).
    /// - Throws: ``RunRefusal`` (`.input`) when it cannot be read or is not a journal.
    public static func read(path: String) throws(RunRefusal) -> Replay {
        try reading(path) { descriptor throws(RunRefusal) in
            try replay(descriptor: descriptor, path: path, repair: false)
        }
    }

    /// Whether the file at `path` starts with a journal's header line (of any command): an output
    /// must never be written over one.
    public static func isJournal(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let start = try? handle.read(upToCount: 64 * 1024),
            let line = start.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first,
            case .header = JournalEntry(json: line)
        else { return false }
        return true
    }

    /// Hands every complete entry of the journal at `path` to `body`, in order, without locking or
    /// changing it (for the undo file).
    /// - Throws: ``RunRefusal`` (`.input`) when it cannot be read or is not a journal.
    static func forEachEntry(path: String, _ body: (JournalEntry) throws(RunRefusal) -> Void) throws(RunRefusal) {
        try reading(path) { descriptor throws(RunRefusal) in _ = try entries(descriptor: descriptor, path: path, body) }
    }

    /// Opens `path` read-only as a journal (never through a symbolic link, its first line checked).
    private static func reading<T>(_ path: String, _ body: (Int32) throws(RunRefusal) -> T) throws(RunRefusal) -> T {
        let descriptor = SystemCalls.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw openFailure(path) }
        defer { close(descriptor) }
        _ = try checkHead(descriptor: descriptor, path: path)
        return try body(descriptor)
    }

    private static func openFailure(_ path: String) -> RunRefusal {
        if errno == ELOOP {
            return RunRefusal(
                .input, "\(path) is a symbolic link; a journal is never opened through one. Give its real path.")
        }
        return RunRefusal(.input, "\(path): cannot open the journal (\(String(cString: strerror(errno)))).")
    }

    /// Appends `entry` and returns once it is on disk.
    public func append(_ entry: JournalEntry) async throws {
        pending += entry.json
        pending.append(UInt8(ascii: "\n"))
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiters.append(continuation)
            if !flushing { startFlush() }
        }
    }

    /// Queues `entry` for the next flush without waiting for it to reach the disk: for `export`'s
    /// rows, which a crash can only cost a second read. ``synced()`` waits for every one.
    /// - Throws: the error of an earlier flush.
    public func record(_ entry: JournalEntry) throws {
        if let failure { throw failure }
        pending += entry.json
        pending.append(UInt8(ascii: "\n"))
        if !flushing { startFlush() }
    }

    /// Returns once every entry queued so far is on disk.
    /// - Throws: the error of a flush since the journal was opened.
    public func synced() async throws {
        if let failure { throw failure }
        guard flushing || !pending.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiters.append(continuation)
            if !flushing { startFlush() }
        }
    }

    private func startFlush() {
        flushing = true
        let bytes = pending
        let batch = waiters
        pending = []
        waiters = []
        let descriptor = self.descriptor
        let path = self.path
        queue.async {
            let error = Self.writeAndSync(bytes, descriptor: descriptor, path: path)
            Task { await self.finishFlush(batch, error: error) }
        }
    }

    private func finishFlush(_ batch: [CheckedContinuation<Void, any Error>], error: RunRefusal?) {
        if let error, failure == nil { failure = error }
        for waiter in batch {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
        flushing = false
        if !waiters.isEmpty { startFlush() }
    }

    /// Writes `bytes` at the end and syncs them. A write that fails part-way (a full disk) is cut
    /// back to where it began, so the journal keeps ending with whole lines.
    private static func writeAndSync(_ bytes: [UInt8], descriptor: Int32, path: String) -> RunRefusal? {
        let start = lseek(descriptor, 0, SEEK_END)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                if start >= 0, offset > 0 { _ = ftruncate(descriptor, start) }
                return RunRefusal(.input, "\(path): cannot write the journal (\(reason)).")
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            return RunRefusal(.input, "\(path): cannot sync the journal (\(String(cString: strerror(errno)))).")
        }
        return nil
    }
}
