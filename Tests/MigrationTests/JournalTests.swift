import AddressRules
import Foundation
import Testing

@testable import Migration

@Suite("Journal")
struct JournalTests {
    private func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID()).jsonl").path
    }

    private let header = JournalEntry.Header(
        toolVersion: "t", inputSHA256: "abc", input: "in.csv", rows: 3, started: "now")

    @Test("entries survive a round trip through their JSON line")
    func roundTrip() throws {
        let entries: [JournalEntry] = [
            .header(header),
            .intent(
                .init(
                    line: 2, customer: "c", correlationId: "k", etag: "-42", before: [.city: "A"],
                    after: [.city: "B \"q\""])),
            .outcome(
                .init(
                    line: 2, customer: "c", outcome: .applied, correlationId: "k", status: 200, code: nil, message: nil)
            ),
            .complete(counts: ["applied": 1]),
        ]
        for entry in entries { #expect(JournalEntry(json: entry.json) == entry) }
    }

    @Test("the lock holds while the run reads its own journal (the undo file does): a second opener is refused")
    func lockSurvivesReading() async throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (journal, _) = try Journal.open(path: path)
        try await journal.append(.header(header))
        var read = 0
        try Journal.forEachEntry(path: path) { _ in read += 1 }
        #expect(read == 1)
        #expect {
            _ = try Journal.open(path: path)
        } throws: { error in
            (error as? RunRefusal)?.kind == .unavailable && "\(error)".contains("is in use by")
        }
        withExtendedLifetime(journal) {}
    }

    @Test("appends are durable, the file is 0600, and a replay sees outcomes and writes in doubt")
    func appendAndReplay() async throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let (journal, replay) = try Journal.open(path: path)
            #expect(replay.header == nil)
            try await journal.append(.header(header))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for line in 2...40 {
                    group.addTask {
                        try await journal.append(
                            .intent(
                                .init(
                                    line: line, customer: "c\(line)", correlationId: "k", etag: nil, before: [:],
                                    after: [:])))
                        if line != 7 {
                            try await journal.append(
                                .outcome(
                                    .init(
                                        line: line, customer: "c\(line)", outcome: .applied, correlationId: nil,
                                        status: nil, code: nil, message: nil)))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let replay = try Journal.read(path: path)
        #expect(replay.header == header)
        #expect(replay.outcomes.count == 38)
        #expect(Array(replay.pendingIntents.keys) == [7])
    }

    @Test("a torn last line is cut off and the next append starts on a line of its own")
    func tornTail() async throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = String(decoding: JournalEntry.header(header).json, as: UTF8.self) + "\n{\"type\":\"outco"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (journal, replay) = try Journal.open(path: path)
        #expect(replay.tornTail)
        let outcome = JournalEntry.Outcome(
            line: 2, customer: "c", outcome: .applied, correlationId: nil, status: 200, code: nil, message: nil)
        try await journal.append(.outcome(outcome))
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(try Journal.read(path: path).outcomes[2] == outcome)
    }

    @Test(
        "a line torn in the middle (a write cut short by a full disk, then the next one landed) is passed over, and said"
    )
    func tornMiddleLine() async throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let intent = JournalEntry.intent(
            .init(line: 2, customer: "c2", correlationId: "k", etag: "e", before: [.city: "A"], after: [.city: "B"]))
        let outcome = JournalEntry.outcome(
            .init(line: 3, customer: "c3", outcome: .applied, correlationId: nil, status: 200, code: nil, message: nil))
        let later = JournalEntry.outcome(
            .init(line: 4, customer: "c4", outcome: .failed, correlationId: nil, status: 404, code: nil, message: nil))
        let torn = intent.json.prefix(intent.json.count / 2)
        let bytes =
            JournalEntry.header(header).json + [10] + torn + outcome.json + [10] + later.json + [10]
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let replay = try Journal.read(path: path)
        #expect(replay.tornLines == [2])
        #expect(replay.outcomes[3] != nil && replay.outcomes[4] != nil, "the entries after the torn one are read")
        #expect(replay.pendingIntents.isEmpty, "the torn intent was never whole, so no write followed it")
        let status = try JournalStatus(path: path)
        #expect(status.description.contains("repaired the journal's line 2 began with an entry cut short"))
        let (_, resumed) = try Journal.open(path: path)
        #expect(resumed.tornLines == [2] && resumed.outcomes.count == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes), "reading changes nothing")
        // A line that does not end with a whole entry is still refused.
        try Data(JournalEntry.header(header).json + [10] + torn + [10]).write(to: URL(fileURLWithPath: path))
        #expect(throws: RunRefusal.self) { try Journal.read(path: path) }
    }

    @Test("a file that is not a journal, even one line without a newline, is refused and left untouched")
    func notAJournalUntouched() throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = #"{"important":"user config"}"#
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RunRefusal.self) { try Journal.open(path: path) }
        #expect(throws: RunRefusal.self) { try Journal.read(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test("an existing empty file is made 0600 before anything is written to it")
    func emptyFileMadePrivate() throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        _ = try Journal.open(path: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }

    @Test("a journal is never opened through a symbolic link, dangling or not")
    func symbolicLink() throws {
        let link = path()
        let target = path()
        defer { try? FileManager.default.removeItem(atPath: link) }
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: RunRefusal.self) { try Journal.open(path: link) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test(
        "an impossible completion record is refused by apply and status alike",
        arguments: [
            #"{"type":"complete","counts":{"applied":9223372036854775807,"failed":9223372036854775807}}"#,
            #"{"type":"complete","counts":{}}"#,
            #"{"type":"complete","counts":{"applied":3}}"#,
            #"{"type":"complete","counts":{"applied":-1,"failed":4}}"#,
        ])
    func impossibleComplete(line: String) throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = String(decoding: JournalEntry.header(header).json, as: UTF8.self) + "\n" + line + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RunRefusal.self) { try Journal.open(path: path) }
        #expect(throws: RunRefusal.self) { try Journal.open(path: path, replayOutcomes: true) }
        #expect(throws: RunRefusal.self) { try Journal.read(path: path) }
    }

    @Test("a file that is not a journal is refused with its line")
    func notAJournal() throws {
        let path = path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "customerId,city\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: RunRefusal.self) { try Journal.open(path: path) }
    }

    @Test("results come out in file order whatever order they finish in")
    func ordering() {
        var ordered = OrderedResults()
        func result(_ line: Int) -> RowResult { RowResult(line: line, customerId: "", outcome: .valid) }
        #expect(ordered.add(2, result(4)).isEmpty)
        #expect(ordered.add(1, result(3)).isEmpty)
        #expect(ordered.add(0, result(2)).map(\.line) == [2, 3, 4])
        #expect(ordered.add(3, result(5)).map(\.line) == [5])
    }
}
