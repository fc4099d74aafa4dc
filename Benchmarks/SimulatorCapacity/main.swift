// The simulator's own capacity: GET billing profiles on loopback at zero latency, from a load
// generator in the same process, at several concurrencies. Later throughput figures are
// meaningful only well below these. Run with scripts/benchmark.sh (release build).
import Foundation
import Logging
import PartnerCenter
import PartnerCenterSimulator

let duration: Duration = .seconds(Int(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "4") ?? 4)
var configuration = SimulatorConfiguration()
configuration.generatedCustomers = 1000
var quiet = Logger(label: "sandbox")
quiet.logLevel = .warning
let simulator = try await RunningSimulator.start(configuration, logger: quiet)
let ids = await simulator.customerIds()

print("| concurrency | requests | seconds | requests/s | p50 ms | p99 ms |")
print("|---|---|---|---|---|---|")
for concurrency in [1, 8, 16, 32, 64] {
    let transport = AsyncHTTPClientTransport(connectionsPerHost: concurrency)
    let deadline = ContinuousClock.now + duration
    let started = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var latencies: [Duration] = []
                var index = worker
                while ContinuousClock.now < deadline {
                    let id = ids[index % ids.count]
                    index += concurrency
                    let request = HTTPRequest(
                        method: "GET", url: "\(simulator.baseURL)/v1/customers/\(id)/profiles/billing",
                        headers: [("Authorization", "Bearer sandbox-token")])
                    let sent = ContinuousClock.now
                    let response = try await transport.send(request, timeout: .seconds(10))
                    precondition(response.status == 200, "unexpected status \(response.status)")
                    latencies.append(ContinuousClock.now - sent)
                }
                return latencies
            }
        }
        var all: [Duration] = []
        for try await part in group { all += part }
        return all.sorted()
    }
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    func milliseconds(_ quantile: Double) -> String {
        let value = latencies[min(latencies.count - 1, Int(Double(latencies.count) * quantile))]
        return String(
            format: "%.2f", Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000)
    }
    print(
        "| \(concurrency) | \(latencies.count) | \(String(format: "%.1f", seconds)) | "
            + "\(String(format: "%.0f", Double(latencies.count) / seconds)) | \(milliseconds(0.5)) | \(milliseconds(0.99)) |"
    )
    try await transport.shutdown()
}
await simulator.stop()
