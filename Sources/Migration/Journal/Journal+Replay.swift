#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Journal {
    /// The replay of a journal whose last line is a `complete` record: its header and counts, read
    /// from its first and last lines only, so that re-running a finished million-row job costs
    /// nothing. `nil` when the journal does not end that way.
    static func finishedReplay(descriptor: Int32) -> Replay? {
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
        var replay = Replay()
        replay.header = header
        replay.complete = counts
        return replay
    }

    /// Reads every entry of an open journal, cutting off a torn last line so that appends start
    /// on a line of their own.
    static func replay(descriptor: Int32, path: String, repair: Bool = true) throws(RunRefusal) -> Replay {
        var replay = Replay()
        var line: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        var completeLineEnd: off_t = 0
        var lineNumber = 0
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
                lineNumber += 1
                completeLineEnd = offset + off_t(index) + 1
                if !line.isEmpty {
                    guard let entry = JournalEntry(json: line) else {
                        throw RunRefusal(
                            .input,
                            "\(path):\(lineNumber): not a journal entry; is this a billing-migrate journal? "
                                + "Give another --journal path.")
                    }
                    replay.apply(entry)
                }
                line.removeAll(keepingCapacity: true)
            }
            offset += off_t(count)
        }
        if !line.isEmpty {
            replay.tornTail = true
            guard !repair || ftruncate(descriptor, completeLineEnd) == 0 else {
                throw RunRefusal(
                    .input, "\(path): cannot cut the torn last line (\(String(cString: strerror(errno)))).")
            }
        }
        if lineNumber > 0 || replay.tornTail, replay.header == nil,
            !replay.outcomes.isEmpty || !replay.pendingIntents.isEmpty
        {
            throw RunRefusal(.input, "\(path): the journal has no header line; give another --journal path.")
        }
        return replay
    }
}

extension Journal.Replay {
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
        }
    }
}
