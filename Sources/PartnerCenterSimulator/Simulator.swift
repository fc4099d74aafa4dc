import Hummingbird
import JSONDocument
import Logging
import NIOCore
import ServiceLifecycle

/// The Partner Center simulator: a real HTTP server on loopback that answers the calls the tool
/// makes as Partner Center does, with faults and a quota on demand, and counters for tests.
public struct Simulator: Sendable {
    public let configuration: SimulatorConfiguration
    let state: SimulatorState

    public init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        state = SimulatorState(configuration: configuration)
    }

    /// Serves until the task is cancelled; `onReady` gets the bound port once listening.
    public func run(logger: Logger = Logger(label: "sandbox"), onReady: @escaping @Sendable (Int) async -> Void)
        async throws
    {
        try await makeServiceGroup(logger: logger, onReady: onReady).run()
    }

    /// The server as a service group: `run()` serves, `triggerGracefulShutdown()` stops it cleanly.
    func makeServiceGroup(logger: Logger, onReady: @escaping @Sendable (Int) async -> Void) -> ServiceGroup {
        let app = Application(
            router: Self.buildRouter(state: state),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger)
        return ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    }

    /// A snapshot of the counters.
    public func stats() async -> SimulatorStats { await state.stats }

    /// Every customer's ID, sorted.
    public func customerIds() async -> [String] { await state.customerIds }

    /// Every customer as stored now, to start a later simulator from.
    public func snapshot() async -> SimulatorSnapshot { await state.snapshot }

    /// The customer's profile as stored now.
    public func profile(_ customerId: String) async -> JSONObject? { await state.profile(customerId)?.document }

    /// Changes address fields as another writer would (a new ETag follows); `null` removes a field.
    @discardableResult
    public func edit(customerId: String, fields: JSONObject) async -> JSONObject? {
        await state.edit(customerId: customerId, fields: fields)
    }
}

/// A simulator running in the background of this process (tests, `--sandbox`).
public final class RunningSimulator: Sendable {
    public let simulator: Simulator
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// The base URL, `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://\(simulator.configuration.host):\(port)" }

    private init(simulator: Simulator, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.simulator = simulator
        self.port = port
        self.group = group
        self.task = task
    }

    /// Starts a simulator and returns once it listens.
    public static func start(_ configuration: SimulatorConfiguration, logger: Logger = Logger(label: "sandbox"))
        async throws -> RunningSimulator
    {
        let simulator = Simulator(configuration: configuration)
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = simulator.makeServiceGroup(logger: logger) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await group.run() }
        var iterator = ready.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            _ = try await task.value
            throw CancellationError()
        }
        return RunningSimulator(simulator: simulator, port: port, group: group, task: task)
    }

    /// A snapshot of the counters.
    public func stats() async -> SimulatorStats { await simulator.stats() }

    /// Every customer's ID, sorted.
    public func customerIds() async -> [String] { await simulator.customerIds() }

    /// Stops serving (gracefully: answers in flight finish) and waits for the server to close; an
    /// answer still in flight after `grace` (a hung request, which some faults make on purpose) is
    /// cancelled, so that stopping always ends.
    public func stop(grace: Duration = .seconds(3)) async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let timer = Task {
            try await Task.sleep(for: grace)
            task.cancel()
        }
        _ = try? await task.value
        timer.cancel()
    }
}
