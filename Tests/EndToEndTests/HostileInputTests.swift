import Foundation
import PartnerCenterSimulator
import Testing

/// Hostile input, run as a user runs it: options at and past their bounds, empty files, a service
/// that refuses connections or fails at the start. Each ends with a clear message and its exit code.
@Suite("Hostile input, run as a user runs it", .serialized)
struct HostileInputTests {
    @Test(
        "--deadline: every value outside 0 to 30 days is a usage error, never a crash",
        arguments: ["inf", "nan", "1e300", "1e18", "99999999999999999999", "9223372036854775807s", "31d", "-5", "1x"])
    func deadlineOutOfRange(value: String) throws {
        let output = try ToolRunner.run([
            "plan", ToolRunner.sample("corrections-valid.csv"), "--sandbox", "--deadline=\(value)",
        ])
        #expect(output.status == 2, "\(value): \(output.stderr)")
        #expect(output.stderr.contains("--deadline"), "\(value): \(output.stderr)")
    }

    @Test("--deadline 0 and 0s alike stop before the first row, resumable", arguments: ["0", "0s"])
    func deadlineZero(value: String) throws {
        let folder = try temporaryDirectory()
        let output = try ToolRunner.run([
            "apply", ToolRunner.sample("corrections-valid.csv"), "--sandbox", "--deadline", value, "--journal",
            folder.appendingPathComponent("j").path, "--report", folder.appendingPathComponent("r.json").path,
        ])
        #expect(output.status == 3, "\(output.stderr)")
        let rows = try readReport(folder.appendingPathComponent("r.json").path)["rows"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["outcome"] as? String == "not-started" })
    }

    @Test(
        "numeric options at their bounds: inside accepted, outside a usage error naming the option",
        arguments: [
            (["sandbox", "--customers", "1000001", "--port", "0"], "--customers"),
            (["sandbox", "--customers=-1", "--port", "0"], "--customers"),
            (["sandbox", "--latency-ms", "600001", "--port", "0"], "--latency-ms"),
            (["sandbox", "--port", "65536"], "--port"),
            (["plan", "in.csv", "--concurrency", "0"], "--concurrency"),
            (["plan", "in.csv", "--concurrency", "257"], "--concurrency"),
            (["plan", "in.csv", "--max-attempts", "21"], "--max-attempts"),
            (["plan", "in.csv", "--rate-limit", "0"], "--rate-limit"),
            (["plan", "in.csv", "--rate-limit", "1e300"], "--rate-limit"),
            (["apply", "in.csv", "--journal", "j", "--max-changes", "-1"], "--max-changes"),
        ])
    func numericBounds(arguments: [String], option: String) throws {
        let output = try ToolRunner.run(arguments)
        #expect(output.status == 2, "\(arguments): \(output.stderr)")
        #expect(output.stderr.contains(option), "\(arguments): \(output.stderr)")
    }

    @Test("an empty (0-byte) corrections file is exit 2: it has no header")
    func emptyFile() throws {
        let path = try temporaryDirectory().appendingPathComponent("empty.csv").path
        FileManager.default.createFile(atPath: path, contents: Data())
        for command in [["validate", path], ["plan", path, "--sandbox"]] {
            let output = try ToolRunner.run(command)
            #expect(output.status == 2, "\(command): \(output.stderr)")
            #expect(output.stderr.contains("the file is empty"), "\(command): \(output.stderr)")
        }
    }

    @Test("a refused connection says nothing was sent; exit 3")
    func connectionRefused() throws {
        let output = try ToolRunner.run(
            [
                "plan", ToolRunner.sample("corrections-valid.csv"), "--endpoint", "http://127.0.0.1:1",
                "--max-attempts", "1",
            ],
            environment: SimulatorFixture.environment)
        #expect(output.status == 3, "\(output.stderr)")
        #expect(output.stderr.contains("could not reach Partner Center"))
        #expect(!output.stderr.contains("may have been received"))
    }

    @Test("an outage at the preflight ends the run before any row (exit 3)")
    func preflightOutage() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3) { $0.faults.serverErrorRate = 1 }
        defer { Task { await fixture.stop() } }
        let output = try await fixture.run(["plan", fixture.input, "--max-attempts", "1"])
        #expect(output.status == 3, "\(output.stderr)")
        #expect(output.stderr.contains("Partner Center is failing"))
        #expect(await fixture.simulator.stats().count("GET /v1/customers/{id}/profiles/billing") == 0)
    }
}
