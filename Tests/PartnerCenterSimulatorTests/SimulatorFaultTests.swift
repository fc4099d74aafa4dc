import Foundation
import JSONDocument
import PartnerCenter
import PartnerCenterSimulator
import Testing

@Suite("Simulator: tokens, quota, faults and counters")
struct SimulatorFaultTests {
    @Test("requests need a valid bearer token; the token endpoint issues them for both grants")
    func tokens() async throws {
        let harness = try await Harness.start { $0.tokenLifetime = .seconds(600) }
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        #expect(try await harness.send("GET", harness.profilePath(id), token: nil).status == 401)
        #expect(try await harness.send("GET", harness.profilePath(id), token: "forged").status == 401)
        let form = "Content-Type"
        for grant in ["grant_type=client_credentials", "grant_type=refresh_token&refresh_token=sandbox-refresh-token"] {
            let issued = try await harness.send(
                "POST", "/tenant/oauth2/token", token: nil, headers: [(form, "application/x-www-form-urlencoded")],
                body:
                    "\(grant)&client_id=app&client_secret=sandbox-secret&resource=https%3A%2F%2Fapi.partnercenter.microsoft.com"
            )
            let body = try harness.json(issued)
            #expect(body["expires_in"] == .string("600"))
            let token = try #require(body["access_token"]?.stringValue)
            #expect(try await harness.send("GET", harness.profilePath(id), token: token).status == 200)
        }
        let refused = try await harness.send(
            "POST", "/tenant/oauth2/token", token: nil, body: "grant_type=client_credentials&client_secret=nope")
        #expect(refused.status == 401)
        #expect(try harness.json(refused)["error"] == .string("invalid_client"))
        #expect(await harness.simulator.stats().tokensIssued == 2)
    }

    @Test("issued tokens expire")
    func expiry() async throws {
        let harness = try await Harness.start { $0.tokenLifetime = .zero }
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        let body = try harness.json(
            try await harness.send(
                "POST", "/t/oauth2/token", token: nil,
                body: "grant_type=client_credentials&client_secret=sandbox-secret"))
        let token = try #require(body["access_token"]?.stringValue)
        #expect(try await harness.send("GET", harness.profilePath(id), token: token).status == 401)
    }

    @Test("the partner's quota answers 429 with Retry-After and the throttling body once spent")
    func quota() async throws {
        // 6 requests a minute, a bucket of one: no token comes back within the test, however
        // loaded the machine (at 60 a minute, a second's delay let one more through).
        let harness = try await Harness.start { $0.quotaPerMinute = 6 }
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        var statuses: [Int] = []
        var throttled: HTTPResponse?
        for _ in 0..<5 {
            let response = try await harness.send("GET", harness.profilePath(id))
            statuses.append(response.status)
            if response.status == 429 { throttled = response }
        }
        #expect(statuses.first == 200)
        #expect(statuses.filter { $0 == 429 }.count == 4)
        let response = try #require(throttled)
        #expect(Int(response.header("Retry-After") ?? "") ?? 0 >= 1)
        let body = try harness.json(response)
        #expect(body["statusCode"] == .number("429"))
        #expect(body["message"]?.stringValue?.hasPrefix("Rate limit is exceeded") == true)
    }

    @Test(
        "the quota's burst and Retry-After rounding: a full bucket of 3 lets 3 through; the wait is a whole second rounded up, or 0 to the nearest",
        arguments: [SimulatorConfiguration.RetryAfterRounding.up, .nearest])
    func quotaModel(rounding: SimulatorConfiguration.RetryAfterRounding) async throws {
        // 6 requests a minute: no token comes back within the test, however slow the machine.
        let slow = try await Harness.start {
            $0.quotaPerMinute = 6
            $0.quotaBurst = 3
        }
        let id = try #require(await slow.simulator.customerIds().first)
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await slow.send("GET", slow.profilePath(id)).status) }
        await slow.stop()
        #expect(statuses == [200, 200, 200, 429], "the fourth request finds the bucket of 3 empty")

        // 5 requests a second: the next one is always due within 200 ms.
        let fast = try await Harness.start {
            $0.quotaPerMinute = 300
            $0.quotaBurst = 1
            $0.retryAfterRounding = rounding
        }
        var retryAfter: String?
        for _ in 0..<50 where retryAfter == nil {
            retryAfter = try await fast.send("GET", fast.profilePath(id)).header("Retry-After")
        }
        await fast.stop()
        #expect(retryAfter == (rounding == .up ? "1" : "0"))
    }

    @Test("faults: 5xx, 429, dropped connections, and a write that lands before the drop")
    func faults() async throws {
        let errors = try await Harness.start { $0.faults.serverErrorRate = 1 }
        let id = try #require(await errors.simulator.customerIds().first)
        let failed = try await errors.send("GET", errors.profilePath(id))
        #expect((500...504).contains(failed.status))
        #expect(try errors.json(failed)["source"] == .string("PartnerFD"))
        await errors.stop()

        let throttled = try await Harness.start {
            $0.faults.throttleRate = 1; $0.faults.retryAfterSeconds = 3
        }
        let answer = try await throttled.send("GET", throttled.profilePath(id))
        #expect(answer.status == 429)
        #expect(answer.header("Retry-After") == "3")
        await throttled.stop()

        let dropped = try await Harness.start { $0.faults.dropRate = 1 }
        await #expect(throws: TransportError.self) { _ = try await dropped.send("GET", dropped.profilePath(id)) }
        #expect(await dropped.simulator.stats().count("GET /v1/customers/{id}/profiles/billing", status: 0) == 1)
        await dropped.stop()

        let landed = try await Harness.start { $0.faults.dropAfterWriteRate = 1 }
        let profile = try landed.json(try await landed.send("GET", landed.profilePath(id)))
        var changed = profile
        var address = try #require(changed["defaultAddress"]?.objectValue)
        address["city"] = .string("Landed")
        changed["defaultAddress"] = .object(address)
        let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
        await #expect(throws: TransportError.self) {
            _ = try await landed.send(
                "PUT", landed.profilePath(id), headers: [("If-Match", etag)], body: JSONValue.object(changed).text)
        }
        let after = try landed.json(try await landed.send("GET", landed.profilePath(id)))
        #expect(after["defaultAddress"]?.objectValue?["city"] == .string("Landed"))
        #expect(await landed.simulator.stats().writesPerCustomer[id] == 1)
        await landed.stop()
    }

    @Test("fault decisions repeat for the same seed and the same requests")
    func deterministicFaults() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            let harness = try await Harness.start {
                $0.seed = seed; $0.faults.serverErrorRate = 0.5
            }
            defer { Task { await harness.stop() } }
            var statuses: [Int] = []
            for id in await harness.simulator.customerIds() {
                statuses.append(try await harness.send("GET", harness.profilePath(id)).status)
            }
            return statuses
        }
        let first = try await run(seed: 3)
        #expect(try await run(seed: 3) == first)
        #expect(Set(first).count > 1)
    }

    @Test("latency delays answers, and the counters see peak concurrency, routes and statuses")
    func latencyAndCounters() async throws {
        let harness = try await Harness.start { $0.faults.latency = .milliseconds(150) }
        defer { Task { await harness.stop() } }
        let ids = Array(await harness.simulator.customerIds().prefix(6))
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for id in ids { group.addTask { try await harness.send("GET", harness.profilePath(id)).status } }
            for try await status in group { #expect(status == 200) }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(140))
        let stats = await harness.simulator.stats()
        #expect(stats.peakInFlight >= 3)
        #expect(stats.inFlight == 0)
        #expect(stats.count("GET /v1/customers/{id}/profiles/billing", status: 200) == 6)
        let json = try #require(
            try JSONValue(parsing: try await harness.send("GET", "/_sandbox/stats", token: nil).body).objectValue)
        #expect(json["peakInFlight"] == .number("\(stats.peakInFlight)"))
    }
}
