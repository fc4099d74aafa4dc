import Dispatch
import Foundation

/// Runs the built `billing-migrate` binary the way a user does, and collects what it printed.
struct ToolRunner {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String

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

    /// Runs the tool with `arguments` and waits for it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try start(arguments, environment: environment).wait()
    }

    /// Starts the tool; the caller waits for it (or signals it first).
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("billing-migrate")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    /// A tool process in flight.
    struct Running {
        let process: Process
        let out: Pipe
        let err: Pipe

        /// Sends `signal` (`SIGKILL`, `SIGTERM`) to the process.
        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Waits for the end on a thread of its own, so that the test's in-process simulator, which
        /// runs on the concurrency pool, keeps answering meanwhile.
        func finish() async -> Output {
            await withCheckedContinuation { continuation in
                Thread { continuation.resume(returning: wait()) }.start()
            }
        }

        /// Waits for the end and collects the output, blocking the calling thread.
        func wait() -> Output {
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
                stderr: String(decoding: stderrData.get(), as: UTF8.self))
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
