import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("for schedulers and people: JSON logs, colours, help and completions", .serialized)
struct SchedulerTests {
    @Test("--log-format json: every stderr line is one JSON object, and rows carry the journal's keys and values")
    func jsonLogs() async throws {
        let fixture = try await SimulatorFixture.start(rows: 5)
        defer { Task { await fixture.stop() } }
        let output = try await fixture.run(
            ["apply", fixture.input, "--journal", fixture.journal, "--log-format", "json", "--log-level", "debug"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty)
        var rowLogs: [[String: Any]] = []
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ts"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
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
    }

    @Test("colours on a terminal, none with NO_COLOR, none into a pipe")
    func colours() throws {
        let arguments = ["validate", ToolRunner.sample("corrections-invalid.csv")]
        let coloured = try Self.onTerminal(arguments, environment: [:])
        #expect(coloured.contains("\u{1B}[31m"), "errors in red on a terminal")
        let plain = try Self.onTerminal(arguments, environment: ["NO_COLOR": "1"])
        #expect(plain.contains("error ["))
        #expect(!plain.contains("\u{1B}["), "NO_COLOR turns colours off")
        let piped = try ToolRunner.run(arguments)
        #expect(piped.stdout.contains("error [") && !piped.stdout.contains("\u{1B}["))
    }

    @Test("every subcommand's help has an example, and completion scripts can be generated")
    func helpAndCompletions() throws {
        for command in ["validate", "plan", "apply", "status", "sandbox"] {
            let help = try ToolRunner.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Example"), "\(command) --help has no example")
            #expect(help.stdout.contains("billing-migrate \(command) "), "\(command) --help's example")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try ToolRunner.run(["--generate-completion-script", shell])
            #expect(script.status == 0)
            #expect(script.stdout.contains("undo-file") && script.stdout.contains("save-plan"), "\(shell)")
        }
    }

    /// Runs the tool with its stdout on a new pseudo-terminal, `TERM=xterm` and no `NO_COLOR`
    /// unless `environment` sets it; returns what it printed there.
    static func onTerminal(_ arguments: [String], environment: [String: String]) throws -> String {
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
        process.standardOutput = FileHandle(fileDescriptor: terminal, closeOnDealloc: false)
        process.standardError = FileHandle.nullDevice
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
