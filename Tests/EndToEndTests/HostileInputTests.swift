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
    func deadlineOutOfRange(value: String) async throws {
        let output = try await ToolRunner.run([
            "plan", ToolRunner.sample("corrections-valid.csv"), "--sandbox", "--deadline=\(value)",
        ])
        #expect(output.status == 2, "\(value): \(output.stderr)")
        #expect(output.stderr.contains("--deadline"), "\(value): \(output.stderr)")
    }

    @Test("--deadline 0 and 0s alike stop before the first row, resumable", arguments: ["0", "0s"])
    func deadlineZero(value: String) async throws {
        let folder = try temporaryDirectory()
        let output = try await ToolRunner.run([
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
    func numericBounds(arguments: [String], option: String) async throws {
        let output = try await ToolRunner.run(arguments)
        #expect(output.status == 2, "\(arguments): \(output.stderr)")
        #expect(output.stderr.contains(option), "\(arguments): \(output.stderr)")
    }

    @Test("an empty (0-byte) corrections file is exit 2: it has no header")
    func emptyFile() async throws {
        let path = try temporaryDirectory().appendingPathComponent("empty.csv").path
        FileManager.default.createFile(atPath: path, contents: Data())
        for command in [["validate", path], ["plan", path, "--sandbox"]] {
            let output = try await ToolRunner.run(command)
            #expect(output.status == 2, "\(command): \(output.stderr)")
            #expect(output.stderr.contains("the file is empty"), "\(command): \(output.stderr)")
        }
    }

    /// The peak resident memory of a running process, in bytes (Linux's `VmHWM`).
    private static func peakMemory(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
        return try #require(kilobytes, "no VmHWM in /proc/\(pid)/status") * 1024
    }

    @Test("a 1 GB line without a newline, streamed through a FIFO, is validated in bounded memory; its row fails")
    func gigabyteLine() async throws {
        let fifo = try temporaryDirectory().appendingPathComponent("corrections.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let running = try ToolRunner.start(["validate", fifo])
        let pid = running.process.processIdentifier
        // Written on a thread of its own; the peak is read while the tool still waits for the end.
        let (written, peak): (Int, Result<Int, any Error>) = await withCheckedContinuation { continuation in
            Thread {
                let fd = open(fifo, O_WRONLY)
                var total = 0
                func send(_ bytes: [UInt8]) {
                    bytes.withUnsafeBytes { buffer in
                        var offset = 0
                        while offset < buffer.count {
                            let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                            if count <= 0 { return }
                            offset += count
                        }
                        total += offset
                    }
                }
                send(
                    Array(
                        ("customerId,city\n11111111-1111-1111-1111-111111111111,Oslo\n"
                            + "22222222-2222-2222-2222-222222222222,").utf8))
                let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
                for _ in 0..<1024 { send(block) }
                let peak = Result { try Self.peakMemory(of: pid) }
                close(fd)
                continuation.resume(returning: (total, peak))
            }.start()
        }
        #expect(written > 1 << 30)
        let output = await running.finish()
        let peakBytes = try peak.get()
        #expect(peakBytes < 128 << 20, "peak resident memory \(peakBytes >> 20) MiB while reading a 1 GiB line")
        #expect(output.status == 1, "\(output.stderr)")
        #expect(output.stdout.contains("line 3: error [field-too-large]"), "\(output.stdout)")
        #expect(!output.stdout.contains("line 2: error"), "\(output.stdout)")
    }

    @Test("plan and apply refuse a pipe as the corrections file (they read it more than once): exit 2, nothing read")
    func pipeInput() async throws {
        let folder = try temporaryDirectory()
        let fifo = folder.appendingPathComponent("corrections.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for command in [["plan", fifo, "--sandbox"], ["apply", fifo, "--sandbox", "--journal", folder.path + "/j"]] {
            let output = try await ToolRunner.run(command)
            #expect(output.status == 2, "\(command): \(output.stderr)")
            #expect(output.stderr.contains("is a pipe or a device"), "\(command): \(output.stderr)")
        }
    }

    @Test("a refused connection says nothing was sent; exit 3")
    func connectionRefused() async throws {
        let output = try await ToolRunner.run(
            [
                "plan", ToolRunner.sample("corrections-valid.csv"), "--endpoint", "http://127.0.0.1:1",
                "--max-attempts", "1",
            ],
            environment: SimulatorFixture.environment)
        #expect(output.status == 3, "\(output.stderr)")
        #expect(output.stderr.contains("could not reach Partner Center"))
        #expect(!output.stderr.contains("may have been received"))
    }

    @Test("an outage at the preflight ends the run before any row is written or listed (exit 3)")
    func preflightOutage() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3) { $0.faults.serverErrorRate = 1 }
        try await stopping(fixture) {
            let output = try await fixture.run(["plan", fixture.input, "--max-attempts", "1"])
            #expect(output.status == 3, "\(output.stderr)")
            #expect(output.stderr.contains("Partner Center is failing"))
            #expect(output.stderr.contains("Nothing was written for any row"), "\(output.stderr)")
            #expect(!output.stdout.contains("line "), "rows read beside the preflight are not listed: \(output.stdout)")
            let folder = fixture.folder
            let applied = try await fixture.run([
                "apply", fixture.input, "--journal", fixture.journal, "--max-attempts", "1", "--report",
                folder.appendingPathComponent("r.html").path,
            ])
            #expect(applied.status == 3, "\(applied.stderr)")
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(!left.contains { $0.contains(".partial-") }, "\(left)")
            #expect(!FileManager.default.fileExists(atPath: fixture.journal), "an empty journal was left behind")
        }
    }

    /// Every file under `folder` and the output, as one text.
    private static func everything(_ output: ToolRunner.Output, _ folder: URL) throws -> String {
        var text = output.stdout + output.stderr
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            text += (try? String(contentsOfFile: folder.appendingPathComponent(name).path, encoding: .utf8)) ?? ""
        }
        return text
    }

    @Test("a service that echoes the Authorization header: no token in any output, journal or report")
    func echoedToken() async throws {
        let token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token-value.signature"
        let fixture = try await SimulatorFixture.start(rows: 3) {
            $0.faults.serverErrorRate = 1
            $0.echoSecrets = true
            $0.staticTokens = [token]
        }
        try await stopping(fixture) {
            let folder = fixture.folder
            let output = try await ToolRunner.start(
                [
                    "apply", fixture.input, "--journal", folder.appendingPathComponent("run.journal").path,
                    "--max-attempts", "1", "--report", folder.appendingPathComponent("r.json").path, "--report",
                    folder.appendingPathComponent("r.html").path, "--log-level", "trace",
                ] + fixture.connection, environment: ["PARTNER_CENTER_ACCESS_TOKEN": token]
            ).finish()
            #expect(output.status != 0)
            let all = try Self.everything(output, folder)
            #expect(output.stderr.contains("Authorization: Bearer [redacted]"), "\(output.stderr)")
            #expect(!all.contains("secret-token-value"), "the token leaked")
        }
    }

    @Test("a token endpoint that echoes the form: neither the client secret nor the refresh token shows")
    func echoedForm() async throws {
        let fixture = try await SimulatorFixture.start(rows: 2) {
            $0.echoSecrets = true
            $0.refreshToken = "the-real-refresh-token"
        }
        try await stopping(fixture) {
            let credentials = [
                "PARTNER_CENTER_TENANT_ID": "contoso.onmicrosoft.com", "PARTNER_CENTER_CLIENT_ID": "app",
                "PARTNER_CENTER_CLIENT_SECRET": "wrong-secret-Xy~9.z",
                "PARTNER_CENTER_REFRESH_TOKEN": "refresh-token-Ab12~.",
            ]
            let output = try await ToolRunner.start(
                ["plan", fixture.input, "--authority", fixture.simulator.baseURL, "--log-level", "trace"]
                    + fixture.connection, environment: credentials
            ).finish()
            #expect(output.status == 3, "\(output.stderr)")
            #expect(output.stderr.contains("Invalid client secret"), "\(output.stderr)")
            for secret in [
                "wrong-secret-Xy~9.z", "wrong-secret-Xy%7E9.z", "refresh-token-Ab12~.", "refresh-token-Ab12%7E.",
            ] {
                #expect(!(output.stdout + output.stderr).contains(secret), "\(secret) leaked")
            }
        }
    }

    @Test("a token that is not a header value, or a tenant that is not an ID, is a usage error that shows neither")
    func badCredentials() async throws {
        let bad = "{\n  \"access_token\": \"eyJ-secret-part\"\n}"
        let output = try await ToolRunner.run(
            ["plan", ToolRunner.sample("corrections-valid.csv")], environment: ["PARTNER_CENTER_ACCESS_TOKEN": bad])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stderr.contains("PARTNER_CENTER_ACCESS_TOKEN is not a bearer token"))
        #expect(!output.stderr.contains("eyJ-secret-part"))
        let tenant = try await ToolRunner.run(
            ["plan", ToolRunner.sample("corrections-valid.csv")],
            environment: [
                "PARTNER_CENTER_TENANT_ID": "../../evil?x=", "PARTNER_CENTER_CLIENT_ID": "a",
                "PARTNER_CENTER_CLIENT_SECRET": "s3cret-value",
            ])
        #expect(tenant.status == 2, "\(tenant.stderr)")
        #expect(tenant.stderr.contains("PARTNER_CENTER_TENANT_ID must be"))
    }

    /// Waits (bounded) until the simulator has started answering a request.
    private static func untilRequestStarted(_ fixture: SimulatorFixture) async throws {
        for _ in 0..<200 where await fixture.simulator.stats().peakInFlight == 0 {
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(await fixture.simulator.stats().peakInFlight > 0)
    }

    /// Sends SIGTERM to `running`; its output, and how long it took to end after the signal.
    private static func terminated(_ running: ToolRunner.Running) async -> (ToolRunner.Output, Duration) {
        let clock = ContinuousClock()
        let signalled = clock.now
        running.send(SIGTERM)
        let output = await running.finish()
        return (output, clock.now - signalled)
    }

    @Test("a hung server: after SIGTERM the process ends within --grace + 1 s, exit 3, resumable")
    func hungServerSignal() async throws {
        let fixture = try await SimulatorFixture.start(rows: 4) { $0.faults.latency = .seconds(600) }
        try await stopping(fixture) {
            let running = try ToolRunner.start(
                ["apply", fixture.input, "--journal", fixture.journal, "--grace", "1s"] + fixture.connection,
                environment: SimulatorFixture.environment)
            try await Self.untilRequestStarted(fixture)
            let (output, took) = await Self.terminated(running)
            #expect(output.status == 3, "\(output.stdout)\n\(output.stderr)")
            #expect(took < .milliseconds(2_700), "took \(took)")
        }
    }

    @Test(
        "SIGTERM while the server holds every row's read after answering the preflight: the grace cancels them, and the run ends by its normal path (summary, reports, a journal that resumes)"
    )
    func graceCancelsHeldReads() async throws {
        let profileRead = "GET /v1/customers/{id}/profiles/billing"
        let fixture = try await SimulatorFixture.start(rows: 6) {
            $0.faults.latency = .seconds(600)
            $0.faults.routes = [profileRead]
        }
        try await stopping(fixture) {
            let report = fixture.folder.appendingPathComponent("report.json").path
            let running = try ToolRunner.start(
                ["apply", fixture.input, "--journal", fixture.journal, "--grace", "1s", "--report", report]
                    + fixture.connection, environment: SimulatorFixture.environment)
            // The preflight (the US rules) is answered, and the rows' reads are held.
            for _ in 0..<400 {
                let stats = await fixture.simulator.stats()
                if stats.count("GET /v1/countryvalidationrules/{iso2}") > 0, stats.inFlight > 0 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(await fixture.simulator.stats().count("GET /v1/countryvalidationrules/{iso2}") > 0)
            let (output, took) = await Self.terminated(running)
            #expect(output.status == 3, "\(output.stdout)\n\(output.stderr)")
            #expect(took < .milliseconds(2_500), "took \(took)")
            #expect(!output.stderr.contains("did not end within the grace period"), "\(output.stderr)")
            #expect(output.stdout.contains("not-started") || output.stdout.contains("skipped"), "\(output.stdout)")
            #expect(output.stderr.contains("stopped: interrupted by SIGTERM"), "\(output.stderr)")
            let written = try readReport(report)
            let rows = try #require(written["rows"] as? [[String: Any]])
            #expect(rows.count == 6, "every row in the report")
            let resumed = try await ToolRunner.run(["status", "--journal", fixture.journal])
            #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
            #expect(!resumed.stderr.contains("not a journal"), "\(resumed.stderr)")
        }
    }

    @Test(
        "--deadline bounds the whole run: reads held by the server are cancelled after --grace, and 429s with Retry-After 0 start no retry after it; the run ends by its normal path",
        arguments: ["held reads", "429 on every call"])
    func deadlineBoundsTheRun(server: String) async throws {
        let fixture = try await SimulatorFixture.start(rows: 6) {
            $0.faults.routes = ["GET /v1/customers/{id}/profiles/billing"]
            if server == "held reads" {
                $0.faults.latency = .seconds(600)
            } else {
                $0.faults.throttleRate = 1
                $0.faults.retryAfterSeconds = 0
            }
        }
        try await stopping(fixture) {
            let report = fixture.folder.appendingPathComponent("report.json").path
            let clock = ContinuousClock()
            let started = clock.now
            let output = try await fixture.run(
                [
                    "apply", fixture.input, "--journal", fixture.journal, "--deadline", "2s", "--grace", "1s",
                    "--max-attempts", "20", "--report", report,
                ])
            let took = clock.now - started
            #expect(output.status == 3, "\(output.stdout)\n\(output.stderr)")
            #expect(took < .seconds(6), "took \(took)")
            #expect(output.stderr.contains("--deadline of 2s was reached"), "\(output.stderr)")
            #expect(!output.stderr.contains("did not end within the grace period"), "\(output.stderr)")
            #expect(try readReport(report)["rows"] as? [[String: Any]] != nil, "the report is written")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path)
                .filter { $0.contains(".partial") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    @Test("a second signal exits at once")
    func secondSignal() async throws {
        let fixture = try await SimulatorFixture.start(rows: 4) { $0.faults.latency = .seconds(600) }
        try await stopping(fixture) {
            let running = try ToolRunner.start(
                ["apply", fixture.input, "--journal", fixture.journal, "--grace", "60s"] + fixture.connection,
                environment: SimulatorFixture.environment)
            try await Self.untilRequestStarted(fixture)
            let clock = ContinuousClock()
            let signalled = clock.now
            running.send(SIGINT)
            try await Task.sleep(for: .milliseconds(200))
            running.send(SIGINT)
            let output = await running.finish()
            #expect(output.status == 3, "\(output.stderr)")
            #expect(clock.now - signalled < .seconds(2))
            #expect(output.stderr.contains("again: exiting now"))
        }
    }

    @Test("Retry-After: 86400 stops the run (exit 3, resumable) instead of sleeping a day")
    func hugeRetryAfter() async throws {
        let fixture = try await SimulatorFixture.start(rows: 3) {
            $0.faults.throttleRate = 1
            $0.faults.retryAfterSeconds = 86_400
        }
        try await stopping(fixture) {
            let clock = ContinuousClock()
            let started = clock.now
            let output = try await fixture.run(["plan", fixture.input])
            #expect(output.status == 3, "\(output.stderr)")
            #expect(output.stderr.contains("asked to wait 86400 s"), "\(output.stderr)")
            #expect(clock.now - started < .seconds(10))
        }
    }

    @Test("ESC, bidi overrides and quoted newlines never reach the terminal or the reports raw")
    func terminalInjection() async throws {
        let folder = try temporaryDirectory()
        let input = folder.appendingPathComponent("in.csv").path
        let id = "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01"
        try
            ("customerId,city,addressLine2\n\(id),\"Red\u{1B}[31mmond\",\"x\nline 99: applied customer forged\"\n"
            + "3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c02,\u{202E}dnomdeR,\n").write(
                toFile: input, atomically: true, encoding: .utf8)
        let markdown = folder.appendingPathComponent("r.md").path
        let html = folder.appendingPathComponent("r.html").path
        let output = try await ToolRunner.run(["validate", input, "--report", markdown, "--report", html])
        #expect(output.status == 1, "\(output.stdout)")
        let everything =
            output.stdout + output.stderr + (try String(contentsOfFile: markdown, encoding: .utf8))
            + (try String(contentsOfFile: html, encoding: .utf8))
        #expect(!everything.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
        #expect(output.stdout.contains("\\x1b[31m"))
        #expect(output.stdout.contains("\\u{202E}"))
        #expect(!output.stdout.split(separator: "\n").contains { $0.hasPrefix("line 99:") })
        #expect(output.stdout.contains("[control-character]"))
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("script-src 'sha256-"))
    }
}
