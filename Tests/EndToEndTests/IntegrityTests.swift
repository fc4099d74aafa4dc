import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

/// Nothing overwritten, nothing lost: the write path and the files the tool touches, run as a
/// user runs it against a Partner Center stand-in that misbehaves.
@Suite("Integrity of the write path and the files, run as a user runs them", .serialized)
struct IntegrityTests {
    @Test("a profile served without an ETag is failed with a clear message and never written")
    func noETag() async throws {
        let ids = try await WireFidelityTests.generatedIds(3)
        let fixture = try await SimulatorFixture.start(rows: 3) { $0.profilesWithoutETag = [ids[0]] }
        defer { Task { await fixture.stop() } }
        let output = try await fixture.run(["apply", fixture.input, "--journal", fixture.journal])
        #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
        #expect(output.summaryCount("failed") == 1)
        #expect(output.summaryCount("applied") == 2)
        #expect(output.stdout.contains("without an ETag"))
        let stats = await fixture.simulator.stats()
        #expect(stats.writesPerCustomer[ids[0]] == nil)
        #expect(stats.count("PUT /v1/customers/{id}/profiles/billing") == 2)
        let journal = try String(contentsOfFile: fixture.journal, encoding: .utf8)
        #expect(!journal.contains("\"etag\":null"))
    }
}
