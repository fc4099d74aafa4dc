import ArgumentParser
import Foundation
import JSONDocument
import Logging
import Migration
import PartnerCenter

/// `billing-migrate doctor`: checks the assumptions a run rests on, against one customer.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract:
            "Check the tenant before a big run: endpoint, token, profile shape, rules, validation, ETag enforcement.",
        discussion: """
            Reads the billing profile of the customer you name and checks, one line each with what to do: the \
            endpoint and TLS, the token (grant, audience, expiry; never the token), the profile on the wire (status, \
            byte-order mark, member-name casing, ETag), the country rules served for its country, address \
            validation, and whether Partner Center enforces the ETag: it PUTs the profile exactly as read with a \
            wrong ETag, once in If-Match and once in attributes.etag. A refusal proves enforcement; an acceptance \
            writes back the very document read (nothing changes) and proves its absence, in which case apply cannot \
            protect another writer's concurrent change and --trust-etag must not be used.

            Example:
              billing-migrate doctor --customer 3c9a8b2e-1f4d-4a6b-9e2c-5d7f8a1b2c01 --report doctor.json

            Exit codes: 0 every check passed (warnings allowed); 1 a check failed; 2 usage; 3 interrupted.
            """
    )

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The customer (tenant ID) whose billing profile the checks read.")
    var customer: String

    @Option(
        help: ArgumentHelp("Also write the findings to this JSON file (0600).", valueName: "file.json"),
        completion: .file(extensions: ["json"]))
    var report: String?

    @Option(help: LogFormat.help)
    var logFormat: LogFormat = .text

    func validate() throws {
        guard CustomerID(customer) != nil else {
            throw ValidationError("--customer must be a customer tenant ID (a GUID), not '\(customer)'.")
        }
        if let report, !report.lowercased().hasSuffix(".json") {
            throw ValidationError("--report for doctor writes JSON; name the file *.json.")
        }
    }

    func run() async throws {
        Console.use(logFormat)
        var logger = Logger(label: "billing-migrate")
        logger.logLevel = .warning
        let open = try await connection.connect(logger: logger)
        let customerId = CustomerID(customer).map { "\($0)" } ?? customer
        let checks = await Doctor(
            client: open.client, tokens: open.client.tokens, endpoint: open.endpoint, customerId: customerId,
            placement: connection.etagIn
        ).run()
        await open.close()
        for check in checks {
            print(
                "\(check.verdict.rawValue.uppercased().padding(toLength: 5, withPad: " ", startingAt: 0))\(check.name): \(check.finding)"
            )
            if let advice = check.advice { print("     what to do: \(advice)") }
        }
        let passed = !checks.contains { $0.verdict == .fail }
        if let report {
            var object = JSONObject()
            object["command"] = .string("doctor")
            object["customer"] = .string(customerId)
            object["endpoint"] = .string(open.endpoint)
            object["etagIn"] = .string(connection.etagIn.rawValue)
            object["passed"] = .bool(passed)
            object["checks"] = .array(checks.map(\.json))
            let file = try PrivateFile(path: report)
            try file.write(bytes: JSONValue.object(object).serialized + [0x0A])
            try file.commit()
        }
        let status = ExitStatus(checks)
        if status != .success { throw status }
    }
}
