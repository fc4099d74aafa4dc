#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Journal {
    /// Checks that an open file may be used as a journal: a regular file, empty or starting with a
    /// complete journal header line. Changes nothing.
    /// - Returns: the file's size.
    static func checkHead(descriptor: Int32, path: String) throws(RunRefusal) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw RunRefusal(.input, "\(path) is not a regular file; give a file path for --journal.")
        }
        guard status.st_size > 0 else { return 0 }
        var head = [UInt8](repeating: 0, count: Int(min(status.st_size, 64 * 1024)))
        let count = head.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        let line = head[..<max(0, count)].firstIndex(of: UInt8(ascii: "\n")).map { head[..<$0] }
        guard let line, case .header? = JournalEntry(json: line) else {
            throw RunRefusal(
                .input,
                "\(path) is not a billing-migrate journal (its first line is not a journal header); it was left "
                    + "untouched. Give another --journal path.")
        }
        return Int(status.st_size)
    }

    /// The replay of a journal whose last line is a `complete` record: its header and counts, read
    /// from its first and last lines only, so that re-running a finished million-row job costs
    /// nothing. `nil` when the journal does not end that way.
    static func finishedReplay(descriptor: Int32, path: String) throws(RunRefusal) -> Replay? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
        func line(at offset: off_t, length: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: length)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            return count > 0 ? Array(bytes[0..<count]) : []
        }
        let tailLength = Int(min(status.st_size, 64 * 1024))
        var tail = line(at: status.st_size - off_t(tailLength), length: tailLength)
        guard tail.last == UInt8(ascii: "\n") else { return nil }
        tail.removeLast()
        let last = tail.lastIndex(of: UInt8(ascii: "\n")).map { tail[($0 + 1)...] } ?? tail[...]
        guard case .complete(let counts)? = JournalEntry(json: last) else { return nil }
        let head = line(at: 0, length: Int(min(status.st_size, 64 * 1024)))
        guard let end = head.firstIndex(of: UInt8(ascii: "\n")),
            case .header(let header)? = JournalEntry(json: head[..<end])
        else { return nil }
        let between = Int(status.st_size) - (end + 1) - (last.count + 1)
        try checkComplete(counts, header: header, outcomeLines: nil, fileSize: between, path: path)
        var replay = Replay()
        replay.header = header
        replay.complete = counts
        return replay
    }

    /// Refuses a `complete` record that cannot be true of its journal: a count that is negative or
    /// larger than the rows, counts that do not add up to the rows, or too few outcome lines (or,
    /// when they were not read, too few bytes between the header and the record: an outcome line
    /// holds at least a customer GUID and a correlation GUID) for every row the counts say was written.
    static func checkComplete(
        _ counts: [String: Int], header: JournalEntry.Header, outcomeLines: Int?, fileSize: Int, path: String
    ) throws(RunRefusal) {
        func impossible(_ why: String) -> RunRefusal {
            RunRefusal(
                .input,
                "\(path): the journal's completion record cannot be right (\(why)); it was not written by a "
                    + "finished run of this tool. Give another --journal path.")
        }
        var total = 0
        for (outcome, count) in counts {
            guard count >= 0, count <= header.rows else {
                throw impossible("\(outcome) \(count) of \(header.rows) rows")
            }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { throw impossible("the counts overflow") }
            total = sum
        }
        guard total == header.rows else { throw impossible("the counts add up to \(total), not \(header.rows) rows") }
        // Rows refused before any request (invalid offline, repeats) have no outcome line; these do.
        let journaled = [RowResult.Outcome.applied, .unchanged, .failed, .conflict].reduce(0) {
            $0 + (counts[$1.rawValue] ?? 0)
        }
        if let outcomeLines, outcomeLines < journaled {
            throw impossible("\(journaled) rows counted, \(outcomeLines) outcomes recorded")
        }
        let (needed, overflow) = journaled.multipliedReportingOverflow(by: 80)
        guard !overflow, fileSize >= needed else {
            throw impossible("\(journaled) rows counted, but the file is too short to record them")
        }
    }

    /// Reads every entry of an open journal, cutting off a torn last line so that appends start
    /// on a line of their own.
    static func replay(descriptor: Int32, path: String, repair: Bool = true) throws(RunRefusal) -> Replay {
        var replay = Replay()
        let read = try entries(descriptor: descriptor, path: path) { replay.apply($0) }
        replay.tornLines = read.tornLines
        if read.tornTail {
            replay.tornTail = true
            guard !repair || ftruncate(descriptor, read.completeLineEnd) == 0 else {
                throw RunRefusal(
                    .input, "\(path): cannot cut the torn last line (\(String(cString: strerror(errno)))).")
            }
        }
        if let counts = replay.complete, let header = replay.header {
            try checkComplete(
                counts, header: header, outcomeLines: replay.outcomes.count, fileSize: read.size, path: path)
        }
        if read.lines > 0 || replay.tornTail, replay.header == nil,
            !replay.outcomes.isEmpty || !replay.pendingIntents.isEmpty
        {
            throw RunRefusal(.input, "\(path): the journal has no header line; give another --journal path.")
        }
        return replay
    }

    /// What ``entries(descriptor:path:_:)`` read.
    struct Read {
        /// Complete lines.
        var lines = 0
        /// Where the last complete line ends: a torn tail starts there.
        var completeLineEnd: off_t = 0
        /// The file's size.
        var size = 0
        /// Whether the file ends in a line with no line feed (a crash mid-write).
        var tornTail = false
        /// Lines that start with a torn entry and end with a whole one (``entryAfterTornWrite(_:)``).
        var tornLines: [Int] = []
    }

    /// The entry that ends `line` when the line starts with the beginning of another entry, cut
    /// short: a write that failed part-way (a full disk) and could not be cut back, after which
    /// the next write landed. The torn entry was never whole, so nothing was sent for it (an
    /// intent is written whole before its PUT); the entry after it is read. `nil` when the line
    /// does not end with a whole entry.
    static func entryAfterTornWrite(_ line: [UInt8]) -> JournalEntry? {
        let start = Array(#"{"type":""#.utf8)
        var index = line.count - start.count
        while index > 0 {
            if line[index] == start[0], line[index..<(index + start.count)].elementsEqual(start),
                let entry = JournalEntry(json: line[index...])
            {
                return entry
            }
            index -= 1
        }
        return nil
    }

    /// The one reader of a journal's lines (resume, `status` and the undo file all read through
    /// it): hands every complete line's entry to `body`, in order.
    /// - Throws: ``RunRefusal`` (`.input`) for a line that is not a journal entry, or a read error.
    static func entries(descriptor: Int32, path: String, _ body: (JournalEntry) throws(RunRefusal) -> Void)
        throws(RunRefusal) -> Read
    {
        var read = Read()
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RunRefusal(.input, "\(path): cannot read the journal (\(String(cString: strerror(errno)))).")
            }
            if count == 0 { break }
            for index in 0..<count {
                let byte = chunk[index]
                guard byte == UInt8(ascii: "\n") else {
                    line.append(byte)
                    continue
                }
                read.lines += 1
                read.completeLineEnd = offset + off_t(index) + 1
                if !line.isEmpty {
                    if let entry = JournalEntry(json: line) {
                        try body(entry)
                    } else if let entry = entryAfterTornWrite(line) {
                        read.tornLines.append(read.lines)
                        try body(entry)
                    } else {
                        throw RunRefusal(
                            .input,
                            "\(path):\(read.lines): not a journal entry; is this a billing-migrate journal? "
                                + "Give another --journal path.")
                    }
                }
                line.removeAll(keepingCapacity: true)
            }
            offset += off_t(count)
        }
        read.size = Int(offset)
        read.tornTail = !line.isEmpty
        return read
    }
}

extension Journal.Replay {
    /// What the reader passed over on ``tornLines``, for the operator; `nil` when nothing.
    public var tornLinesWarning: String? {
        guard !tornLines.isEmpty else { return nil }
        let lines = tornLines.map(String.init).joined(separator: ", ")
        return "the journal's line\(tornLines.count == 1 ? "" : "s") \(lines) began with an entry cut short by a "
            + "write that failed (a full disk, say) before the whole entry after it; the partial entry was passed "
            + "over. Nothing was sent for it: a row's intent is written whole before its write."
    }

    mutating func apply(_ entry: JournalEntry) {
        switch entry {
        case .header(let header):
            if self.header == nil { self.header = header }
            complete = nil
        case .intent(let intent):
            pendingIntents[intent.line] = intent
            outcomes[intent.line] = nil
            complete = nil
        case .outcome(let outcome):
            outcomes[outcome.line] = outcome
            pendingIntents[outcome.line] = nil
            complete = nil
        case .complete(let counts):
            complete = counts
        case .exported(let exported):
            self.exported.insert(exported.customer)
        }
    }
}
