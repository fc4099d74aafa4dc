import Foundation
import JSONDocument
import PartnerCenterSimulator

/// A simulator in the test process, and a corrections file for some of its customers, for runs of
/// the built binary against it over HTTP.
struct SimulatorFixture: StoppableFixture {
    let simulator: RunningSimulator
    let folder: URL
    /// The corrections file: one row per customer, a new city each.
    let input: String
    /// The city each customer should end with.
    let targets: [String: String]
    /// The customers' profiles before the run.
    let original: [String: JSONObject]

    static func start(rows: Int, _ configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws
        -> SimulatorFixture
    {
        var configuration = SimulatorConfiguration()
        configuration.generatedCustomers = rows
        configure(&configuration)
        let simulator = try await RunningSimulator.start(configuration)
        let folder = try temporaryDirectory()
        var csv = "customerId,city\n"
        var targets: [String: String] = [:]
        var original: [String: JSONObject] = [:]
        for (index, id) in await simulator.customerIds().enumerated() {
            let city = "Newtown \(index)"
            csv += "\(id),\(city)\n"
            targets[id] = city
            original[id] = await simulator.simulator.profile(id)
        }
        let input = folder.appendingPathComponent("corrections.csv").path
        try csv.write(toFile: input, atomically: true, encoding: .utf8)
        return SimulatorFixture(
            simulator: simulator, folder: folder, input: input, targets: targets, original: original)
    }

    var journal: String { folder.appendingPathComponent("run.journal").path }

    /// The arguments that point the tool at this simulator.
    var connection: [String] { ["--endpoint", simulator.baseURL] }
    static let environment = ["PARTNER_CENTER_ACCESS_TOKEN": "sandbox-token"]

    /// Runs the tool against this simulator.
    func run(_ arguments: [String]) async throws -> ToolRunner.Output {
        try await ToolRunner.start(arguments + connection, environment: Self.environment).finish()
    }

    /// Whether every customer now holds its target city and otherwise exactly its original profile.
    func everyRowAppliedExactly() async -> [String] {
        var problems: [String] = []
        for (id, city) in targets {
            guard var now = await simulator.simulator.profile(id), var before = original[id] else {
                problems.append("\(id): missing")
                continue
            }
            if now["defaultAddress"]?.objectValue?["city"] != .string(city) {
                problems.append("\(id): city not applied")
            }
            var address = now["defaultAddress"]!.objectValue!
            address["city"] = nil
            now["defaultAddress"] = .object(address)
            var originalAddress = before["defaultAddress"]!.objectValue!
            originalAddress["city"] = nil
            before["defaultAddress"] = .object(originalAddress)
            now["attributes"] = nil
            before["attributes"] = nil
            if JSONValue.object(now).text != JSONValue.object(before).text {
                problems.append("\(id): other fields changed")
            }
        }
        return problems
    }

    func stop() async { await simulator.stop() }
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
