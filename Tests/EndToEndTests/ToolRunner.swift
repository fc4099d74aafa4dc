import Dispatch
import Foundation
import Synchronization
import Testing

/// Runs the built `billing-migrate` binary the way a user does, and collects what it printed.
struct ToolRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
        /// The command, when it ran past its time limit and was killed.
        var timedOut: String? = nil

        /// The output, after failing the current test if the run was killed for its time limit.
        func recordingTimeout() -> Output {
            if let timedOut {
                let message = "`\(timedOut)` did not end within \(ToolRunner.timeLimit) and was killed.\n"
                Issue.record(Comment(rawValue: message + "stdout:\n\(stdout)\nstderr:\n\(stderr)"))
            }
            return self
        }

        /// The count the closing summary table shows for `outcome`, if it lists it.
        func summaryCount(_ outcome: String) -> Int? {
            for line in stdout.split(separator: "\n") {
                let words = line.split(separator: " ")
                if words.count == 2, words[0] == outcome, let count = Int(words[1]) { return count }
            }
            return nil
        }
    }

    /// The folder the package's build products are in (beside the test bundle).
    static let productsDirectory: URL = {
        #if os(macOS)
            for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
                return bundle.bundleURL.deletingLastPathComponent()
            }
        #endif
        return Bundle.main.bundleURL
    }()

    /// The repository root, for the files in `samples/`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func sample(_ name: String) -> String {
        packageRoot.appendingPathComponent("samples").appendingPathComponent(name).path
    }

    /// How long a run of the tool may take before the test kills it and fails, with its output:
    /// a run that hangs fails its test instead of holding the suite (and CI) until CI's limit.
    static let timeLimit = Duration.seconds(240)

    /// Runs the tool with `arguments` and waits for it (at most ``timeLimit``) on a thread of its
    /// own: a test that blocked a thread of the concurrency pool (two on this machine) would stall
    /// every other test of the process meanwhile.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await start(arguments, environment: environment).finish()
    }

    /// Starts the tool; the caller waits for it (or signals it first).
    /// - Parameter fileSizeLimit: the largest file the tool may write, in 512-byte blocks (`ulimit
    ///   -f`, with SIGXFSZ ignored so that a write past it fails as on a full disk).
    static func start(_ arguments: [String], environment: [String: String] = [:], fileSizeLimit: Int? = nil)
        throws -> Running
    {
        let process = Process()
        let binary = productsDirectory.appendingPathComponent("billing-migrate")
        if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "trap '' XFSZ; ulimit -f \(fileSizeLimit); exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, arguments: arguments, out: out, err: err)
    }

    /// A tool process in flight.
    struct Running {
        let process: Process
        let arguments: [String]
        let out: Pipe
        let err: Pipe

        /// Sends `signal` (`SIGKILL`, `SIGTERM`) to the process.
        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Waits for the end on a thread of its own, so that the test's in-process simulator, which
        /// runs on the concurrency pool, keeps answering meanwhile.
        /// A run still going after `limit` is killed, and the test fails with its output.
        func finish(within limit: Duration = ToolRunner.timeLimit) async -> Output {
            let output = await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: wait(within: limit)) }.start()
            }
            return output.recordingTimeout()
        }

        /// Waits for the end (killing the process after `limit`) and collects the output, blocking
        /// the calling thread.
        func wait(within limit: Duration = ToolRunner.timeLimit) -> Output {
            let killed = Mutex(false)
            let process = self.process
            let watchdog = DispatchWorkItem {
                guard process.isRunning else { return }
                killed.withLock { $0 = true }
                kill(process.processIdentifier, SIGKILL)
            }
            DispatchQueue.global().asyncAfter(
                deadline: .now() + .milliseconds(Int(limit.components.seconds * 1000)), execute: watchdog)
            defer { watchdog.cancel() }
            let stderrData = LockedData()
            let stderrDone = DispatchSemaphore(value: 0)
            Thread {
                stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
                stderrDone.signal()
            }.start()
            let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
            stderrDone.wait()
            process.waitUntilExit()
            let status =
                process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
            return Output(
                status: status, stdout: String(decoding: stdoutData, as: UTF8.self),
                stderr: String(decoding: stderrData.get(), as: UTF8.self),
                timedOut: killed.withLock { $0 } ? "billing-migrate \(arguments.joined(separator: " "))" : nil)
        }
    }

    /// Bytes handed from the thread that drains stderr (both pipes are read at once, so that a
    /// chatty stderr cannot fill its pipe and stall the process). `@unchecked Sendable` is safe:
    /// the one stored property is only touched under `lock`.
    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()

        func set(_ value: Data) { lock.withLock { data = value } }
        func get() -> Data { lock.withLock { data } }
    }
}

/// A fresh temporary folder for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("bm-e2e-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Reads a JSON report.
func readReport(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}
