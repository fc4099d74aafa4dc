import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

/// The binary against a simulator whose country rules are its own and differ from the tool's
/// offline table: Partner Center's served rules decide, and no PUT is answered 400.
@Suite("Which rules decide, run as a user runs them", .serialized)
struct RulesLayeringTests {
    /// A customer of the simulator, by the last digits of its ID, with its address on file.
    static func customer(_ number: Int, _ address: [String: String]) -> SeedCustomer {
        let id = "5e1e0000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(number).count) + String(number)
        var fields = JSONObject()
        fields["addressLine1"] = .string("1 Main Street")
        for (key, value) in address.sorted(by: { $0.key < $1.key }) { fields[key] = .string(value) }
        var profile = JSONObject()
        profile["id"] = .string("profile-\(number)")
        profile["companyName"] = .string("Customer \(number)")
        profile["defaultAddress"] = .object(fields)
        profile["attributes"] = .object(
            JSONObject([.init(key: "objectType", value: .string("CustomerBillingProfile"))]))
        return SeedCustomer(customerId: id, profile: profile)
    }

    static let customers: [SeedCustomer] = [
        customer(1, ["country": "GB", "city": "Edinburgh", "postalCode": "EH2 2AA"]),
        customer(2, ["country": "GB", "city": "Edinburgh", "postalCode": "EH2 2AA"]),
        customer(3, ["country": "JP", "city": "Chiyoda-ku", "postalCode": "100-0001"]),
        customer(4, ["country": "US", "city": "Austin", "state": "TX", "postalCode": "73301"]),
        customer(
            5,
            [
                "country": "IN", "city": "Bengaluru", "state": "Karnataka", "postalCode": "560001",
                "phoneNumber": "+91 80 4000 0000",
            ]),
        customer(6, ["country": "US", "city": "Redmond", "state": "WA", "postalCode": "98052"]),
        customer(7, ["country": "ES", "city": "Madrid", "postalCode": "28001"]),
        customer(8, ["country": "US", "city": "Redmond", "state": "WA", "postalCode": "98052"]),
        customer(9, ["country": "US", "city": "Washington", "state": "DC", "postalCode": "20001"]),
    ]

    /// One row per customer above, none with a country cell.
    static let corrections = """
        customerId,city,state,postalCode,phoneNumber
        \(customers[0].customerId),,,EH1 1YZ,
        \(customers[1].customerId),,,EH99 9ZZ9,
        \(customers[2].customerId),Minato-ku,,,
        \(customers[3].customerId),,tx,78701,
        \(customers[4].customerId),Mumbai,MH,400001,
        \(customers[5].customerId),,ZZ,,
        \(customers[6].customerId),,,53001,
        \(customers[7].customerId),,,,+1 425 555 0101
        \(customers[8].customerId),Arlington,VA,20598,

        """

    private func start(_ rules: SimulatorCountryRules = .builtIn, customers: [SeedCustomer] = Self.customers)
        async throws
        -> (RunningSimulator, URL)
    {
        var configuration = SimulatorConfiguration()
        configuration.seedCustomers = customers
        configuration.countryRules = rules
        return (try await RunningSimulator.start(configuration), try temporaryDirectory())
    }

    private func address(_ simulator: RunningSimulator, _ number: Int) async -> JSONObject {
        let id = Self.customers[number - 1].customerId
        return await simulator.simulator.profile(id)?["defaultAddress"]?.objectValue ?? JSONObject()
    }

    private func rows(_ report: String) throws -> [String: [String: Any]] {
        let rows = try readReport(report)["rows"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["customerId"] as? String ?? "", $0) })
    }

    private func codes(_ row: [String: Any]?, _ key: String) -> [String] {
        (row?[key] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test("rows Partner Center's rules accept are applied, rows they refuse are invalid before any PUT")
    func servedRulesDecide() async throws {
        let (simulator, folder) = try await start()
        defer { Task { await simulator.stop() } }
        let input = folder.appendingPathComponent("corrections.csv").path
        try Self.corrections.write(toFile: input, atomically: true, encoding: .utf8)
        let report = folder.appendingPathComponent("apply.json").path
        let output = try await ToolRunner.start(
            [
                "apply", input, "--journal", folder.appendingPathComponent("j").path, "--report", report,
                "--endpoint", simulator.baseURL,
            ], environment: SimulatorFixture.environment
        ).finish()
        #expect(output.status == 1, "\(output.stdout)\n\(output.stderr)")
        #expect(output.summaryCount("applied") == 6, "\(output.stdout)")
        #expect(output.summaryCount("invalid") == 3, "\(output.stdout)")
        let stats = await simulator.stats()
        #expect(stats.count("PUT /v1/customers/{id}/profiles/billing", status: 400) == 0)
        #expect(stats.count("PUT /v1/customers/{id}/profiles/billing") == 6)

        // 1. GB serves an empty postal pattern: no constraint; the offline pattern only warns.
        let first = await address(simulator, 1)
        #expect(first["postalCode"] == .string("EH1 1YZ"), "\(first)\n\(output.stdout)")
        #expect(await address(simulator, 2)["postalCode"] == .string("EH99 9ZZ9"))
        let byCustomer = try rows(report)
        #expect(codes(byCustomer[Self.customers[1].customerId], "warnings") == ["postal-code-unverified"])
        // 2. JP serves isStateRequired false: a profile without a state is fine.
        #expect(await address(simulator, 3)["city"] == .string("Minato-ku"))
        // 3. No country cell: normalized with the profile's country.
        #expect(await address(simulator, 4)["state"] == .string("TX"))
        #expect(await address(simulator, 4)["postalCode"] == .string("78701"))
        // IN lists states by name: the state is written the way it lists them.
        #expect(await address(simulator, 5)["state"] == .string("Maharashtra"))
        // A ZIP the postal database places in the row's state (20598 is in VA, though 205 is DC's prefix).
        #expect(await address(simulator, 9)["state"] == .string("VA"))
        // Refused before any PUT, by Partner Center's own rules: its states list, its postal pattern
        // (stricter than the offline one for ES), its phone pattern (the offline table has none).
        #expect(codes(byCustomer[Self.customers[5].customerId], "errors") == ["state-unknown"])
        #expect(codes(byCustomer[Self.customers[6].customerId], "errors") == ["postal-code-format"])
        #expect(codes(byCustomer[Self.customers[7].customerId], "errors") == ["phone-number-format"])
        #expect(await address(simulator, 6)["state"] == .string("WA"))
    }

    /// Plans `rows` (customer ID, country, city) one row at a time against a simulator that
    /// answers after 600 ms (wide enough that calls meant to overlap still do on a loaded
    /// machine); the simulator's counts.
    private func planOneAtATime(_ rows: [(SeedCustomer, String, String)]) async throws -> SimulatorStats {
        var configuration = SimulatorConfiguration()
        configuration.seedCustomers = Self.customers
        configuration.faults.latency = .milliseconds(600)
        let simulator = try await RunningSimulator.start(configuration)
        let folder = try temporaryDirectory()
        defer { Task { await simulator.stop() } }
        let input = folder.appendingPathComponent("corrections.csv").path
        let lines = rows.map { "\($0.0.customerId),\($0.1),\($0.2)\n" }
        try ("customerId,country,city\n" + lines.joined()).write(toFile: input, atomically: true, encoding: .utf8)
        let output = try await ToolRunner.start(
            ["plan", input, "--endpoint", simulator.baseURL, "--concurrency", "1"],
            environment: SimulatorFixture.environment
        ).finish()
        #expect(output.status == 0, "\(output.stdout)\n\(output.stderr)")
        #expect(output.summaryCount("would-change") == rows.count, "\(output.stdout)")
        return await simulator.stats()
    }

    @Test(
        "the first row is read while the preflight call is answered, not after it (one row, one at a time: two in flight)"
    )
    func firstReadBesidePreflight() async throws {
        let stats = try await planOneAtATime([(Self.customers[3], "", "Houston")])
        #expect(
            stats.count("GET /v1/countryvalidationrules/{iso2}") == 1, "the preflight's US, which the row waited for")
        #expect(stats.peakInFlight == 2, "the row's read went out beside the preflight call")
    }

    @Test(
        "country rules are asked once a run: the preflight's US never again, and a country the row sets while its profile is read"
    )
    func rulesFetchedOnceAndEarly() async throws {
        let stats = try await planOneAtATime([
            (Self.customers[0], "GB", "Glasgow"), (Self.customers[3], "", "Houston"),
            (Self.customers[5], "US", "Seattle"),
        ])
        #expect(stats.count("GET /v1/countryvalidationrules/{iso2}") == 2, "US by the preflight, then GB")
        #expect(stats.count("GET /v1/customers/{id}/profiles/billing") == 3)
        // One row at a time, and the first sets GB: three requests in flight at once can only be
        // its read, the preflight call and GB's rules.
        #expect(stats.peakInFlight == 3, "GB's rules asked while its row's profile was read")
    }

    @Test(
        "the rules the first rows ask for do not queue behind their reads: at --concurrency 4, four rows' reads, their four countries' rules and the preflight go out at once"
    )
    func rulesBesideReads() async throws {
        let addresses = [
            ("GB", "London", "EC1A 1BB"), ("JP", "Chiyoda-ku", "100-0001"), ("ES", "Madrid", "28001"),
            ("DE", "Berlin", "10115"), ("FR", "Paris", "75001"), ("NL", "Amsterdam", "1011 AB"),
            ("IT", "Roma", "00118"), ("SE", "Stockholm", "111 20"),
        ]
        let customers = addresses.enumerated().map { index, address in
            Self.customer(20 + index, ["country": address.0, "city": address.1, "postalCode": address.2])
        }
        var configuration = SimulatorConfiguration()
        configuration.seedCustomers = customers
        // Wide enough that the nine calls overlap on a loaded machine too.
        configuration.faults.latency = .milliseconds(600)
        let simulator = try await RunningSimulator.start(configuration)
        let folder = try temporaryDirectory()
        defer { Task { await simulator.stop() } }
        let input = folder.appendingPathComponent("corrections.csv").path
        let lines = zip(customers, addresses).map { "\($0.customerId),\($1.0),\($1.1) Nord\n" }
        try ("customerId,country,city\n" + lines.joined()).write(toFile: input, atomically: true, encoding: .utf8)
        let output = try await ToolRunner.start(
            ["plan", input, "--endpoint", simulator.baseURL, "--concurrency", "4"],
            environment: SimulatorFixture.environment
        ).finish()
        #expect(output.summaryCount("would-change") == 8, "\(output.stdout)\n\(output.stderr)")
        let stats = await simulator.stats()
        #expect(
            stats.count("GET /v1/countryvalidationrules/{iso2}") == 9, "US by the preflight, then each country once")
        // Four rows started, one in each call slot, each reading its profile and asking for its
        // country's rules at once, beside the preflight: nine calls, more than --concurrency + 4
        // connections would carry.
        #expect(stats.peakInFlight == 9, "the rules went out beside the reads, not queued behind them")
    }

    @Test("a required flag and a pattern Partner Center leaves empty lift the offline table's refusals")
    func customRules() async throws {
        let rules = try SimulatorCountryRules(
            json: Array(
                #"""
                [{"iso2Code":"US","isStateRequired":true,"supportedStatesList":["WA","TX"],"isPostalCodeRequired":true,
                  "postalCodeRegex":null,"isCityRequired":false,"attributes":{"objectType":"CountryValidationRules"}}]
                """#.utf8))
        let us = [
            Self.customer(1, ["country": "US", "city": "Redmond", "state": "WA", "postalCode": "98052"]),
            Self.customer(2, ["country": "US", "city": "Redmond", "state": "WA", "postalCode": "98052"]),
            Self.customer(3, ["country": "US", "city": "Redmond", "state": "WA", "postalCode": "98052"]),
        ]
        let (simulator, folder) = try await start(rules, customers: us)
        defer { Task { await simulator.stop() } }
        let input = folder.appendingPathComponent("corrections.csv").path
        try """
        customerId,country,city,state,postalCode
        \(us[0].customerId),US,<clear>,,
        \(us[1].customerId),US,,,WA-1
        \(us[2].customerId),US,,NY,

        """.write(toFile: input, atomically: true, encoding: .utf8)
        let validate = try await ToolRunner.run(["validate", input])
        #expect(validate.status == 1, "offline, the table refuses the postal code: \(validate.stdout)")
        let output = try await ToolRunner.start(
            ["apply", input, "--journal", folder.appendingPathComponent("j").path, "--endpoint", simulator.baseURL],
            environment: SimulatorFixture.environment
        ).finish()
        #expect(output.summaryCount("applied") == 2, "\(output.stdout)\n\(output.stderr)")
        #expect(output.summaryCount("invalid") == 1, "\(output.stdout)")
        #expect(await simulator.simulator.profile(us[0].customerId)?["defaultAddress"]?.objectValue?["city"] == nil)
        #expect(
            await simulator.simulator.profile(us[1].customerId)?["defaultAddress"]?.objectValue?["postalCode"]
                == .string("WA-1"))
        #expect(await simulator.stats().count("PUT /v1/customers/{id}/profiles/billing", status: 400) == 0)
    }

    @Test("sandbox --rules refuses a file it cannot use, naming it")
    func sandboxRulesFile() async throws {
        let folder = try temporaryDirectory()
        let bad = folder.appendingPathComponent("rules.json").path
        try #"[{"iso2Code":"US","postalCodeRegex":"(["}]"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let output = try await ToolRunner.run(["sandbox", "--rules", bad, "--port", "0"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--rules \(bad)"))
        #expect(output.stderr.contains("postalCodeRegex"))
    }
}
