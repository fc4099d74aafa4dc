#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Journal {
    /// Reads every entry of an open journal, cutting off a torn last line so that appends start
    /// on a line of their own.
    static func replay(descriptor: Int32, path: String, repair: Bool = true) throws(JournalError) -> Replay {
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
                throw JournalError(.unusable, "\(path): cannot read the journal (\(String(cString: strerror(errno)))).")
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
                        throw JournalError(
                            .unusable,
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
                throw JournalError(
                    .unusable, "\(path): cannot cut the torn last line (\(String(cString: strerror(errno)))).")
            }
        }
        if lineNumber > 0 || replay.tornTail, replay.header == nil,
            !replay.outcomes.isEmpty || !replay.pendingIntents.isEmpty
        {
            throw JournalError(.unusable, "\(path): the journal has no header line; give another --journal path.")
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
