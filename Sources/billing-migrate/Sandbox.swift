import ArgumentParser
import Foundation
import Logging
import PartnerCenter
import PartnerCenterSimulator

/// `billing-migrate sandbox`: the Partner Center simulator as a server.
struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the local Partner Center simulator (loopback only by default), for trying the tool safely.",
        discussion: """
            Serves the calls billing-migrate makes (billing profile GET/PUT with ETags, country rules, address \
            validation, the token endpoint) for generated or seeded customers, with faults on demand, and \
            counters at /_sandbox/stats. Its country rules are its own data, not the tool's offline table \
            (--rules FILE serves others). It accepts the bearer token 'sandbox-token', or issues tokens at \
            /{tenant}/oauth2/token for client secret 'sandbox-secret'.

            Example:
              billing-migrate sandbox --customers 1000 --port 0
              curl -H 'Authorization: Bearer sandbox-token' \\
                http://127.0.0.1:PORT/v1/customers/CUSTOMER-ID/profiles/billing
            """
    )

    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one and prints it.") var port = 8080
    @Option(help: "How many customers to generate (ignored with --seed-file).") var customers = 100
    @Option(
        help: ArgumentHelp("Serve the customers in this JSON file instead.", valueName: "file"), completion: .file())
    var seedFile: String?
    @Option(help: "Seed for generated data, ETags and fault decisions.") var seed: UInt64 = 1
    @Option(help: "Mean added latency per request, in milliseconds.") var latencyMs = 0
    @Option(help: "Latency varies by up to this many milliseconds either way.") var latencyJitterMs = 0
    @Option(help: "Fraction of requests answered with a 5xx (0 to 1).") var errorRate = 0.0
    @Option(help: "Fraction of requests answered 429 (0 to 1).") var throttleRate = 0.0
    @Option(help: "Fraction of requests whose connection drops before an answer (0 to 1).") var dropRate = 0.0
    @Option(help: "Fraction of PUTs applied before the connection drops (0 to 1).") var dropAfterWriteRate = 0.0
    @Option(help: "Requests per minute allowed for the partner; beyond it, 429 with Retry-After.")
    var quota: Int?
    @Option(
        help: ArgumentHelp(
            "With --quota: the requests the quota's bucket holds when full, the burst it allows (default: one "
                + "second of quota)."))
    var quotaBurst: Int?
    @Option(
        help: ArgumentHelp(
            "With --quota: how Retry-After rounds the wait for the next allowed request: up (at least 1 s, a strict "
                + "token bucket) or nearest (0 when it is due within half a second). Default up.",
            valueName: "up|nearest"),
        transform: choice)
    var retryAfterRounding = SimulatorConfiguration.RetryAfterRounding.up
    @Option(help: "Lifetime of issued tokens, in seconds.") var tokenLifetime = 3600
    @Option(
        help: ArgumentHelp(
            "Serve and enforce these Partner Center country rules (a JSON array of countryvalidationrules "
                + "documents) instead of the simulator's own.", valueName: "file"), completion: .file())
    var rules: String?
    @Flag(help: "Start every JSON answer with the UTF-8 byte-order mark (EF BB BF).") var bom = false
    @Option(
        help: ArgumentHelp(
            "Answer a PUT with a stale ETag with 412 (code 800036), 409 (code 800064) or 400 (code 2055, "
                + "'Etag is no longer valid'). Default 412.", valueName: "412|409|400"),
        transform: choice)
    var conflictStyle = SimulatorConfiguration.ConflictStyle.preconditionFailed
    @Option(
        help: ArgumentHelp(
            "The ETag a PUT must carry: the If-Match header, the body's attributes.etag, both (If-Match, and "
                + "the body's if present), or none (last writer wins). Default both.",
            valueName: "header|body|both|none"),
        transform: choice)
    var etagIn = SimulatorConfiguration.ETagSource.both
    @Flag(help: "Merge a PUT into the stored profile: fields it leaves out keep their value, a null removes one.")
    var mergePuts = false
    @Flag(
        name: .customLong("normalize"),
        help: ArgumentHelp(
            "Store city, state and postal code upper-cased with runs of spaces collapsed, as a standardizing "
                + "service would (the PUT's answer and later reads show them so)."))
    var normalizeStoredValues = false
    @Option(
        help: ArgumentHelp(
            "Answer every address validation with this status, and its documented suggestions: VerifiedShippable, "
                + "Verified, InteractionRequired, StreetPartial, PremisesPartial, Multiple, None or NotValidated.",
            valueName: "status"),
        transform: choice)
    var validationStatus: SimulatorConfiguration.AddressValidationStatus?
    @Flag(help: "Answer a successful PUT with 200 and an empty body instead of the stored profile.")
    var emptyPutAnswer = false
    @Option(
        help: ArgumentHelp(
            "How a page of GET /v1/customers points to the next: relative (links.next.uri without /v1, with its "
                + "MS-ContinuationToken header, as documented), versioned (the uri with /v1), or token (a top-level "
                + "continuationToken only). Default relative.", valueName: "relative|versioned|token"),
        transform: choice)
    var customerPaging = SimulatorConfiguration.CustomerPaging.relativeLink
    @Flag(help: "Answer GET /v1/customers/{id} without the customer's billingProfile.")
    var customerWithoutBillingProfile = false
    @Option(help: "The largest page GET /v1/customers answers, whatever size asks (Partner Center's is 500).")
    var customerPageLimit = 500

    func validate() throws {
        for (name, rate) in [
            ("--error-rate", errorRate), ("--throttle-rate", throttleRate), ("--drop-rate", dropRate),
            ("--drop-after-write-rate", dropAfterWriteRate),
        ] where !(0...1).contains(rate) {
            throw ValidationError("\(name) is a fraction from 0 to 1, not \(rate).")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535.") }
        for (name, value, range) in [
            ("--customers", customers, 0...1_000_000), ("--latency-ms", latencyMs, 0...600_000),
            ("--latency-jitter-ms", latencyJitterMs, 0...600_000), ("--token-lifetime", tokenLifetime, 1...86_400),
            ("--quota", quota ?? 1, 1...1_000_000), ("--quota-burst", quotaBurst ?? 1, 1...1_000_000),
            ("--customer-page-limit", customerPageLimit, 1...500),
        ] where !range.contains(value) {
            throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound), not \(value).")
        }
    }

    /// The mode `text` names, for the options whose values are a simulator mode's raw values.
    private static func choice<Mode: RawRepresentable & CaseIterable>(_ text: String) throws -> Mode
    where Mode.RawValue == String {
        guard let mode = Mode(rawValue: text) else {
            throw ValidationError("expected one of " + Mode.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        return mode
    }

    func run() async throws {
        var configuration = SimulatorConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.seed = seed
        configuration.generatedCustomers = customers
        configuration.faults.latency = .milliseconds(latencyMs)
        configuration.faults.latencyJitter = .milliseconds(latencyJitterMs)
        configuration.faults.serverErrorRate = errorRate
        configuration.faults.throttleRate = throttleRate
        configuration.faults.dropRate = dropRate
        configuration.faults.dropAfterWriteRate = dropAfterWriteRate
        configuration.quotaPerMinute = quota
        configuration.quotaBurst = quotaBurst
        configuration.retryAfterRounding = retryAfterRounding
        configuration.tokenLifetime = .seconds(tokenLifetime)
        configuration.bom = bom
        configuration.conflictStyle = conflictStyle
        configuration.etagIn = etagIn
        configuration.mergePuts = mergePuts
        configuration.normalizeStoredValues = normalizeStoredValues
        configuration.addressValidationStatus = validationStatus
        configuration.emptyPutAnswer = emptyPutAnswer
        configuration.customerPaging = customerPaging
        configuration.customerPageLimit = customerPageLimit
        configuration.customerWithoutBillingProfile = customerWithoutBillingProfile
        if let seedFile {
            guard let data = FileManager.default.contents(atPath: seedFile) else {
                throw ConfigurationError("--seed-file \(seedFile): cannot read it.")
            }
            do {
                configuration.seedCustomers = try SeedCustomer.load(json: Array(data))
            } catch {
                throw ConfigurationError("--seed-file \(seedFile): \(error)")
            }
        }
        if let rules {
            guard let data = FileManager.default.contents(atPath: rules) else {
                throw ConfigurationError("--rules \(rules): cannot read it.")
            }
            do {
                configuration.countryRules = try SimulatorCountryRules(json: Array(data))
            } catch {
                throw ConfigurationError("--rules \(rules): \(error)")
            }
        }
        if !Endpoint.isLoopback(host) {
            Console.error(
                "warning: listening on \(host), which is not loopback: other machines can reach the simulator.")
        }
        let simulator = Simulator(configuration: configuration)
        try await simulator.run(logger: Logger(label: "sandbox")) { port in
            Console.output(
                "Partner Center simulator listening on http://\(host):\(port) (Ctrl-C to stop)\n"
                    + "  token: 'sandbox-token'; stats: http://\(host):\(port)/_sandbox/stats")
        }
    }
}
