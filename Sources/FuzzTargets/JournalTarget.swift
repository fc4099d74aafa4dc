import Migration

extension FuzzTargets {
    /// The journal reader over the bytes: each line as `JournalEntry(json:)` reads it, then the
    /// whole file as `status` reads it (`Journal.read(path:)`) and as `apply --journal` resumes it
    /// (`Journal.open(path:)`, which cuts a torn last line).
    ///
    /// An entry read from a line must write back as a line that reads as the same entry. `status`
    /// must not change the file. A journal that `status` reads, `apply` resumes with the same
    /// header and counts, and, unless it took the shortcut for a finished journal (first and last
    /// lines only), the same outcomes and writes in doubt; afterwards the file is what it was
    /// without its torn last line, and reads the same.
    static func checkJournal(_ bytes: [UInt8]) throws(InvariantViolation) {
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard let entry = JournalEntry(json: line) else { continue }
            let written = entry.json
            try require(
                JournalEntry(json: written) == entry,
                "\(entry) writes as \(String(decoding: written, as: UTF8.self)), which reads as "
                    + "\(JournalEntry(json: written).map { "\($0)" } ?? "no entry")")
        }

        let file = ScratchFile(bytes)
        let status: Journal.Replay
        do {
            status = try Journal.read(path: file.path)
        } catch {
            try require(file.contents() == bytes, "status changed a journal it refused")
            return
        }
        try require(file.contents() == bytes, "status changed the journal")

        let resumed: Journal.Replay
        do {
            // The journal is closed (and unlocked) as soon as it is released.
            resumed = try Journal.open(path: file.path).1
        } catch {
            throw InvariantViolation(message: "status reads the journal, but resuming it fails: \(error)")
        }
        try require(resumed.header == status.header, "resuming reads another header than status")
        try require(resumed.complete == status.complete, "resuming reads other final counts than status")
        if resumed.complete == nil || !resumed.outcomes.isEmpty || !resumed.pendingIntents.isEmpty {
            try require(
                resumed.outcomes == status.outcomes && resumed.pendingIntents == status.pendingIntents
                    && resumed.tornTail == status.tornTail,
                "resuming reads other rows than status")
        }

        let kept = bytes[..<(bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0)]
        let repaired = file.contents()
        try require(
            repaired == (status.tornTail ? Array(kept) : bytes),
            "resuming left \(repaired.count) of \(bytes.count) bytes (torn tail: \(status.tornTail))")
        guard status.tornTail else { return }
        let again: Journal.Replay
        do {
            again = try Journal.read(path: file.path)
        } catch {
            throw InvariantViolation(message: "status refuses the journal once resuming cut its torn tail: \(error)")
        }
        try require(
            !again.tornTail && again.header == status.header && again.complete == status.complete
                && again.outcomes == status.outcomes && again.pendingIntents == status.pendingIntents,
            "the journal reads differently once resuming cut its torn tail")
    }
}
