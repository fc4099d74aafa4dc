import Foundation
import PartnerCenterSimulator
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("for schedulers and people: JSON logs, colours, help and completions", .serialized)
struct SchedulerTests {
    @Test("--log-format json: every stderr line is one JSON object, and rows carry the journal's keys and values")
    func jsonLogs() async throws {
        let fixture = try await SimulatorFixture.start(rows: 5)
        try await stopping(fixture) {
            let output = try await fixture.run(
                ["apply", fixture.input, "--journal", fixture.journal, "--log-format", "json", "--log-level", "debug"])
            #expect(output.status == 0, "\(output.stderr)")
            let lines = output.stderr.split(separator: "\n").map(String.init)
            #expect(!lines.isEmpty)
            var rowLogs: [[String: Any]] = []
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(
                    object?["ts"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
                #expect((object?["ts"] as? String)?.hasSuffix("Z") == true, "a UTC timestamp: \(line)")
                if object?["message"] as? String == "row done", let object { rowLogs.append(object) }
            }
            let journal = try String(contentsOfFile: fixture.journal, encoding: .utf8).split(separator: "\n")
                .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["type"] as? String == "outcome" }
            #expect(journal.count == 5)
            for entry in journal {
                let match = rowLogs.first { log in
                    ["line", "customer", "correlationId", "outcome"].allSatisfy { key in
                        "\(log[key] ?? "log")" == "\(entry[key] ?? "journal")"
                    }
                }
                #expect(match != nil, "no log line carries the journal's \(entry)")
            }
            let missing = try await ToolRunner.run(["validate", "/nonexistent/corrections.csv", "--log-format", "json"])
            #expect(missing.status == 2)
            let error = try JSONSerialization.jsonObject(with: Data(missing.stderr.utf8)) as? [String: Any]
            #expect(error?["level"] as? String == "error", "\(missing.stderr)")
            #expect((error?["message"] as? String)?.contains("/nonexistent/corrections.csv") == true)
        }
    }

    @Test("--log-format json on a terminal: no live progress line, only JSON objects on stderr")
    func jsonLogsOnTerminal() async throws {
        let fixture = try await SimulatorFixture.start(rows: 4) { $0.faults.latency = .milliseconds(120) }
        try await stopping(fixture) {
            let arguments =
                [
                    "apply", fixture.input, "--journal", fixture.journal, "--concurrency", "1", "--log-format", "json",
                    "--log-level", "debug",
                ]
                + fixture.connection
            let stderr = await withCheckedContinuation { continuation in
                Thread {
                    continuation.resume(
                        returning: (try? Self.onTerminal(
                            arguments, environment: SimulatorFixture.environment, stderr: true))
                            ?? "")
                }.start()
            }
            let lines = stderr.split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            .filter { !$0.isEmpty }
            #expect(lines.count >= 4, "a debug line per row at least: \(stderr)")
            #expect(!stderr.contains("\r") || !stderr.contains("\u{1B}["), "no live line redrawn in place")
            for line in lines {
                #expect(
                    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "not JSON: \(line)")
            }
            #expect(await fixture.everyRowAppliedExactly().isEmpty)
        }
    }

    @Test("colours on a terminal, none with NO_COLOR, none into a pipe")
    func colours() async throws {
        let arguments = ["validate", ToolRunner.sample("corrections-invalid.csv")]
        let coloured = try Self.onTerminal(arguments, environment: [:])
        #expect(coloured.contains("\u{1B}[31m"), "errors in red on a terminal")
        let plain = try Self.onTerminal(arguments, environment: ["NO_COLOR": "1"])
        #expect(plain.contains("error ["))
        #expect(!plain.contains("\u{1B}["), "NO_COLOR turns colours off")
        let piped = try await ToolRunner.run(arguments)
        #expect(piped.stdout.contains("error [") && !piped.stdout.contains("\u{1B}["))
    }

    @Test("every subcommand's help has an example, and completion scripts can be generated")
    func helpAndCompletions() async throws {
        for command in ["validate", "plan", "apply", "status", "sandbox"] {
            let help = try await ToolRunner.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
            #expect(help.stdout.contains("billing-migrate \(command) "), "\(command) --help's example")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try await ToolRunner.run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains("undo-file") && script.stdout.contains("save-plan"), "\(shell)")
        }
    }

    @Test("the crontab line and the systemd service in samples/cron run as written, with a journal per day")
    func scheduleSamples() async throws {
        let crontab = try String(contentsOfFile: ToolRunner.sample("cron/crontab"), encoding: .utf8)
        let cronLine = try #require(crontab.split(separator: "\n").first { $0.first?.isNumber == true })
        let cronCommand = cronLine.split(separator: " ", maxSplits: 5).last.map(String.init) ?? ""
        let service = try String(contentsOfFile: ToolRunner.sample("cron/billing-migrate.service"), encoding: .utf8)
        let execStart = try #require(service.split(separator: "\n").first { $0.hasPrefix("ExecStart=/bin/sh -c '") })
        let serviceCommand =
            "cd /srv/billing-migrate && " + execStart.dropFirst("ExecStart=/bin/sh -c '".count).dropLast()
        #expect(service.contains("WorkingDirectory=/srv/billing-migrate"))
        let timer = try String(contentsOfFile: ToolRunner.sample("cron/billing-migrate.timer"), encoding: .utf8)
        #expect(timer.contains("OnCalendar=") && timer.contains("Persistent=true"))

        for (name, command, percent) in [("crontab", cronCommand, "\\%"), ("service", serviceCommand, "%%")] {
            let fixture = try await SimulatorFixture.start(rows: 4)
            try await stopping(fixture) {
                let home = fixture.folder.appendingPathComponent("srv").path
                for folder in ["journals", "reports", "logs"] {
                    try FileManager.default.createDirectory(
                        atPath: "\(home)/\(folder)", withIntermediateDirectories: true)
                }
                try FileManager.default.copyItem(atPath: fixture.input, toPath: "\(home)/corrections.csv")
                let envFile = fixture.folder.appendingPathComponent("partner-center.env").path
                FileManager.default.createFile(
                    atPath: envFile, contents: Data("PARTNER_CENTER_ACCESS_TOKEN=sandbox-token\n".utf8),
                    attributes: [.posixPermissions: 0o600])
                let script = command.replacingOccurrences(of: percent, with: "%")
                    .replacingOccurrences(of: "/srv/billing-migrate", with: home)
                    .replacingOccurrences(
                        of: "/usr/local/bin/billing-migrate",
                        with: ToolRunner.productsDirectory.appendingPathComponent("billing-migrate").path
                    )
                    .replacingOccurrences(of: "/etc/billing-migrate/partner-center.env", with: envFile)
                    .replacingOccurrences(
                        of: "apply corrections.csv",
                        with: "apply corrections.csv --endpoint \(fixture.simulator.baseURL)")
                let status = await Self.shell(script)
                #expect(status == 0, "\(name): \(script)")
                let journals = try FileManager.default.contentsOfDirectory(atPath: "\(home)/journals")
                #expect(journals.count == 1 && journals[0].hasSuffix(".journal"), "\(name): \(journals)")
                let journal = "\(home)/journals/\(journals.first ?? "")"
                let mode = try FileManager.default.attributesOfItem(atPath: journal)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let reports = try FileManager.default.contentsOfDirectory(atPath: "\(home)/reports")
                #expect(reports.contains { $0.hasSuffix(".html") }, "\(name): \(reports)")
                #expect(await fixture.everyRowAppliedExactly().isEmpty, "\(name)")
            }
        }
    }

    /// Runs `script` with `/bin/sh`, without PARTNER_CENTER_* variables (credentials come from the
    /// env file), waiting on a thread of its own so the in-process simulator keeps answering.
    static func shell(_ script: String) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/sh")
                process.arguments = ["-c", script]
                process.environment = ProcessInfo.processInfo.environment.filter {
                    !$0.key.hasPrefix("PARTNER_CENTER_")
                }
                do {
                    try process.run()
                    process.waitUntilExit()
                    continuation.resume(returning: process.terminationStatus)
                } catch {
                    continuation.resume(returning: -1)
                }
            }.start()
        }
    }

    /// Runs the tool with its stdout (or, with `stderr`, its stderr) on a new pseudo-terminal,
    /// `TERM=xterm` and no `NO_COLOR` unless `environment` sets it; returns what it printed there.
    static func onTerminal(_ arguments: [String], environment: [String: String], stderr: Bool = false) throws -> String
    {
        // Linux's pseudo-terminal multiplexer: TIOCSPTLCK unlocks the pair, TIOCGPTN names it.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw POSIXError(.ENOTTY)
        }
        defer { close(master) }
        let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard terminal >= 0 else { throw POSIXError(.ENOTTY) }
        let process = Process()
        process.executableURL = ToolRunner.productsDirectory.appendingPathComponent("billing-migrate")
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        variables["NO_COLOR"] = nil
        variables["TERM"] = "xterm"
        process.environment = variables.merging(environment) { $1 }
        let onTerminal = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
        process.standardOutput = stderr ? FileHandle.nullDevice : onTerminal
        process.standardError = stderr ? onTerminal : FileHandle.nullDevice
        try process.run()
        close(terminal)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
