import Foundation
import JSONDocument
import PartnerCenter
import PartnerCenterSimulator
import Testing

/// A simulator and a raw HTTP client for one test.
struct Harness {
    let simulator: RunningSimulator
    let http = AsyncHTTPClientTransport(connectionsPerHost: 16)

    static func start(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) async throws -> Harness {
        var configuration = SimulatorConfiguration()
        configuration.generatedCustomers = 30
        configure(&configuration)
        return Harness(simulator: try await RunningSimulator.start(configuration))
    }

    func send(
        _ method: String, _ path: String, token: String? = "sandbox-token",
        headers: [(name: String, value: String)] = [],
        body: String? = nil
    ) async throws(TransportError) -> HTTPResponse {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        return try await http.send(
            HTTPRequest(method: method, url: simulator.baseURL + path, headers: all, body: body.map { Array($0.utf8) }),
            timeout: .seconds(10))
    }

    func json(_ response: HTTPResponse) throws -> JSONObject {
        try #require(try JSONValue(parsing: response.body).objectValue)
    }

    func profilePath(_ id: String) -> String { "/v1/customers/\(id)/profiles/billing" }

    func stop() async {
        try? await http.shutdown()
        await simulator.stop()
    }
}

@Suite("Simulator: profiles, ETags and validation")
struct SimulatorProfileTests {
    @Test("generated customers are the same for a seed, valid as stored, and carry ETags of both looks")
    func generatedCustomers() async throws {
        let harness = try await Harness.start { $0.seed = 7 }
        defer { Task { await harness.stop() } }
        let again = try await RunningSimulator.start(
            {
                var c = SimulatorConfiguration(); c.seed = 7; c.generatedCustomers = 30; return c
            }())
        let other = try await RunningSimulator.start(
            {
                var c = SimulatorConfiguration(); c.seed = 8; c.generatedCustomers = 30; return c
            }())
        let ids = await harness.simulator.customerIds()
        #expect(ids.count == 30)
        #expect(await again.customerIds() == ids)
        #expect(await other.customerIds() != ids)
        await again.stop()
        await other.stop()
        var numeric = 0
        var encoded = 0
        for id in ids {
            let profile = try harness.json(try await harness.send("GET", harness.profilePath(id)))
            let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
            if etag.hasPrefix("-") { numeric += 1 }
            if let data = Data(base64Encoded: etag), (try? JSONValue(parsing: Array(data))) != nil { encoded += 1 }
            let put = try await harness.send(
                "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")],
                body: JSONValue.object(profile).text)
            #expect(put.status == 200, "\(id): \(String(decoding: put.body, as: UTF8.self))")
        }
        #expect(numeric > 0 && encoded > 0 && numeric + encoded == ids.count)
        #expect(await harness.simulator.stats().droppedFieldPuts == 0)
    }

    @Test("a saved state starts a simulator where the last one stopped: same profiles and ETags, fresh ETags after")
    func snapshotRoundTrip() async throws {
        let first = try await Harness.start()
        let id = try #require(await first.simulator.customerIds().first)
        let read = try first.json(try await first.send("GET", first.profilePath(id)))
        let etag = try #require(read["attributes"]?.objectValue?["etag"]?.stringValue)
        let written = try await first.send(
            "PUT", first.profilePath(id), headers: [("If-Match", "\"\(etag)\"")], body: JSONValue.object(read).text)
        #expect(written.status == 200)
        let saved = await first.simulator.simulator.snapshot()
        let seen = Set(saved.customers.compactMap { $0.profile["attributes"]?.objectValue?["etag"]?.stringValue })
        await first.stop()

        let reloaded = try SimulatorSnapshot.load(json: saved.json)
        #expect(reloaded == saved)
        let second = try await Harness.start { $0.snapshot = reloaded }
        defer { Task { await second.stop() } }
        for customer in saved.customers {
            #expect(await second.simulator.simulator.profile(customer.customerId) == customer.profile)
        }
        let again = try second.json(try await second.send("GET", second.profilePath(id)))
        let current = try #require(again["attributes"]?.objectValue?["etag"]?.stringValue)
        let stale = try await second.send(
            "PUT", second.profilePath(id), headers: [("If-Match", "\"\(etag)\"")], body: JSONValue.object(again).text)
        #expect(stale.status == 412, "the ETag from before the last write stays stale")
        let rewritten = try second.json(
            try await second.send(
                "PUT", second.profilePath(id), headers: [("If-Match", "\"\(current)\"")],
                body: JSONValue.object(again).text))
        let fresh = try #require(rewritten["attributes"]?.objectValue?["etag"]?.stringValue)
        #expect(!seen.contains(fresh) && fresh != etag, "a write after reloading gets an ETag never seen before")
    }

    @Test("an unknown customer is 404 / 60003 in PartnerFD's shape")
    func unknownCustomer() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        let response = try await harness.send("GET", harness.profilePath("11111111-2222-3333-4444-555555555555"))
        #expect(response.status == 404)
        let body = try harness.json(response)
        #expect(body["code"] == .number("60003"))
        #expect(body["source"] == .string("PartnerFD"))
    }

    @Test("If-Match is enforced: missing or stale is 412 / 800036 and counted; the current ETag writes and rotates")
    func ifMatch() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        let profile = try harness.json(try await harness.send("GET", harness.profilePath(id)))
        let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
        let body = JSONValue.object(profile).text
        let missing = try await harness.send("PUT", harness.profilePath(id), body: body)
        #expect(missing.status == 412)
        #expect(try harness.json(missing)["code"] == .number("800036"))
        let wrong = try await harness.send(
            "PUT", harness.profilePath(id), headers: [("If-Match", "\"-1\"")], body: body)
        #expect(wrong.status == 412)
        let good = try await harness.send(
            "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")], body: body)
        #expect(good.status == 200)
        let rotated = try harness.json(good)["attributes"]?.objectValue?["etag"]?.stringValue
        #expect(rotated != nil && rotated != etag)
        let replay = try await harness.send(
            "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")], body: body)
        #expect(replay.status == 412)
        let stats = await harness.simulator.stats()
        #expect(stats.stalePuts == 3)
        #expect(stats.putsPerCustomer[id] == 4)
        #expect(stats.writesPerCustomer[id] == 1)
    }

    @Test("addresses Partner Center would reject are 400 / 27002, and a dropped field is counted")
    func rejectedAddresses() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        var usCustomer: (id: String, profile: JSONObject)?
        for id in await harness.simulator.customerIds() where usCustomer == nil {
            let profile = try harness.json(try await harness.send("GET", harness.profilePath(id)))
            if profile["defaultAddress"]?.objectValue?["country"] == .string("US") { usCustomer = (id, profile) }
        }
        let (id, profile) = try #require(usCustomer)
        let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
        func put(_ change: (inout JSONObject) -> Void) async throws -> HTTPResponse {
            var document = profile
            var address = document["defaultAddress"]!.objectValue!
            change(&address)
            document["defaultAddress"] = .object(address)
            return try await harness.send(
                "PUT", harness.profilePath(id), headers: [("If-Match", etag)], body: JSONValue.object(document).text)
        }
        for change: (inout JSONObject) -> Void in [
            { $0["state"] = .string("PR") }, { $0["postalCode"] = .string("1234") }, { $0["region"] = .string("West") },
            { $0["country"] = .string("CA") },
        ] {
            let response = try await put(change)
            #expect(response.status == 400)
            #expect(try harness.json(response)["code"] == .number("27002"))
        }
        let dropped = try await put { $0["extensionData"] = nil }
        #expect(dropped.status == 200)
        #expect(await harness.simulator.stats().droppedFieldPuts == 1)
    }

    @Test("country rules list Partner Center's 51 US states and refuse UK; address validation answers")
    func rulesAndValidation() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        let us = try #require(
            CountryValidationRules(json: try await harness.send("GET", "/v1/countryvalidationrules/US").body))
        #expect(us.supportedStates.count == 51)
        #expect(us.isStateRequired == true)
        let uk = try await harness.send("GET", "/v1/countryvalidationrules/UK")
        #expect(uk.status == 400)
        let good = try await harness.send(
            "POST", "/v1/validations/address",
            body:
                #"{"addressLine1":"1 Microsoft Way","city":"Redmond","state":"WA","postalCode":"98052","country":"US"}"#
        )
        #expect(AddressValidationResult(json: good.body)?.isVerified == true)
        let bad = try await harness.send(
            "POST", "/v1/validations/address",
            body:
                #"{"addressLine1":"1 Microsoft Way","city":"Redmond","state":"WA","postalCode":"9805","country":"US"}"#
        )
        #expect(AddressValidationResult(json: bad.body)?.status == "None")
        let partial = try await harness.send(
            "POST", "/v1/validations/address",
            body: #"{"addressLine1":"Microsoft Way","city":"Redmond","state":"WA","postalCode":"98052","country":"US"}"#
        )
        let answer = try #require(AddressValidationResult(json: partial.body))
        #expect(answer.status == "StreetPartial" && !answer.isVerified && answer.suggestionCount == 0)
    }
}
