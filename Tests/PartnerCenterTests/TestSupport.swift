import Foundation
import Logging
import PartnerCenter
import PartnerCenterSimulator
import Synchronization

/// A clock that never waits: sleeping advances it at once and is recorded.
final class ManualClock: RunClock {
    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    func now() -> Duration { state.withLock { $0.now } }
    func date() -> Date { start.addingTimeInterval(now().inSeconds) }
    func sleep(for duration: Duration) async throws {
        state.withLock { state in
            state.sleeps.append(duration)
            state.now += max(duration, .zero)
        }
    }

    /// Moves time forward without a sleep.
    func advance(by duration: Duration) { state.withLock { $0.now += duration } }

    /// Every sleep so far.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }
}

/// Keeps every log line, with its metadata, for assertions.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    /// A logger at trace level that writes here.
    func logger() -> Logger {
        var logger = Logger(label: "test") { _ in CapturingHandler(log: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        log.append("\(event.level) \(event.message) \(merged)")
    }
}

/// A client wired to a running simulator, with what the test wants to inspect.
struct ClientFixture: StoppableFixture {
    let simulator: RunningSimulator
    let client: PartnerCenterClient
    let clock: ManualClock
    let transport: AsyncHTTPClientTransport
    let limiter: AdaptiveRateLimiter

    static func start(
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in }, maxAttempts: Int = 6,
        tokens: ((AsyncHTTPClientTransport, ManualClock, String) -> any TokenProvider)? = nil,
        logger: Logger = Logger(label: "test")
    ) async throws -> ClientFixture {
        var configuration = SimulatorConfiguration()
        configuration.generatedCustomers = 20
        configure(&configuration)
        let simulator = try await RunningSimulator.start(configuration)
        let transport = AsyncHTTPClientTransport(connectionsPerHost: 8)
        let clock = ManualClock()
        var clientConfiguration = PartnerCenterConfiguration(endpoint: simulator.baseURL)
        clientConfiguration.retry.maxAttempts = maxAttempts
        let limiter = AdaptiveRateLimiter(clock: clock)
        let provider = tokens?(transport, clock, simulator.baseURL) ?? StaticTokenProvider(token: "sandbox-token")
        let client = PartnerCenterClient(
            configuration: clientConfiguration, transport: transport, tokens: provider, limiter: limiter, clock: clock,
            logger: logger, jitter: { 1 })
        return ClientFixture(simulator: simulator, client: client, clock: clock, transport: transport, limiter: limiter)
    }

    func stop() async {
        try? await transport.shutdown()
        await simulator.stop()
    }
}

/// A test fixture that holds a server to stop.
protocol StoppableFixture: Sendable {
    func stop() async
}

/// Runs `body`, then stops `fixture` and waits for it, whether `body` threw or not.
func stopping(_ fixture: some StoppableFixture, _ body: () async throws -> Void) async throws {
    do { try await body() } catch {
        await fixture.stop()
        throw error
    }
    await fixture.stop()
}
